#include "quotes/text_units.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>

namespace gazette::quotes {

namespace {

constexpr UChar32 kLeftGuillemet = 0x00AB, kRightGuillemet = 0x00BB;
constexpr UChar32 kLeftSingleGuillemet = 0x2039, kRightSingleGuillemet = 0x203A;
constexpr UChar32 kLeftDouble = 0x201C, kRightDouble = 0x201D, kLowDouble = 0x201E;
constexpr UChar32 kRightSingle = 0x2019;

UChar32 decode_at(std::string_view s, std::size_t i, std::size_t* next) {
  int32_t pos = static_cast<int32_t>(i);
  UChar32 c;
  U8_NEXT(reinterpret_cast<const uint8_t*>(s.data()), pos, static_cast<int32_t>(s.size()), c);
  *next = static_cast<std::size_t>(pos);
  return c < 0 ? 0xFFFD : c;
}

UChar32 decode_before(std::string_view s, std::size_t i, std::size_t* prev) {
  int32_t pos = static_cast<int32_t>(i);
  UChar32 c;
  U8_PREV(reinterpret_cast<const uint8_t*>(s.data()), 0, pos, c);
  *prev = static_cast<std::size_t>(pos);
  return c < 0 ? 0xFFFD : c;
}

bool is_space(UChar32 c) { return c == ' ' || c == '\t' || c == '\r' || c == 0xA0 || c == 0x202F || c == 0x2009 || u_isspace(c); }
bool is_word_char(UChar32 c) { return u_isalnum(c) || u_getCombiningClass(c) != 0 || u_charType(c) == U_NON_SPACING_MARK; }

// The code point before / after a byte offset within the same paragraph (0 at a boundary).
UChar32 cp_before(std::string_view s, std::size_t i) {
  if (i == 0) return 0;
  std::size_t prev;
  UChar32 c = decode_before(s, i, &prev);
  return c == '\n' ? 0 : c;
}
UChar32 cp_after(std::string_view s, std::size_t i) {
  if (i >= s.size()) return 0;
  std::size_t next;
  UChar32 c = decode_at(s, i, &next);
  return c == '\n' ? 0 : c;
}

// A mark glued to the word before it and followed by a space or punctuation closes a quotation, whatever its
// direction: `très longtemps« ,`. A mark preceded by a space or an apostrophe and glued to the next word opens
// one: `d' »actions`.
bool looks_closing(std::string_view s, std::size_t mark_start, std::size_t mark_end) {
  UChar32 before = cp_before(s, mark_start), after = cp_after(s, mark_end);
  bool glued_before = before != 0 && !is_space(before);
  bool free_after = after == 0 || is_space(after) || u_ispunct(after);
  return glued_before && free_after;
}
bool looks_opening(std::string_view s, std::size_t mark_start, std::size_t mark_end) {
  UChar32 before = cp_before(s, mark_start), after = cp_after(s, mark_end);
  bool free_before = before == 0 || is_space(before) || before == '\'' || before == kRightSingle || before == '(';
  bool glued_after = after != 0 && !is_space(after) && (is_word_char(after) || after == '.' || after == 0x2026);
  return free_before && glued_after;
}

std::pair<std::uint32_t, std::uint32_t> trimmed(std::string_view s, std::size_t from, std::size_t to) {
  while (from < to) {
    std::size_t next;
    UChar32 c = decode_at(s, from, &next);
    if (!is_space(c)) break;
    from = next;
  }
  while (to > from) {
    std::size_t prev;
    UChar32 c = decode_before(s, to, &prev);
    if (!is_space(c)) break;
    to = prev;
  }
  return {static_cast<std::uint32_t>(from), static_cast<std::uint32_t>(to)};
}

// One family of marks (« », “ ”, ‹ ›, or the ASCII double quote whose two ends look alike).
struct Family {
  UChar32 open, close, alt_open;
  bool symmetric;
};

void scan_family(std::string_view s, const Family& family, std::vector<QuoteSpan>& out) {
  bool inside = false;
  int depth = 0;
  QuoteSpan current;
  std::size_t segment_start = 0;
  int paragraph = 0;
  auto finish = [&](std::size_t text_end, std::size_t close_end, bool closed) {
    auto seg = trimmed(s, segment_start, text_end);
    if (seg.second > seg.first) current.segments.push_back(seg);
    current.close = static_cast<std::uint32_t>(close_end);
    current.closed = closed;
    if (!current.segments.empty()) out.push_back(current);
    inside = false;
    depth = 0;
  };
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t next;
    UChar32 c = decode_at(s, i, &next);
    if (c == '\n') {
      if (inside) {
        // French usage reopens a quotation that goes on in the next paragraph with a new opening mark.
        std::size_t j = next;
        while (j < s.size()) {
          std::size_t after;
          UChar32 d = decode_at(s, j, &after);
          if (!is_space(d) && d != '\n') break;
          j = after;
        }
        std::size_t after_mark;
        UChar32 d = j < s.size() ? decode_at(s, j, &after_mark) : 0;
        if (j < s.size() && (d == family.open || d == family.alt_open)) {
          auto seg = trimmed(s, segment_start, i);
          if (seg.second > seg.first) current.segments.push_back(seg);
          segment_start = after_mark;
          i = after_mark;
          continue;
        }
        if (family.symmetric) {
          inside = false;  // an unpaired ASCII quote is more likely a stray than an unclosed quotation
        } else {
          finish(i, i, false);
        }
      }
      ++paragraph;
      i = next;
      continue;
    }
    bool is_open = c == family.open || c == family.alt_open;
    bool is_close = c == family.close;
    if (family.symmetric && c == family.open) {
      if (!inside) {
        if (!looks_closing(s, i, next) || looks_opening(s, i, next)) {
          inside = true;
          current = QuoteSpan{};
          current.open = static_cast<std::uint32_t>(i);
          current.paragraph = paragraph;
          segment_start = next;
        }
      } else {
        finish(i, next, true);
      }
    } else if (is_open) {
      if (!inside) {
        inside = true;
        current = QuoteSpan{};
        current.open = static_cast<std::uint32_t>(i);
        current.paragraph = paragraph;
        segment_start = next;
      } else if (depth == 0 && looks_closing(s, i, next)) {
        finish(i, next, true);
      } else {
        ++depth;
      }
    } else if (is_close) {
      if (inside) {
        if (depth > 0) {
          --depth;
        } else {
          finish(i, next, true);
        }
      } else if (looks_opening(s, i, next)) {
        inside = true;
        current = QuoteSpan{};
        current.open = static_cast<std::uint32_t>(i);
        current.paragraph = paragraph;
        segment_start = next;
      }
    }
    i = next;
  }
  if (inside && !family.symmetric) finish(s.size(), s.size(), false);
}

}  // namespace

