// The fuzzed entry points and the properties checked on what they return. Shared by the libFuzzer targets
// (fuzz/*_fuzz.cpp, one per target) and by tests/fuzz_regressions_test.cpp, which replays the seed corpora and
// every minimised crash through exactly this code under the normal and the sanitizer builds.
//
// A broken property is thrown as PropertyViolation: under libFuzzer an uncaught exception aborts, which is
// reported as a crash with the input saved; in the regression test it is a failed check with the message.
// Only properties the headers promise are checked, so a violation is a bug, not a matter of taste.
#pragma once

#include <unicode/utf8.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "gazette/analyzer.h"
#include "gazette/article.h"
#include "gazette/entities.h"
#include "gazette/quotes.h"
#include "gazette/readers.h"

namespace gazette::fuzz {

struct PropertyViolation : std::logic_error {
  using std::logic_error::logic_error;
};

inline void require(bool holds, const std::string& what) {
  if (!holds) throw PropertyViolation(what);
}

// Well-formed UTF-8 by ICU's decoder (no overlongs, surrogates or values past U+10FFFF).
inline bool is_valid_utf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  // U8_NEXT takes int32_t lengths; fuzz inputs are capped far below (-max_len), articles at 20 MB.
  const auto length = static_cast<std::int32_t>(text.size());
  for (std::int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

// "", "YYYY", "YYYY-MM" or "YYYY-MM-DD" naming a real calendar day (Article::date, parse_date).
inline bool is_valid_date(std::string_view date) {
  if (date.empty()) return true;
  const auto digits = [&](std::size_t at, std::size_t count, int& value) {
    if (at + count > date.size()) return false;
    value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
      if (date[i] < '0' || date[i] > '9') return false;
      value = value * 10 + (date[i] - '0');
    }
    return true;
  };
  int year = 0, month = 0, day = 0;
  if (!digits(0, 4, year)) return false;
  if (date.size() == 4) return true;
  if (date.size() != 7 && date.size() != 10) return false;
  if (date[4] != '-' || !digits(5, 2, month) || month < 1 || month > 12) return false;
  if (date.size() == 7) return true;
  if (date[7] != '-' || !digits(8, 2, day)) return false;
  static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return day >= 1 && day <= (month == 2 && !leap ? 28 : kDays[month - 1]);
}

// The readers only read files: each process writes the input to its own file, named with the extension that
// picks the reader, and reads it back.
class TempFile {
 public:
  explicit TempFile(const std::string& extension)
      : path_((std::filesystem::temp_directory_path() /
               ("gazette-fuzz-" + std::to_string(::getpid()) + extension))
                  .string()) {}
  ~TempFile() {
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;

  const std::string& write(std::string_view content) const {
    std::ofstream out(path_, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    out.close();
    require(static_cast<bool>(out), "cannot write the fuzz input to " + path_);
    return path_;
  }

 private:
  std::string path_;
};

// What every reader promises of an article it hands over.
inline void check_article(const Article& article, const std::string& reader) {
  require(!article.id.empty(), reader + ": article without an id");
  require(!article.title.empty() || !article.text.empty(), reader + ": article with neither title nor text");
  for (const std::string* field : {&article.id, &article.title, &article.text, &article.source, &article.url,
                                   &article.section}) {
    require(is_valid_utf8(*field), reader + ": article field is not valid UTF-8");
    require(field->find('\0') == std::string::npos, reader + ": article field holds a NUL byte");
  }
  for (const std::vector<std::string>* list : {&article.authors, &article.tags}) {
    for (const std::string& value : *list) {
      require(!value.empty() && is_valid_utf8(value), reader + ": empty or ill-formed author/tag");
      require(value.find('\0') == std::string::npos, reader + ": author/tag holds a NUL byte");
    }
  }
  require(is_valid_date(article.date), reader + ": article date \"" + article.date + "\" is not YYYY[-MM[-DD]]");
  require(article.body_start <= article.text.size(), reader + ": body_start past the end of the text");
}

inline void check_error(const InputError& error, const std::string& path, const std::string& reader) {
  require(error.file == path, reader + ": error names another file: " + error.to_string());
  require(!error.reason.empty(), reader + ": error without a reason");
  require(error.to_string().find('\n') == std::string::npos, reader + ": error message spans lines");
}

// --------------------------------------------------------------------------------------------- analyzer
inline void analyzer_input(std::string_view data) {
  static const FrenchAnalyzer analyzer;
  // Any bytes: the analyzer reads ill-formed UTF-8 as U+FFFD (query text comes straight from a command line).
  const std::vector<Token> tokens = analyzer.tokenize(data);
  std::uint32_t previous_end = 0;
  for (const Token& token : tokens) {
    require(token.start < token.end && token.end <= data.size(), "tokenize: token offsets out of the text");
    require(token.start >= previous_end, "tokenize: tokens out of order or overlapping");
    previous_end = token.end;
    require(!token.lower.empty() && !token.folded.empty(), "tokenize: empty token form");
    require(is_valid_utf8(token.lower) && is_valid_utf8(token.folded), "tokenize: token form is not valid UTF-8");
    const std::string stem = analyzer.stem(token.folded);
    require(is_valid_utf8(stem), "stem: not valid UTF-8");
  }
  for (const std::string& out : {analyzer.normalize_query(data), analyzer.fold(data), analyzer.fold_keep_case(data)}) {
    require(is_valid_utf8(out), "normalize_query/fold: output is not valid UTF-8");
  }
}

// ---------------------------------------------------------------------------------------------- entities
inline const EntityTagger& default_tagger() {
  static const std::unique_ptr<EntityTagger> tagger = [] {
    auto loaded = load_default_tagger();
    if (!loaded) throw std::runtime_error("no entity tagger: data/ner/model.bin not found (set GAZETTE_DATA)");
    return loaded;
  }();
  return *tagger;
}

inline std::vector<Mention> tag_checked(std::string_view text) {
  std::vector<Mention> mentions = default_tagger().tag(text);
  std::uint32_t previous_end = 0;
  for (const Mention& mention : mentions) {
    require(mention.start < mention.end && mention.end <= text.size(), "tag: mention offsets out of the text");
    require(mention.start >= previous_end, "tag: mentions out of order or overlapping");
    previous_end = mention.end;
    require(mention.text == text.substr(mention.start, mention.end - mention.start),
            "tag: mention text is not the text at its offsets");
    require(is_valid_utf8(mention.canonical) && is_valid_utf8(mention.key) && is_valid_utf8(mention.descriptor),
            "tag: canonical, key or descriptor is not valid UTF-8");
  }
  return mentions;
}

inline void entities_input(std::string_view data) {
  // Article text reaches the tagger only after a reader has checked it is UTF-8; so do query values.
  if (!is_valid_utf8(data)) return;
  const std::vector<Mention> mentions = tag_checked(data);
  const EntityTagger& tagger = default_tagger();
  require(is_valid_utf8(tagger.key_for(data)), "key_for: key is not valid UTF-8");
  for (const EntityType type : {EntityType::Person, EntityType::Organisation, EntityType::Place}) {
    require(is_valid_utf8(tagger.key_for(data, type)), "key_for(type): key is not valid UTF-8");
  }
  for (const Mention& mention : mentions) {
    require(is_valid_utf8(tagger.key_for(mention.text, mention.type)), "key_for(mention): key is not valid UTF-8");
  }
}

// ------------------------------------------------------------------------------------------------ quotes
inline void quotes_input(std::string_view data) {
  if (!is_valid_utf8(data)) return;
  // As the indexer does it: the tagger's mentions of the same text, then with none (no model installed).
  for (const std::vector<Mention>& mentions : {tag_checked(data), std::vector<Mention>{}}) {
    const std::vector<Quote> quotes = extract_quotes(data, mentions);
    for (std::size_t i = 0; i < quotes.size(); ++i) {
      const Quote& quote = quotes[i];
      require(quote.start <= quote.end && quote.end <= data.size(), "extract_quotes: quote offsets out of the text");
      // The text is the quoted stretch itself, or pieces of it: a quotation over paragraphs loses the reopening
      // marks, one with an incise loses the incise. It never holds more than the stretch.
      require(quote.text.size() <= quote.end - quote.start, "extract_quotes: quote text longer than its stretch");
      require(quote.text.empty() || data[quote.start] == quote.text[0], "extract_quotes: quote text does not start at start");
      require(is_valid_utf8(quote.text), "extract_quotes: quote text is not valid UTF-8");
      require(!quote.speaker.empty() || quote.speaker_key.empty(), "extract_quotes: speaker key without a speaker");
      if (i > 0) {
        const Quote& previous = quotes[i - 1];
        require(previous.start <= quote.start, "extract_quotes: quotes out of order");
        // Each quote becomes one document of the index: the same reading twice is a double count.
        require(!(previous.start == quote.start && previous.end == quote.end && previous.kind == quote.kind),
                "extract_quotes: the same quote twice");
      }
      require(quote_fingerprint(quote.text).size() == 16, "quote_fingerprint: not 16 hex digits");
      require(is_valid_utf8(quote_normal_form(quote.text)), "quote_normal_form: not valid UTF-8");
    }
  }
}

// ------------------------------------------------------------------------------------------------ readers
struct ReadResult {
  std::vector<Article> articles;
  std::vector<InputError> errors;
};

template <typename Read>
ReadResult read_checked(const std::string& path, const std::string& reader, Read&& read) {
  ReadResult result;
  read(path, [&](Article&& article) { result.articles.push_back(std::move(article)); },
       [&](const InputError& error) { result.errors.push_back(error); });
  for (const Article& article : result.articles) check_article(article, reader);
  for (const InputError& error : result.errors) check_error(error, path, reader);
  return result;
}

inline void jsonl_input(std::string_view data) {
  static const TempFile file(".jsonl");
  const std::string& path = file.write(data);
  const ReadResult result = read_checked(path, "read_jsonl_file", [](const std::string& p, auto&& on_article,
                                                                      auto&& on_error) {
    read_jsonl_file(p, "feed", on_article, on_error);
  });
  require(!result.articles.empty() || !result.errors.empty(), "read_jsonl_file: no article and no error");
  for (const Article& article : result.articles) {
    require(article.origin.starts_with(path + ":"), "read_jsonl_file: origin is not file:line");
    require(article.body_start == 0, "read_jsonl_file: body_start set, but the text holds no header");
  }
}

inline void html_input(std::string_view data) {
  static const TempFile file(".html");
  const std::string& path = file.write(data);
  const ReadResult result = read_checked(path, "read_html_file", [](const std::string& p, auto&& on_article,
                                                                     auto&& on_error) {
    read_html_file(p, "page.html", on_article, on_error);
  });
  require(result.articles.size() + result.errors.size() >= 1, "read_html_file: no article and no error");
  require(result.articles.size() <= 1, "read_html_file: more than one article from one page");
  for (const Article& article : result.articles) {
    require(article.body_start == 0, "read_html_file: body_start set, but the text holds no header");
  }
}

inline void text_input(std::string_view data) {
  static const TempFile file(".txt");
  const std::string& path = file.write(data);
  const ReadResult result = read_checked(path, "read_text_file", [](const std::string& p, auto&& on_article,
                                                                     auto&& on_error) {
    read_text_file(p, "article.txt", on_article, on_error);
  });
  require(result.articles.size() + result.errors.size() == 1, "read_text_file: not exactly one article or error");
  if (!result.articles.empty()) {
    const Article& article = result.articles.front();
    require(article.text == data, "read_text_file: text is not the file content byte for byte");
    // The header rules (docs/INPUT.md) give a title, maybe a date, and a body after them; or none of these.
    require(article.title.empty() == (article.body_start == 0), "split_text_article: a title without a body start");
    require(article.date.empty() || !article.title.empty(), "split_text_article: a dateline without a title");
    require(article.title.empty() || data.substr(0, article.body_start).find(article.title) != std::string_view::npos,
            "split_text_article: the title is not in the header");
  }
  // The date parser sees metadata strings of any content (JSON fields, meta tags): whole input and first line.
  const std::string whole(data);
  require(is_valid_date(parse_date(whole)), "parse_date: result is not YYYY[-MM[-DD]]");
  const std::string first_line = whole.substr(0, whole.find('\n'));
  require(is_valid_date(parse_date(first_line)), "parse_date: result is not YYYY[-MM[-DD]]");
}

// Targets by name: fuzz_<name> executables, scripts/fuzz, fuzz/seeds/<name>/ and tests/data/fuzz-regressions/<name>/
// all use these names.
struct Target {
  const char* name;
  void (*run)(std::string_view);
};

inline constexpr Target kTargets[] = {
    {"analyzer", analyzer_input}, {"entities", entities_input}, {"quotes", quotes_input},
    {"jsonl", jsonl_input},       {"html", html_input},         {"text", text_input},
};

}  // namespace gazette::fuzz
