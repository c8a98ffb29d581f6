// Article + analysis → Xapian documents, following the schema. Pure functions: no database access.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "gazette/analyzer.h"
#include "gazette/article.h"
#include "gazette/entities.h"
#include "gazette/quotes.h"

namespace gazette {

// What the analysis pipeline understood of one article.
struct Analysis {
  std::vector<Token> title_tokens;
  std::vector<Token> body_tokens;  // offsets into Article::text (body_start already added)
  std::vector<Mention> entities;
  std::vector<Quote> quotes;
};

// Runs the whole analysis chain on one article. One per thread (the French analyzer isn't thread-safe); the
// tagger is shared and only read.
class ArticleAnalyser {
 public:
  explicit ArticleAnalyser(const EntityTagger* tagger) : tagger_(tagger) {}
  Analysis analyse(const Article& article) const;
  const FrenchAnalyzer& analyzer() const { return analyzer_; }

 private:
  FrenchAnalyzer analyzer_;
  const EntityTagger* tagger_;
};

// Bump when the documents built from the same article change without a schema change: a retrained entity
// model, new quote rules, fewer or more terms of the same meaning. It is part of every content hash, so the
// next incremental run re-indexes every article instead of mixing old and new documents; readers don't care.
// 2: no quote documents for unattributed fragments; XC only for capitalised context words.
// 3: no stop words among the quote words (XQ, ZXQ) and the context (XC, ZXC).
inline constexpr int kDocumentVersion = 3;

// A stable 64-bit fingerprint of everything that is indexed from an article (fields, text, versions).
std::string content_hash(const Article& article);

// The file of an Article::origin: the path itself, or "path:line" for a JSON Lines row, as read.
std::string origin_file(const std::string& origin);

struct ArticleDocuments {
  Xapian::Document article;
  std::vector<Xapian::Document> quotes;
};

ArticleDocuments build_documents(const Article& article, const Analysis& analysis, const FrenchAnalyzer& analyzer,
                                 const std::string& hash);

// The article id a quote document belongs to, and a quote's unique id.
std::string quote_unique_id(const std::string& article_id, std::size_t index);

// "YYYY-MM-DD" / "YYYY-MM" / "YYYY" → "YYYYMMDD" sort key with zeros for unknown parts; "" for no date.
std::string date_sort_key(const std::string& iso_date);

}  // namespace gazette

namespace gazette {
// What `gazette-index --extract` prints for one article: id, title, date, text, entities, quotes
// (contract in docs/cli.md; offsets are UTF-8 byte offsets into "text").
nlohmann::json extraction_json(const Article& article, const Analysis& analysis);
}  // namespace gazette
