// Normalised form of a quotation for recognising reprints: accents, case, punctuation and spacing do not count.
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <cstdio>

#include "gazette/quotes.h"

namespace gazette {

namespace {

std::string fold_quote_text(std::string_view quote_text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkd = icu::Normalizer2::getNFKDInstance(status);
  icu::UnicodeString source = icu::UnicodeString::fromUTF8(icu::StringPiece(quote_text.data(),
                                                                            static_cast<int32_t>(quote_text.size())));
  icu::UnicodeString decomposed = U_SUCCESS(status) ? nfkd->normalize(source, status) : source;
  if (U_FAILURE(status)) decomposed = source;
  std::string out;
  bool pending_space = false;
  for (int32_t i = 0; i < decomposed.length();) {
    UChar32 c = decomposed.char32At(i);
    i += U16_LENGTH(c);
    if (u_getCombiningClass(c) != 0 || u_charType(c) == U_NON_SPACING_MARK) continue;
    if (!u_isalnum(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
    // Ligatures that no decomposition splits.
    if (c == 0x0153) { out += "oe"; continue; }
    if (c == 0x00E6) { out += "ae"; continue; }
    if (c == 0x00DF) { out += "ss"; continue; }
    char buf[4];
    int32_t len = 0;
    U8_APPEND_UNSAFE(buf, len, c);
    out.append(buf, static_cast<std::size_t>(len));
  }
  return out;
}

}  // namespace

std::string quote_fingerprint(std::string_view quote_text) {
  // FNV-1a over the folded text: stable across runs, machines and versions of the standard library.
  std::uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : fold_quote_text(quote_text)) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash));
  return buf;
}

std::string quote_normal_form(std::string_view quote_text) { return fold_quote_text(quote_text); }

}  // namespace gazette
