// The units the quotation extractor reasons on: word tokens with byte offsets, the spans between quote marks, and
// sentences in which a quotation counts as one block.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace gazette::quotes {

enum class TokenKind { Word, Punct, Break };  // Break: a paragraph boundary

struct Token {
  std::uint32_t start = 0, end = 0;
  std::string lower;       // lower-cased, typographic apostrophe folded to '
  TokenKind kind = TokenKind::Word;
  bool capitalised = false;
  int quote = -1;          // index of the quotation span whose text holds this token, -1 outside quotes
  int paragraph = 0;
};

// One stretch between quote marks. A quotation spanning paragraphs has several segments (the reopening mark of each
// new paragraph is not part of the text).
struct QuoteSpan {
  std::uint32_t open = 0;   // byte offset of the opening mark
  std::uint32_t close = 0;  // byte offset just after the closing mark (or the end of the paragraph if unclosed)
  std::vector<std::pair<std::uint32_t, std::uint32_t>> segments;  // trimmed text ranges
  bool closed = true;
  int paragraph = 0;
  std::uint32_t text_start() const { return segments.front().first; }
  std::uint32_t text_end() const { return segments.back().second; }
};

struct Sentence {
  int first = 0, last = 0;  // token range [first, last)
  int paragraph = 0;
};

// Quotation spans of `text`, in order, nested ones removed.
std::vector<QuoteSpan> find_quote_spans(std::string_view text);

std::vector<Token> tokenize(std::string_view text, const std::vector<QuoteSpan>& spans);

std::vector<Sentence> split_sentences(const std::vector<Token>& tokens, const std::vector<QuoteSpan>& spans);

// Lower-cases a UTF-8 string (full Unicode) and folds ’ to '.
std::string lower_utf8(std::string_view s);

}  // namespace gazette::quotes