std::vector<QuoteSpan> find_quote_spans(std::string_view text) {
  std::vector<QuoteSpan> all;
  scan_family(text, {kLeftGuillemet, kRightGuillemet, kLeftGuillemet, false}, all);
  scan_family(text, {kLeftDouble, kRightDouble, kLowDouble, false}, all);
  scan_family(text, {kLeftSingleGuillemet, kRightSingleGuillemet, kLeftSingleGuillemet, false}, all);
  scan_family(text, {'"', '"', '"', true}, all);
  std::sort(all.begin(), all.end(), [](const QuoteSpan& a, const QuoteSpan& b) {
    return a.open != b.open ? a.open < b.open : a.close > b.close;
  });
  // Quotations inside quotations belong to the outer one; crossing spans are marks of another family misread.
  std::vector<QuoteSpan> kept;
  for (auto& span : all) {
    if (!kept.empty() && span.open < kept.back().close) continue;
    kept.push_back(std::move(span));
  }
  return kept;
}

std::string lower_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t next;
    UChar32 c = decode_at(s, i, &next);
    if (c == kRightSingle) c = '\'';
    c = u_tolower(c);
    char buf[4];
    int32_t len = 0;
    U8_APPEND_UNSAFE(buf, len, c);
    out.append(buf, static_cast<std::size_t>(len));
    i = next;
  }
  return out;
}

namespace {

// Elided words end at their apostrophe (l', d', qu'); other apostrophes stay inside the word (aujourd'hui).
bool is_elision(std::string_view lower) {
  static constexpr std::string_view kElided[] = {"l", "d", "qu", "s", "n", "j", "c", "m", "t", "lorsqu",
                                                 "jusqu", "puisqu", "quoiqu", "presqu"};
  for (auto e : kElided) {
    if (lower == e) return true;
  }
  return false;
}

}  // namespace

