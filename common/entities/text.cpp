// Tokenisation, folding and word shapes for the tagger, on UTF-8 with ICU's character properties.
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <mutex>

#include "entities/ner.h"

namespace gazette::ner {
namespace {

char32_t next_char(std::string_view s, std::size_t& i) {
  UChar32 c = 0;
  auto length = static_cast<std::int32_t>(s.size());
  auto index = static_cast<std::int32_t>(i);
  U8_NEXT(reinterpret_cast<const std::uint8_t*>(s.data()), index, length, c);
  i = static_cast<std::size_t>(index);
  return c < 0 ? U'\uFFFD' : static_cast<char32_t>(c);
}

char32_t peek_char(std::string_view s, std::size_t i) { return i < s.size() ? next_char(s, i) : 0; }

void append_utf8(std::string& out, char32_t c) {
  char buffer[4];
  std::int32_t length = 0;
  UBool error = false;
  U8_APPEND(reinterpret_cast<std::uint8_t*>(buffer), length, 4, static_cast<UChar32>(c), error);
  if (!error) out.append(buffer, static_cast<std::size_t>(length));
}

bool is_space(char32_t c) { return u_isUWhiteSpace(static_cast<UChar32>(c)) || c == 0xA0 || c == 0x202F || c == 0xFEFF; }
bool is_word_char(char32_t c) {
  auto category = u_charType(static_cast<UChar32>(c));
  return u_isalnum(static_cast<UChar32>(c)) || category == U_NON_SPACING_MARK || category == U_COMBINING_SPACING_MARK;
}
bool is_apostrophe(char32_t c) { return c == U'\'' || c == U'\u2019' || c == U'\u02BC'; }
bool is_hyphen(char32_t c) { return c == U'-' || c == U'\u2010' || c == U'\u2011'; }

// Elided words end their token at the apostrophe: "l'", "qu'", "jusqu'".
bool is_elision(std::string_view folded) {
  static const std::array<std::string_view, 15> kElisions = {"l", "d", "j", "m", "n", "s", "t", "c", "qu",
                                                             "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu", "quelqu"};
  return std::find(kElisions.begin(), kElisions.end(), folded) != kElisions.end();
}

// Folding of one code point, cached for the Latin range where nearly all text lives.
struct FoldTable {
  std::array<std::string, 0x250> latin;
  FoldTable() {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    for (char32_t c = 0; c < latin.size(); ++c) latin[c] = compute(c, U_SUCCESS(status) ? nfd : nullptr);
  }
  static std::string compute(char32_t c, const icu::Normalizer2* nfd) {
    auto lower = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
    std::string out;
    switch (lower) {
      case U'œ': return "oe";
      case U'æ': return "ae";
      case U'ß': return "ss";
      case U'ø': return "o";
      case U'ł': return "l";
      case U'đ': return "d";
      default: break;
    }
    if (nfd != nullptr) {
      icu::UnicodeString decomposition;
      if (nfd->getDecomposition(static_cast<UChar32>(lower), decomposition) && decomposition.length() > 0) {
        lower = static_cast<char32_t>(decomposition.char32At(0));
      }
    }
    append_utf8(out, lower);
    return out;
  }
};

const FoldTable& fold_table() {
  static const FoldTable table;
  return table;
}

}  // namespace

std::string fold(std::string_view word) {
  const FoldTable& table = fold_table();
  std::string out;
  out.reserve(word.size());
  for (std::size_t i = 0; i < word.size();) {
    auto byte = static_cast<unsigned char>(word[i]);
    if (byte < 0x80) {
      out.push_back(static_cast<char>(byte >= 'A' && byte <= 'Z' ? byte + 32 : byte));
      ++i;
      continue;
    }
    char32_t c = next_char(word, i);
    auto category = u_charType(static_cast<UChar32>(c));
    if (category == U_NON_SPACING_MARK) continue;
    if (c < table.latin.size()) {
      out += table.latin[c];
    } else if (c == U'\u2019' || c == U'\u02BC') {
      out.push_back('\'');
    } else {
      append_utf8(out, static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))));
    }
  }
  return out;
}

