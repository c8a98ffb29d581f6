// Query text → plan → Xapian → hits, facets and snippets. The printers (text, JSON, HTML) only format this.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace gazette {

enum class SearchMode { Articles, Quotes };
enum class SortOrder { Relevance, Newest, Oldest };

struct SearchRequest {
  std::string query;
  SearchMode mode = SearchMode::Articles;
  SortOrder sort = SortOrder::Relevance;
  std::size_t offset = 0;
  std::size_t limit = 10;
  std::vector<std::string> facets;  // person, org, place, speaker, source, section, tag, year, month, topic
  std::size_t facet_limit = 10;
  bool dedup = true;                 // quotes mode: one hit per distinct quote text
  std::size_t snippet_words = 40;
  // From this many matches on one local database (and three facet passes), a second thread counts half
  // of the facets.
  std::size_t parallel_facet_matches = 4000;
};

// A snippet: plain text and the byte ranges in it that matched the query.
struct Snippet {
  std::string text;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> highlights;
};

struct Hit {
  std::string id;  // article id (articles) or quote id (quotes)
  std::string title;  // the article's title, or its first words when it has none
  std::string date, source, url;
  double score = 0;
  Snippet snippet;
  // Quotes mode only.
  std::string article_id, speaker, kind, quote_text;
  std::uint64_t duplicates = 0;  // other articles printing the same quote (collapsed when dedup is on)
};

struct FacetValue {
  std::string value;
  std::uint64_t count = 0;
};

struct Facet {
  std::string name;
  std::vector<FacetValue> values;
};

struct SearchResult {
  std::string query;
  std::string mode;  // "articles" or "quotes"
  std::uint64_t total = 0;  // exact when facets are asked for, else Xapian's estimate
  bool total_exact = true;  // false when `total` is Xapian's estimate (past 1,000 matches without a facet)
  std::vector<Hit> hits;
  std::vector<Facet> facets;
  std::vector<std::string> notes;  // what could not be done (e.g. a facet over a remote shard)
  std::string corrected_query;     // a spelling suggestion, only offered when there are few hits
};

class Searcher {
 public:
  // Each path is a Gazette database directory, a Xapian stub file (local or "remote" shards), or several.
  explicit Searcher(const std::vector<std::string>& db_paths);
  ~Searcher();
  Searcher(const Searcher&) = delete;
  Searcher& operator=(const Searcher&) = delete;

  // Throws gazette::Error (BadQuery with a position, or Xapian errors translated).
  SearchResult search(const SearchRequest& request);

  // The stored record of an article (id, title, text, entities, quotes…), or null if there is none.
  nlohmann::json article(const std::string& id);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

nlohmann::json to_json(const SearchResult& result);

}  // namespace gazette
