// The French analyzer: one analysis, used identically when indexing and when parsing queries.
//
// Text → NFC; ’ ʼ ‘ ´ read as apostrophes; NBSP/narrow NBSP as spaces; ICU word segmentation (French);
// elided articles and pronouns (l’ d’ qu’ jusqu’ lorsqu’ puisqu’ …) stripped, "aujourd’hui" kept whole;
// hyphenated words split into parts; every word lower-cased and accent-folded.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gazette {

struct Token {
  std::string lower;   // NFC, lower-case, accents kept: "économie"
  std::string folded;  // lower-case, accents and ligatures folded: "economie" (œ → oe)
  std::uint32_t start = 0;  // UTF-8 byte offsets of the word (without the elided prefix) in the analysed text
  std::uint32_t end = 0;
  bool capitalised = false;  // first letter upper-case in the source (proper names: not stemmed at query time)
  bool hyphen_part = false;  // one part of a hyphenated compound (saint, pétersbourg)
};

class FrenchAnalyzer {
 public:
  // Bump whenever the terms produced for some text change: databases store it and refuse a mismatch.
  static constexpr int kVersion = 1;

  FrenchAnalyzer();
  ~FrenchAnalyzer();
  FrenchAnalyzer(const FrenchAnalyzer&) = delete;
  FrenchAnalyzer& operator=(const FrenchAnalyzer&) = delete;

  // Words of `text`, in order, with byte offsets into `text` itself. Punctuation and spaces are not tokens.
  // Not thread-safe: use one analyzer per thread.
  std::vector<Token> tokenize(std::string_view text) const;

  // Lower-case + accent/ligature fold of a word or a text ("Économie" → "economie").
  std::string fold(std::string_view text) const;

  // Accent/ligature fold that keeps letter case ("Économie" → "Economie"), for query text.
  std::string fold_keep_case(std::string_view text) const;

  // French Snowball stem of a folded word, cached.
  std::string stem(std::string_view folded_word) const;

  // Query text normalised so that Xapian's QueryParser sees what the index holds: NFC, apostrophes unified,
  // elisions removed ("l’Ukraine" → "Ukraine"), « » → " ", NBSP → space, accents folded but case kept (so
  // that capitalised words still escape stemming). Field prefixes ("title:") and operators are left intact.
  // The values of `whole_fields` (name:value, name:"value") keep their elisions: person:, place:… take a
  // name whole, "Côte d'Ivoire", whose identity key is not that of "Côte Ivoire".
  std::string normalize_query(std::string_view query, const std::vector<std::string>& whole_fields = {}) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gazette