std::string word_shape(std::string_view word, bool compress) {
  std::string out;
  char last = 0;
  for (std::size_t i = 0; i < word.size();) {
    char32_t c = next_char(word, i);
    char symbol;
    if (u_isupper(static_cast<UChar32>(c)) || u_istitle(static_cast<UChar32>(c))) {
      symbol = 'X';
    } else if (u_isalpha(static_cast<UChar32>(c))) {
      symbol = 'x';
    } else if (u_isdigit(static_cast<UChar32>(c))) {
      symbol = 'd';
    } else if (c < 0x80) {
      symbol = static_cast<char>(c);
    } else if (is_apostrophe(c)) {
      symbol = '\'';
    } else {
      symbol = '*';
    }
    if (compress && symbol == last) continue;
    if (!compress && symbol == last && out.size() >= 4 && out[out.size() - 4] == symbol) continue;  // cap runs at 4
    out.push_back(symbol);
    last = symbol;
  }
  return out;
}

bool starts_upper(std::string_view word) {
  if (word.empty()) return false;
  std::size_t i = 0;
  char32_t c = next_char(word, i);
  return u_isupper(static_cast<UChar32>(c)) || u_istitle(static_cast<UChar32>(c));
}

bool has_letter(std::string_view word) {
  for (std::size_t i = 0; i < word.size();) {
    if (u_isalpha(static_cast<UChar32>(next_char(word, i)))) return true;
  }
  return false;
}

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  bool newline = false;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t start = i;
    char32_t c = next_char(text, i);
    if (is_space(c)) {
      if (c == U'\n' || c == U'\r' || c == U'\u2028' || c == U'\u2029') newline = true;
      continue;
    }
    Token token;
    token.start = static_cast<std::uint32_t>(start);
    token.newline_before = newline && !tokens.empty();
    newline = false;
    if (!is_word_char(c)) {
      token.end = static_cast<std::uint32_t>(i);
      tokens.push_back(token);
      continue;
    }
    bool all_digits = u_isdigit(static_cast<UChar32>(c));
    for (;;) {
      std::size_t here = i;
      char32_t d = peek_char(text, i);
      if (d != 0 && is_word_char(d)) {
        next_char(text, i);
        all_digits = all_digits && u_isdigit(static_cast<UChar32>(d));
        continue;
      }
      std::size_t after = here;
      if (d != 0) next_char(text, after);
      char32_t following = peek_char(text, after);
      if (is_hyphen(d) && following != 0 && is_word_char(following)) {
        i = after;  // hyphenated compound stays one token: États-Unis, Jean-Yves, porte-parole
        all_digits = false;
        continue;
      }
      if (is_apostrophe(d)) {
        if (is_elision(fold(text.substr(start, here - start)))) {
          i = after;  // "l'" ends here
          break;
        }
        if (following != 0 && u_isalpha(static_cast<UChar32>(following))) {
          i = after;  // O'Brien, aujourd'hui
          continue;
        }
        break;
      }
      if (all_digits && (d == U'.' || d == U',') && following != 0 && u_isdigit(static_cast<UChar32>(following))) {
        i = after;  // 2,5  1.000
        continue;
      }
      break;
    }
    token.end = static_cast<std::uint32_t>(i);
    tokens.push_back(token);
  }
  return tokens;
}

