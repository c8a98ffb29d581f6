#include "readers/reader_internals.h"

#include <unicode/ucnv.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace gazette {

std::string InputError::to_string() const {
  if (line == 0) return file + ": " + reason;
  return file + ":" + std::to_string(line) + ": " + reason;
}

namespace readers_detail {

std::optional<Utf8Problem> find_invalid_utf8(std::string_view text) {
  // ICU's U8_NEXT is the reference decoder: it rejects overlong forms, surrogates and values past U+10FFFF,
  // which a hand-written "continuation byte" check easily lets through.
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int64_t>(text.size());
  std::int64_t index = 0;
  while (index < length) {
    if (bytes[index] < 0x80) {  // fast path: ASCII is most of any French text
      ++index;
      continue;
    }
    const std::int64_t start = index;
    // U8_NEXT takes int32_t offsets; chunks are bounded by kMaxArticleBytes, far below 2 GiB.
    std::int32_t i = 0;
    const auto remaining = static_cast<std::int32_t>(std::min<std::int64_t>(length - start, 8));
    UChar32 code_point = 0;
    U8_NEXT(bytes + start, i, remaining, code_point);
    if (code_point < 0) return Utf8Problem{static_cast<std::size_t>(start), bytes[start]};
    index = start + i;
  }
  return std::nullopt;
}

std::string hex_byte(unsigned char byte) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  return std::string("0x") + kDigits[byte >> 4] + kDigits[byte & 0xF];
}

bool check_utf8(const std::string& path, std::string_view text, const InputErrorCallback& on_error) {
  const auto problem = find_invalid_utf8(text);
  if (!problem) return true;
  const std::string_view before = text.substr(0, problem->offset);
  const auto line = static_cast<std::uint64_t>(std::count(before.begin(), before.end(), '\n')) + 1;
  on_error({path, line,
            "invalid UTF-8 at byte offset " + std::to_string(problem->offset) + " (byte " + hex_byte(problem->byte) +
                "); the file must be UTF-8"});
  return false;
}

namespace {
struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
}  // namespace

std::optional<std::string> read_small_file(const std::string& path, const InputErrorCallback& on_error) {
  errno = 0;
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    on_error({path, 0, std::string("cannot open: ") + std::strerror(errno)});
    return std::nullopt;
  }
  std::string content;
  char buffer[1 << 16];
  while (true) {
    const std::size_t got = std::fread(buffer, 1, sizeof buffer, file.get());
    if (got > 0) {
      if (content.size() + got > kMaxArticleBytes) {
        on_error({path, 0,
                  "larger than the " + std::to_string(kMaxArticleBytes / (1024 * 1024)) +
                      " MB limit for one article: skipped"});
        return std::nullopt;
      }
      content.append(buffer, got);
    }
    if (got < sizeof buffer) break;
  }
  if (std::ferror(file.get())) {
    // Reading a directory opened by name, or an I/O error: fread sets errno.
    on_error({path, 0, std::string("cannot read: ") + std::strerror(errno)});
    return std::nullopt;
  }
  if (content.empty()) {
    on_error({path, 0, "empty file"});
    return std::nullopt;
  }
  if (const auto nul = content.find('\0'); nul != std::string::npos) {
    on_error({path, 0, "binary file (NUL byte at byte offset " + std::to_string(nul) + "): skipped"});
    return std::nullopt;
  }
  return content;
}

std::string reader_extension(const std::string& file_name) {
  const std::string lower = ascii_lower(file_name);
  for (const char* extension : {".jsonl.gz", ".jsonl", ".txt", ".html", ".htm"}) {
    const std::string_view suffix(extension);
    if (lower.size() > suffix.size() && lower.compare(lower.size() - suffix.size(), suffix.size(), suffix) == 0)
      return std::string(suffix);
  }
  return {};
}

std::string ascii_lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return lower;
}

std::vector<std::string> comma_separated(std::string_view list) {
  std::vector<std::string> items;
  for (std::size_t start = 0; start <= list.size();) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    if (std::string item = trim(list.substr(start, comma - start)); !item.empty()) items.push_back(std::move(item));
    start = comma + 1;
  }
  return items;
}

std::string trim(std::string_view text) {
  const auto is_space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; };
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && is_space(text[begin])) ++begin;
  while (end > begin && is_space(text[end - 1])) --end;
  return std::string(text.substr(begin, end - begin));
}


// The HTML standard decodes every Latin-1 and ASCII label as windows-1252, and French text needs it: a page
// or a file "in ISO-8859-1" writes œ as 0x9C and ’ as 0x92, which are controls in ISO-8859-1 itself.
std::string converter_name(const std::string& label) {
  const std::string lower = ascii_lower(label);
  static const char* const kWindows1252[] = {"iso-8859-1", "iso8859-1", "iso88591", "iso_8859-1", "iso_8859-1:1987",
                                            "latin1", "latin-1", "l1", "cp819", "ibm819", "csisolatin1", "iso-ir-100",
                                            "us-ascii", "ascii", "ansi_x3.4-1968", "cp1252", "windows-1252",
                                            "x-cp1252", "x-user-defined"};
  for (const char* alias : kWindows1252)
    if (lower == alias) return "windows-1252";
  return label;
}

std::optional<std::string> decode(const std::string& path, const std::string& bytes, const std::string& encoding,
                                  const std::string& said_by, const InputErrorCallback& on_error) {
  UErrorCode status = U_ZERO_ERROR;
  const std::unique_ptr<UConverter, decltype(&ucnv_close)> converter(
      ucnv_open(converter_name(encoding).c_str(), &status), ucnv_close);
  if (U_FAILURE(status)) {
    on_error({path, 0, "the encoding '" + encoding + "' that " + said_by + " is not known: skipped"});
    return std::nullopt;
  }
  // A byte the encoding doesn't define is an error, as a bad byte in UTF-8 is, rather than a silent U+FFFD.
  ucnv_setToUCallBack(converter.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  const auto length = static_cast<int32_t>(bytes.size());
  int32_t needed = ucnv_toUChars(converter.get(), nullptr, 0, bytes.data(), length, &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) status = U_ZERO_ERROR;
  std::u16string units(static_cast<std::size_t>(std::max(needed, 0)), u'\0');
  if (U_SUCCESS(status)) needed = ucnv_toUChars(converter.get(), units.data(), needed, bytes.data(), length, &status);
  if (U_FAILURE(status) && status != U_STRING_NOT_TERMINATED_WARNING) {
    on_error({path, 0, "not valid " + encoding + ", the encoding " + said_by + ": skipped"});
    return std::nullopt;
  }
  std::string utf8;
  icu::UnicodeString(false, units.data(), needed).toUTF8String(utf8);
  return utf8;
}

}  // namespace readers_detail

bool known_text_encoding(const std::string& text_encoding) {
  UErrorCode status = U_ZERO_ERROR;
  UConverter* converter = ucnv_open(readers_detail::converter_name(text_encoding).c_str(), &status);
  if (converter != nullptr) ucnv_close(converter);
  return U_SUCCESS(status);
}

}  // namespace gazette