std::vector<Token> tokenize(std::string_view text, const std::vector<QuoteSpan>& spans) {
  std::vector<Token> tokens;
  int paragraph = 0;
  std::size_t span_index = 0;
  auto quote_at = [&](std::size_t offset) -> int {
    while (span_index < spans.size() && spans[span_index].close <= offset) ++span_index;
    if (span_index < spans.size()) {
      const auto& span = spans[span_index];
      for (const auto& seg : span.segments) {
        if (offset >= seg.first && offset < seg.second) return static_cast<int>(span_index);
      }
    }
    return -1;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t next;
    UChar32 c = decode_at(text, i, &next);
    if (c == '\n') {
      if (!tokens.empty() && tokens.back().kind != TokenKind::Break) {
        Token t;
        t.start = t.end = static_cast<std::uint32_t>(i);
        t.kind = TokenKind::Break;
        t.paragraph = paragraph;
        tokens.push_back(t);
      }
      ++paragraph;
      i = next;
      continue;
    }
    if (is_space(c)) {
      i = next;
      continue;
    }
    Token t;
    t.start = static_cast<std::uint32_t>(i);
    t.paragraph = paragraph;
    if (is_word_char(c)) {
      std::size_t j = next;
      while (j < text.size()) {
        std::size_t after;
        UChar32 d = decode_at(text, j, &after);
        if (is_word_char(d)) {
          j = after;
          continue;
        }
        if (d == '-' || d == '\'' || d == kRightSingle || d == '.') {
          // Hyphens and apostrophes join letters (a-t-il, porte-parole, aujourd'hui); a dot joins digits (3.5).
          UChar32 e = after < text.size() ? cp_after(text, after) : 0;
          if (d == '.' ? (u_isdigit(e) && u_isdigit(cp_before(text, j))) : is_word_char(e)) {
            if ((d == '\'' || d == kRightSingle) && is_elision(lower_utf8(text.substr(i, j - i)))) {
              j = after;  // keep the apostrophe with the elided word, stop there
              break;
            }
            j = after;
            continue;
          }
          if ((d == '\'' || d == kRightSingle) && is_elision(lower_utf8(text.substr(i, j - i)))) {
            j = after;  // d' »actions: the elided word keeps its apostrophe even before a space
          }
        }
        break;
      }
      t.end = static_cast<std::uint32_t>(j);
      t.kind = TokenKind::Word;
      t.capitalised = u_isupper(c) || u_istitle(c);
      i = j;
    } else {
      t.end = static_cast<std::uint32_t>(next);
      t.kind = TokenKind::Punct;
      i = next;
    }
    t.lower = lower_utf8(text.substr(t.start, t.end - t.start));
    t.quote = quote_at(t.start);
    tokens.push_back(std::move(t));
  }
  return tokens;
}

namespace {

bool is_abbreviation(const Token& t) {
  static constexpr std::string_view kAbbrev[] = {"m", "mm", "dr", "st", "ste", "mgr", "me", "pr", "éd", "cf", "etc",
                                                 "av", "env", "p", "n°", "vol"};
  if (t.kind != TokenKind::Word) return false;
  for (auto a : kAbbrev) {
    if (t.lower == a) return true;
  }
  // An initial: J. Biden.
  return t.capitalised && t.end - t.start == 1;
}

}  // namespace

std::vector<Sentence> split_sentences(const std::vector<Token>& tokens, const std::vector<QuoteSpan>& /*spans*/) {
  std::vector<Sentence> sentences;
  int first = 0;
  auto flush = [&](int last) {
    if (last > first) sentences.push_back({first, last, tokens[static_cast<std::size_t>(first)].paragraph});
    first = last;
  };
  for (int i = 0; i < static_cast<int>(tokens.size()); ++i) {
    const Token& t = tokens[static_cast<std::size_t>(i)];
    if (t.kind == TokenKind::Break) {
      flush(i);
      first = i + 1;
      continue;
    }
    if (t.quote >= 0 || t.kind != TokenKind::Punct) continue;
    bool stop = t.lower == "." || t.lower == "!" || t.lower == "?" || t.lower == "…";
    if (!stop) continue;
    if (t.lower == "." && i > 0 && is_abbreviation(tokens[static_cast<std::size_t>(i - 1)]) &&
        tokens[static_cast<std::size_t>(i - 1)].end == t.start)
      continue;
    // A closing quote mark right after the stop belongs to the sentence that ends here.
    int end = i + 1;
    while (end < static_cast<int>(tokens.size()) && tokens[static_cast<std::size_t>(end)].kind == TokenKind::Punct &&
           tokens[static_cast<std::size_t>(end)].quote < 0 &&
           (tokens[static_cast<std::size_t>(end)].lower == "»" || tokens[static_cast<std::size_t>(end)].lower == "”" ||
            tokens[static_cast<std::size_t>(end)].lower == "\"" || tokens[static_cast<std::size_t>(end)].lower == ")"))
      ++end;
    if (t.lower != ".") {
      // "?" and "!" end a sentence only before a capital, a mark or the end of the paragraph.
      if (end < static_cast<int>(tokens.size())) {
        const Token& n = tokens[static_cast<std::size_t>(end)];
        if (n.kind == TokenKind::Word && !n.capitalised) continue;
      }
    }
    flush(end);
    i = end - 1;
  }
  flush(static_cast<int>(tokens.size()));
  return sentences;
}

}  // namespace gazette::quotes