std::vector<std::size_t> sentence_starts(std::string_view text, const std::vector<Token>& tokens) {
  std::vector<std::size_t> starts;
  if (tokens.empty()) return starts;
  starts.push_back(0);
  for (std::size_t i = 1; i < tokens.size(); ++i) {
    if (tokens[i].newline_before) {
      starts.push_back(i);
      continue;
    }
    std::string_view previous = text.substr(tokens[i - 1].start, tokens[i - 1].end - tokens[i - 1].start);
    if (previous != "." && previous != "!" && previous != "?") continue;
    std::string_view word = text.substr(tokens[i].start, tokens[i].end - tokens[i].start);
    if (!starts_upper(word) && word != "«" && word != "\"") continue;
    if (i >= 2) {
      std::string_view before = text.substr(tokens[i - 2].start, tokens[i - 2].end - tokens[i - 2].start);
      std::string folded = fold(before);
      bool initial = starts_upper(before) && folded.size() <= 2 && !has_letter(folded.substr(1));
      static const std::array<std::string_view, 12> kAbbreviations = {"m", "mm", "mme", "mmes", "mlle", "dr",
                                                                      "pr", "me", "st", "ste", "gen", "col"};
      if (previous == "." && (initial || std::find(kAbbreviations.begin(), kAbbreviations.end(), folded) !=
                                             kAbbreviations.end())) {
        continue;
      }
    }
    starts.push_back(i);
  }
  return starts;
}

std::vector<std::size_t> bounded_sentence_starts(std::string_view text, const std::vector<Token>& tokens,
                                                 std::size_t longest) {
  const std::vector<std::size_t> starts = sentence_starts(text, tokens);
  longest = std::max<std::size_t>(longest, 4);
  std::vector<std::size_t> bounded;
  bounded.reserve(starts.size());
  for (std::size_t s = 0; s < starts.size(); ++s) {
    const std::size_t end = s + 1 < starts.size() ? starts[s + 1] : tokens.size();
    std::size_t begin = starts[s];
    bounded.push_back(begin);
    while (end - begin > longest) {
      std::size_t cut = begin + longest;
      for (std::size_t i = cut; i > begin + longest - longest / 4; --i) {
        const std::string_view previous = text.substr(tokens[i - 1].start, tokens[i - 1].end - tokens[i - 1].start);
        if (!has_letter(previous) && previous.find_first_of("0123456789") == std::string_view::npos) {
          cut = i;
          break;
        }
      }
      bounded.push_back(cut);
      begin = cut;
    }
  }
  return bounded;
}

std::string tag_name(int tag) {
  if (tag == 0) return "O";
  static const char* kParts = "BILU";
  return std::string(1, kParts[static_cast<int>(part_of_tag(tag))]) + "-" + entity_type_code(type_of_tag(tag));
}

std::vector<int> encode_bilou(std::size_t token_count, const std::vector<TokenSpan>& spans) {
  std::vector<int> tags(token_count, 0);
  for (const TokenSpan& span : spans) {
    if (span.first == span.last) {
      tags[span.first] = tag_of(span.type, Part::U);
      continue;
    }
    tags[span.first] = tag_of(span.type, Part::B);
    for (std::size_t i = span.first + 1; i < span.last; ++i) tags[i] = tag_of(span.type, Part::I);
    tags[span.last] = tag_of(span.type, Part::L);
  }
  return tags;
}

std::vector<TokenSpan> decode_bilou(const std::vector<int>& tags) {
  std::vector<TokenSpan> spans;
  std::size_t i = 0;
  while (i < tags.size()) {
    int tag = tags[i];
    if (tag == 0) {
      ++i;
      continue;
    }
    EntityType type = type_of_tag(tag);
    std::size_t first = i;
    if (part_of_tag(tag) == Part::B) {
      // Viterbi's constraints make B…L well formed; stay tolerant anyway.
      std::size_t j = i + 1;
      while (j < tags.size() && tags[j] != 0 && type_of_tag(tags[j]) == type && part_of_tag(tags[j]) == Part::I) ++j;
      if (j < tags.size() && tags[j] != 0 && type_of_tag(tags[j]) == type && part_of_tag(tags[j]) == Part::L) {
        spans.push_back({type, first, j});
        i = j + 1;
      } else {
        spans.push_back({type, first, j - 1});
        i = j;
      }
      continue;
    }
    spans.push_back({type, first, first});
    ++i;
  }
  return spans;
}

}  // namespace gazette::ner
