#include "utf16_text.h"

#include <unicode/unistr.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

namespace gazette::analysis {
namespace {

char32_t code_point_at(const std::u16string& units, std::size_t i) {
  UChar32 c;
  U16_GET(units.data(), 0, i, units.size(), c);
  return static_cast<char32_t>(c);
}

std::size_t next_code_point(const std::u16string& units, std::size_t i) {
  U16_FWD_1(units.data(), i, units.size());
  return i;
}

// NFC of an already decoded text. ICU's quick check finds the long already-normalised spans (nearly all of a
// news article); only the stretches around a "no"/"maybe" character are normalised, one at a time, so that
// each output unit still knows which original bytes it came from.
void to_nfc(Utf16Text& text, const icu::Normalizer2& nfc) {
  const std::u16string& in = text.units;
  const std::size_t length = in.size();
  UErrorCode status = U_ZERO_ERROR;
  const std::size_t first_yes = static_cast<std::size_t>(
      nfc.spanQuickCheckYes(icu::UnicodeString(false, in.data(), static_cast<int32_t>(length)), status));
  if (U_FAILURE(status) || first_yes == length) return;

  Utf16Text out;
  out.units.reserve(length + 16);
  out.byte_offset.reserve(length + 17);
  auto copy = [&](std::size_t from, std::size_t to) {
    out.units.append(in, from, to - from);
    out.byte_offset.insert(out.byte_offset.end(), text.byte_offset.begin() + static_cast<std::ptrdiff_t>(from),
                           text.byte_offset.begin() + static_cast<std::ptrdiff_t>(to));
  };
  std::size_t i = 0;
  std::size_t yes_end = first_yes;  // ICU returns the end of the span at a normalisation boundary
  while (true) {
    copy(i, yes_end);
    if (yes_end == length) break;
    std::size_t stretch_end = next_code_point(in, yes_end);
    while (stretch_end < length && !nfc.hasBoundaryBefore(static_cast<UChar32>(code_point_at(in, stretch_end)))) {
      stretch_end = next_code_point(in, stretch_end);
    }
    icu::UnicodeString normalised;
    nfc.normalize(icu::UnicodeString(false, in.data() + yes_end, static_cast<int32_t>(stretch_end - yes_end)),
                  normalised, status);
    if (U_FAILURE(status)) {  // cannot happen on valid UTF-16; keep the stretch as written rather than lose it
      status = U_ZERO_ERROR;
      copy(yes_end, stretch_end);
    } else {
      out.units.append(reinterpret_cast<const char16_t*>(normalised.getBuffer()),
                       static_cast<std::size_t>(normalised.length()));
      out.byte_offset.insert(out.byte_offset.end(), static_cast<std::size_t>(normalised.length()),
                             text.byte_offset[yes_end]);
    }
    i = stretch_end;
    if (i == length) break;
    yes_end = i + static_cast<std::size_t>(nfc.spanQuickCheckYes(
                      icu::UnicodeString(false, in.data() + i, static_cast<int32_t>(length - i)), status));
    if (U_FAILURE(status)) {
      status = U_ZERO_ERROR;
      yes_end = length;
    }
  }
  out.byte_offset.push_back(text.byte_offset.back());
  text = std::move(out);
}

}  // namespace

Utf16Text decode_for_analysis(std::string_view utf8, const icu::Normalizer2& nfc) {
  Utf16Text text;
  text.units.reserve(utf8.size());
  text.byte_offset.reserve(utf8.size() + 1);
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(utf8.data());
  const auto length = static_cast<std::int32_t>(utf8.size());
  std::int32_t i = 0;
  while (i < length) {
    const auto start = static_cast<std::uint32_t>(i);
    if (bytes[i] < 0x80) {  // ASCII: most of French text
      text.units.push_back(static_cast<char16_t>(bytes[i]));
      text.byte_offset.push_back(start);
      ++i;
      continue;
    }
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) c = 0xFFFD;
    if (is_apostrophe_form(static_cast<char32_t>(c))) {
      c = u'\'';
    } else if (is_nbsp_form(static_cast<char32_t>(c))) {
      c = u' ';
    }
    if (c <= 0xFFFF) {
      text.units.push_back(static_cast<char16_t>(c));
      text.byte_offset.push_back(start);
    } else {
      text.units.push_back(static_cast<char16_t>(U16_LEAD(c)));
      text.units.push_back(static_cast<char16_t>(U16_TRAIL(c)));
      text.byte_offset.push_back(start);
      text.byte_offset.push_back(start);
    }
  }
  text.byte_offset.push_back(static_cast<std::uint32_t>(utf8.size()));
  to_nfc(text, nfc);
  return text;
}

void append_utf8(std::u16string_view units, std::string& out) {
  std::size_t i = 0;
  while (i < units.size()) {
    UChar32 c;
    U16_NEXT(units.data(), i, units.size(), c);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
      continue;
    }
    if (U_IS_SURROGATE(c)) c = 0xFFFD;  // an unpaired surrogate cannot be written as UTF-8
    char buffer[4];
    std::int32_t written = 0;  // four bytes always hold one scalar value
    U8_APPEND_UNSAFE(reinterpret_cast<std::uint8_t*>(buffer), written, c);
    out.append(buffer, static_cast<std::size_t>(written));
  }
}

}  // namespace gazette::analysis
