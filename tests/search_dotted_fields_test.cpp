// Words the analyzer keeps whole with their dots (ePresse.fr, Jeanmarcmorandini.com) inside a field of
// words. The index holds the whole word (XSRCepresse.fr), while the parser split it into the phrase
// epresse fr, so the facet listed "ePresse.fr (21)" on OrangeSum rows and clicking it, source:"ePresse.fr",
// found nothing (found by an audit, 2026-12-07). Six rows of tests/data/dotted-fields.jsonl, one of whose
// sources is the plain word "epresse".
#define BOOST_TEST_MODULE search_dotted_fields
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "gazette/search.h"
#include "support/corpus_db.h"

using gazette::testing::make_temp_dir;
using gazette::testing::run_command;
using gazette::testing::shell_quote;

namespace {

struct DottedDb {
  std::filesystem::path dir = make_temp_dir("gazette-dotted");
  std::string db = (dir / "dotted.db").string();
  DottedDb() {
    const std::string cmd = std::string(GAZETTE_INDEX_BIN) + " -q --db " + shell_quote(db) + " " +
                            shell_quote(std::string(GAZETTE_TESTS_DIR) + "/data/dotted-fields.jsonl");
    if (run_command(cmd) != 0) throw std::runtime_error("indexing the fixture failed: " + cmd);
  }
  ~DottedDb() {
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
};

const std::string& db() {
  static DottedDb d;
  return d.db;
}

gazette::SearchResult search(const std::string& query, gazette::SearchMode mode,
                             std::vector<std::string> facets = {}) {
  gazette::Searcher s({db()});
  gazette::SearchRequest r;
  r.query = query;
  r.mode = mode;
  r.facets = std::move(facets);
  r.limit = 100;
  r.facet_limit = 100;
  return s.search(r);
}

std::map<std::string, std::uint64_t> facet(const gazette::SearchResult& r, const std::string& name) {
  std::map<std::string, std::uint64_t> out;
  for (const auto& f : r.facets)
    if (f.name == name)
      for (const auto& v : f.values) out[v.value] = v.count;
  return out;
}

const auto kArticles = gazette::SearchMode::Articles;
const auto kQuotes = gazette::SearchMode::Quotes;

}  // namespace

// The facet link of a dotted value finds what the facet counted, in both modes.
BOOST_AUTO_TEST_CASE(a_dotted_facet_value_finds_what_it_counts) {
  for (const auto mode : {kArticles, kQuotes}) {
    const auto all = search("", mode, {"source", "section"});
    const auto sources = facet(all, "source"), sections = facet(all, "section");
    BOOST_TEST_CONTEXT((mode == kQuotes ? "quotes" : "articles")) {
      BOOST_TEST(sources.at("ePresse.fr") == 2u);
      BOOST_TEST(sources.at("Source Jeanmarcmorandini.com") == 1u);
      BOOST_TEST(sections.at("Médias.info") == 2u);
      for (const std::string value : {"ePresse.fr", "Source Jeanmarcmorandini.com"})
        BOOST_TEST(search("source:\"" + value + "\"", mode).total == sources.at(value), value);
      BOOST_TEST(search("section:\"Médias.info\"", mode).total == sections.at("Médias.info"));
    }
  }
}

// Every field of words, a dotted word alone or in a phrase, quoted or not, in both modes.
BOOST_AUTO_TEST_CASE(dotted_words_in_fields_of_words) {
  const std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t>> cases = {
      // query, articles, quotes
      {"source:\"ePresse.fr\"", 2, 2},
      {"source:ePresse.fr", 2, 2},
      {"source:epresse.fr", 2, 2},
      {"source:epresse", 1, 0},  // the other source, whose one row holds no quote
      {"source:Jeanmarcmorandini.com", 2, 2},  // a word of both sources that hold it
      {"source:\"Source Jeanmarcmorandini.com\"", 1, 1},
      {"(source:ePresse.fr OR source:AFP)", 3, 3},
      {"source:ePresse.fr -section:Médias.info", 0, 0},
      {"section:Médias.info", 2, 2},
      {"section:\"Médias.info\"", 2, 2},
      {"author:ePresse.fr", 1, 0},  // author: matches no quote
      {"title:Change.org", 1, 0},   // nor does title:
      {"topic:change.org", 1, 0},
      {"quote:ePresse.fr", 1, 1},
      {"quote:\"ePresse.fr\"", 1, 1},
      {"quote:\"sur ePresse.fr\"", 1, 1},
      {"ePresse.fr", 1, 1},
  };
  for (const auto& [query, articles, quotes] : cases) {
    BOOST_TEST(search(query, kArticles).total == articles, query);
    BOOST_TEST(search(query, kQuotes).total == quotes, query << " (--quotes)");
  }
}
