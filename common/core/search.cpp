// The query side. A query goes through four steps, each in its own function below:
//   1. validate: unbalanced quotes and parentheses are reported with their column (Xapian would guess);
//   2. normalise with the same French analyzer as the index (elisions, accents, « »), then let Xapian's
//      QueryParser build the query: fields, phrases, boolean operators, STEM_SOME stemming;
//   3. run it with the match spies the facets need, retrying on a reopened database if a writer committed;
//   4. turn documents into hits with snippets highlighted on the analyzer's tokens, so words matched only
//      after folding or stemming are highlighted too.
#include "gazette/search.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <thread>

#include <xapian.h>

#include "gazette/analyzer.h"
#include "gazette/document.h"
#include "gazette/entities.h"
#include "gazette/error.h"
#include "gazette/facet_columns.h"
#include "gazette/schema.h"
#include "quotes/speech_verbs.h"

namespace gazette {
namespace {

using schema::Slot;


// ---- 1. validation -------------------------------------------------------------------------------------

void validate_query(const std::string& q) {
  std::size_t column = 0;  // in characters, 1-based for people
  std::size_t quote_open = 0, guillemet_open = 0;
  std::vector<std::size_t> parens;
  bool in_quote = false, in_guillemet = false;
  for (std::size_t i = 0; i < q.size();) {
    ++column;
    const unsigned char c = static_cast<unsigned char>(q[i]);
    // “ ” „ become " before parsing (normalize_query), so they open and close phrases as " does.
    const bool curly = q.compare(i, 3, "\xE2\x80\x9C") == 0 || q.compare(i, 3, "\xE2\x80\x9D") == 0 ||
                       q.compare(i, 3, "\xE2\x80\x9E") == 0;
    if ((c == '"' || curly) && !in_guillemet) {
      in_quote = !in_quote;
      quote_open = column;
    } else if (q.compare(i, 2, "\xC2\xAB") == 0 && !in_quote) {  // «
      if (in_guillemet) throw Error(ErrorCode::BadQuery, "« inside « … » at column " + std::to_string(column));
      in_guillemet = true;
      guillemet_open = column;
    } else if (q.compare(i, 2, "\xC2\xBB") == 0 && !in_quote) {  // »
      if (!in_guillemet) throw Error(ErrorCode::BadQuery, "» without « at column " + std::to_string(column),
                                     "phrases are written « … » or \"…\"");
      in_guillemet = false;
    } else if (c == '(' && !in_quote && !in_guillemet) {
      parens.push_back(column);
    } else if (c == ')' && !in_quote && !in_guillemet) {
      if (parens.empty())
        throw Error(ErrorCode::BadQuery, "')' without '(' at column " + std::to_string(column));
      parens.pop_back();
    }
    i += c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  }
  if (in_quote)
    throw Error(ErrorCode::BadQuery, "unclosed \" opened at column " + std::to_string(quote_open),
                "close the phrase with a second \"");
  if (in_guillemet)
    throw Error(ErrorCode::BadQuery, "unclosed « opened at column " + std::to_string(guillemet_open),
                "close the phrase with »");
  if (!parens.empty())
    throw Error(ErrorCode::BadQuery, "unclosed '(' opened at column " + std::to_string(parens.back()));
}

// ---- 2. query building ---------------------------------------------------------------------------------

// "2021-12-01", "2021-12", "2021" → a bound on the YYYYMMDD date value; `upper` pads with 9s.
std::string date_bound(const std::string& text, bool upper) {
  std::string key = date_sort_key(text);
  // date_sort_key checks the shape only; "2016-13", "2016-02-30" or "2016-00" would select nothing, or the
  // year, without a word.
  const bool valid = !key.empty() && [&] {
    const int year = std::stoi(key.substr(0, 4)), month = std::stoi(key.substr(4, 2));
    const int day = std::stoi(key.substr(6, 2));
    if (text.size() == 4) return true;
    if (month < 1 || month > 12) return false;
    if (text.size() == 7) return true;
    static constexpr int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day >= 1 && day <= (month == 2 && !leap ? 28 : kDays[month - 1]);
  }();
  if (!valid || (text.size() != 4 && text.size() != 7 && text.size() != 10))
    throw Xapian::QueryParserError("bad date '" + text + "' (expected YYYY, YYYY-MM or YYYY-MM-DD)");
  if (upper) {
    if (key.compare(4, 4, "0000") == 0) key.replace(4, 4, "9999");
    else if (key.compare(6, 2, "00") == 0) key.replace(6, 2, "99");
  }
  return key;
}

// Dates between two bounds (YYYYMMDD keys as date_bound gives them: "20190300" is March 2019 without a day).
// Each dated document has a Y term for its year, an M term when its month is known and a D term when its
// day is, so a range is the years wholly inside it, then the months wholly inside the years it cuts, then
// the days inside the months it cuts: posting lists only, with the same answer as comparing date values
// (a document dated "2019" is in date:2019 and date:2019..2019-06, not in date:2019-01-01..2019-12-31). A value range made
// Xapian read the date of every candidate from the value stream: 40 ms for "Brexit
// date:2019-01-01..2019-06-30" on 2.2 million documents, against 2 ms. Without weight, like any filter.
// `listed` receives every unit term of `prefix`, inside the range or not.
void add_dates_within(const Xapian::Database& db, const std::string& prefix, std::size_t digits, const std::string& low,
                      const std::string& high, std::vector<Xapian::Query>& out, std::vector<Xapian::Query>& listed) {
  for (auto t = db.allterms_begin(prefix); t != db.allterms_end(prefix); ++t) {
    const std::string term = *t;
    const std::string unit = term.substr(1);
    if (unit.size() != digits) continue;
    listed.emplace_back(term);
    // The unit's first and last keys: its own key with the rest of the date as 0s, then as 9s.
    const std::string first = unit + std::string(8 - digits, '0'), last = unit + std::string(8 - digits, '9');
    if (last < low || first > high) continue;
    if ((low <= first && last <= high) || digits == 8) {
      out.emplace_back(term);
      continue;
    }
    std::vector<Xapian::Query> finer;
    add_dates_within(db, (digits == 4 ? "M" : "D") + unit, digits + 2, low, high, out, finer);
    // A document dated only to this unit has the key `first`, inside the range if the range starts at it.
    if (low <= first)
      out.emplace_back(Xapian::Query::OP_AND_NOT, Xapian::Query(term),
                       Xapian::Query(Xapian::Query::OP_OR, finer.begin(), finer.end()));
  }
}

Xapian::Query date_query(const Xapian::Database& db, const std::string& low, const std::string& high) {
  std::vector<Xapian::Query> units, years;
  add_dates_within(db, "Y", 4, low, high, units, years);
  if (units.empty()) return Xapian::Query::MatchNothing;
  return Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, Xapian::Query(Xapian::Query::OP_OR, units.begin(), units.end()), 0);
}

// Xapian's QueryParser leaks what it has built when a processor throws (LeakSanitizer: 72 bytes a bad
// date), so a bad date is noted in `error`, the processor returns MatchNothing, and parse() throws once the
// parser is done.
template <typename Build>
Xapian::Query noting_bad_dates(std::string& error, Build&& build) {
  try {
    return build();
  } catch (const Xapian::QueryParserError& e) {
    if (error.empty()) error = e.get_msg();
    return Xapian::Query::MatchNothing;
  }
}

class DateRange : public Xapian::RangeProcessor {
 public:
  DateRange(const Xapian::Database& db, std::string& error)
      : Xapian::RangeProcessor(schema::slot(Slot::Date), "date:"), db_(db), error_(error) {}
  Xapian::Query operator()(const std::string& begin, const std::string& end) override {
    return noting_bad_dates(error_, [&] {
      // Undated documents never match date: (SCHEMA.md), and date:.. is no exception: every dated one.
      return date_query(db_, begin.empty() ? std::string("00000000") : date_bound(begin, false),
                        end.empty() ? std::string("99999999") : date_bound(end, true));
    });
  }

 private:
  const Xapian::Database& db_;
  std::string& error_;
};

class DateField : public Xapian::FieldProcessor {
 public:
  DateField(const Xapian::Database& db, std::string& error) : db_(db), error_(error) {}
  Xapian::Query operator()(const std::string& value) override {
    return noting_bad_dates(error_, [&] { return date_query(db_, date_bound(value, false), date_bound(value, true)); });
  }

 private:
  const Xapian::Database& db_;
  std::string& error_;
};

// The identity tables of the shipped tagger, loaded when a query first names an entity. Building them (an ICU
// transliterator, then every alias through it) was about 30 of the 40 ms a gazette-query process took to
// answer a query; a query without a capitalised word or an entity field never needs them.
class LazyNameResolver {
 public:
  const NameResolver* get() {
    if (!loaded_) {
      resolver_ = load_default_name_resolver();
      loaded_ = true;
    }
    return resolver_.get();
  }

 private:
  bool loaded_ = false;
  std::unique_ptr<NameResolver> resolver_;
};

// person:, org:, place:, speaker: — the value is an entity name in any spelling; the tagger maps it to the
// identity key the index holds.
// person:, org:, place:, speaker: — the identity key of the value, under one prefix or either of two.
class EntityField : public Xapian::FieldProcessor {
 public:
  EntityField(std::vector<std::string> prefixes, EntityType type, LazyNameResolver& names,
              const FrenchAnalyzer& analyzer)
      : prefixes_(std::move(prefixes)), type_(type), names_(names), analyzer_(analyzer) {}
  Xapian::Query operator()(const std::string& value) override {
    const NameResolver* names = names_.get();
    std::string key = names ? names->key_for(value, type_) : std::string();
    if (key.empty()) key = analyzer_.fold(value);
    std::vector<Xapian::Query> terms;
    for (const std::string& prefix : prefixes_) terms.emplace_back(schema::safe_term(prefix, key));
    return Xapian::Query(Xapian::Query::OP_OR, terms.begin(), terms.end());
  }

 private:
  std::vector<std::string> prefixes_;
  EntityType type_;
  LazyNameResolver& names_;
  const FrenchAnalyzer& analyzer_;
};

class FoldedBooleanField : public Xapian::FieldProcessor {
 public:
  FoldedBooleanField(std::string prefix, const FrenchAnalyzer& analyzer)
      : prefix_(std::move(prefix)), analyzer_(analyzer) {}
  Xapian::Query operator()(const std::string& value) override {
    return Xapian::Query(schema::safe_term(prefix_, analyzer_.fold(value)));
  }

 private:
  std::string prefix_;
  const FrenchAnalyzer& analyzer_;
};

// The value of an internal field (gzentity:, gzquote:, exact:) is an index into what parse() set aside. A
// user who types such a field is told so before parsing (parse()); one that slips through ("a,gzentity:3")
// finds nothing, rather than reading out of range. Not thrown: see noting_bad_dates.
template <typename T>
const T* set_aside(const std::vector<T>& values, const std::string& value) {
  const bool index = !value.empty() && value.size() < 10 &&
                     std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!index || std::stoul(value) >= values.size()) return nullptr;
  return &values[std::stoul(value)];
}

// A query word that names a known entity: the word itself OR the entity's tag, so "Putin" finds articles
// about Vladimir Poutine, and articles tagged with him outrank a bare word match. Also a word kept whole
// with its dots, without tags.
struct EntityWord {
  std::string word;  // as typed, accents folded
  std::vector<std::string> tag_terms;
};

class EntityWordField : public Xapian::FieldProcessor {
 public:
  EntityWordField(const std::vector<EntityWord>& words, const FrenchAnalyzer& analyzer)
      : words_(words), analyzer_(analyzer) {}
  Xapian::Query operator()(const std::string& value) override {
    const EntityWord* set = set_aside(words_, value);
    if (!set) return Xapian::Query::MatchNothing;
    const EntityWord& w = *set;
    std::vector<Xapian::Query> parts;
    // Capitalised: proper names match unstemmed. A compound is its words in a row, as the parser makes of
    // any hyphenated word ("Covid-19" is covid then 19 in the index, never the one term covid-19).
    std::vector<Xapian::Query> words;
    for (const Token& t : analyzer_.tokenize(w.word)) words.emplace_back(t.folded);
    if (words.size() == 1) parts.push_back(words.front());
    if (words.size() > 1) parts.emplace_back(Xapian::Query::OP_PHRASE, words.begin(), words.end(), words.size());
    for (const auto& t : w.tag_terms) parts.emplace_back(t);
    return Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end());
  }

 private:
  const std::vector<EntityWord>& words_;
  const FrenchAnalyzer& analyzer_;
};

// title:, author:, source:, section:, topic: (and quote: in --quotes mode) with a value that holds a word the
// analyzer keeps whole with its dots: the parser would split "ePresse.fr" into the phrase epresse fr under
// the field's prefix, which the index never holds (it has XSRCepresse.fr). The value's own tokens, under each
// of the field's prefixes, are what the indexer wrote.
// The fields of words (quote: aside, as it depends on the mode) and the prefixes they search, in the order
// the parser is given them: one table for the parser and for dotted_field_words, so the two can't drift apart.
struct FieldOfWords {
  const char* name;
  std::vector<const char*> prefixes;
};
const FieldOfWords kFieldsOfWords[] = {
    {"title", {"S"}}, {"author", {"A"}}, {"source", {"XSRC"}}, {"section", {"XSEC"}}, {"topic", {"", "S"}}};

struct FieldWords {
  std::vector<std::string> prefixes;
  std::string value;
  std::vector<std::string> folded;  // the value's tokens, as the indexer wrote them
};

class FieldWordsField : public Xapian::FieldProcessor {
 public:
  explicit FieldWordsField(const std::vector<FieldWords>& values) : values_(values) {}
  Xapian::Query operator()(const std::string& value) override {
    const FieldWords* set = set_aside(values_, value);
    if (!set) return Xapian::Query::MatchNothing;
    std::vector<Xapian::Query> fields;
    for (const std::string& prefix : set->prefixes) {
      std::vector<Xapian::Query> words;
      for (const std::string& folded : set->folded) words.emplace_back(schema::safe_term(prefix, folded));
      if (words.size() == 1) fields.push_back(words.front());
      if (words.size() > 1) fields.emplace_back(Xapian::Query::OP_PHRASE, words.begin(), words.end(), words.size());
    }
    return Xapian::Query(Xapian::Query::OP_OR, fields.begin(), fields.end());
  }

 private:
  const std::vector<FieldWords>& values_;
};

// exact:châtiment — the accented form as written (words without accents are their own exact form).
class ExactField : public Xapian::FieldProcessor {
 public:
  ExactField(const std::vector<std::string>& values, const FrenchAnalyzer& analyzer)
      : values_(values), analyzer_(analyzer) {}
  Xapian::Query operator()(const std::string& value) override {
    const std::string* exact = set_aside(values_, value);
    if (!exact) return Xapian::Query::MatchNothing;
    std::vector<Xapian::Query> parts;
    for (const Token& t : analyzer_.tokenize(*exact))
      parts.emplace_back(t.lower != t.folded ? schema::safe_term("E", t.lower) : t.folded);
    if (parts.empty()) return Xapian::Query::MatchNothing;
    return Xapian::Query(Xapian::Query::OP_AND, parts.begin(), parts.end());
  }

 private:
  const std::vector<std::string>& values_;
  const FrenchAnalyzer& analyzer_;
};

// quote: in article mode. Articles hold their quotes' words without positions (a second positional copy of
// every quote would cost the writer dearly), so a phrase is the article's own phrase (its text has positions)
// in an article whose quotes hold every word of it. That keeps the « gilets jaunes » of an article, which has
// no quote document (unattributed fragments don't), and is a plain posting-list query instead of a search of
// every quote document. Single words follow STEM_SOME.
class ArticleQuoteField : public Xapian::FieldProcessor {
 public:
  // With `phrases`, the value is an index into it: QueryParser never hands a quoted value to a non-boolean
  // field processor, so quote:"…" is rewritten to gzquote:N before parsing.
  ArticleQuoteField(const FrenchAnalyzer& analyzer, const std::vector<std::string>* phrases = nullptr)
      : analyzer_(analyzer), phrases_(phrases) {}
  Xapian::Query operator()(const std::string& field_value) override {
    const std::string* set = phrases_ ? set_aside(*phrases_, field_value) : &field_value;
    if (!set) return Xapian::Query::MatchNothing;
    const std::string& value = *set;
    const std::vector<Token> tokens = analyzer_.tokenize(value);
    if (tokens.empty()) return Xapian::Query::MatchNothing;
    auto word = [&](const Token& t) {
      return t.capitalised ? Xapian::Query(schema::safe_term("XQ", t.folded))
                  : Xapian::Query(schema::safe_term("ZXQ", analyzer_.stem(t.folded)));
    };
    if (tokens.size() == 1) return schema::is_stop_word(tokens[0].folded) ? Xapian::Query(tokens[0].folded) : word(tokens[0]);
    // Stop words are in the phrase but not among the quote words, which don't hold them (schema.h). A
    // phrase of stop words only is then the article's phrase.
    std::vector<Xapian::Query> words, bare;
    for (const Token& t : tokens) {
      if (!schema::is_stop_word(t.folded)) words.emplace_back(schema::safe_term("XQ", t.folded));
      bare.emplace_back(t.folded);
    }
    Xapian::Query phrase(Xapian::Query::OP_PHRASE, bare.begin(), bare.end(), bare.size());
    if (words.empty()) return phrase;
    return Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query(Xapian::Query::OP_AND, words.begin(), words.end()),
                         phrase);
  }

 private:
  const FrenchAnalyzer& analyzer_;
  const std::vector<std::string>* phrases_;
};

// The fields whose value is one boolean term made of the whole value: an elision in it is part of the name
// ("place:\"Côte d'Ivoire\""), where a free-text field drops it as the index does.
const std::vector<std::string> kWholeValueFields = {"person", "org", "place", "speaker", "tag"};

bool is_operator_word(const std::string& w) { return w == "AND" || w == "OR" || w == "NOT" || w == "XOR" || w == "NEAR"; }

// Splits the raw query at spaces outside phrases, keeping the separators, so single words can be rewritten
// (exact:…, entity words) without disturbing the rest of the syntax.
std::vector<std::string> split_keep_phrases(const std::string& q) {
  std::vector<std::string> parts;
  std::string cur;
  bool in_quote = false;
  for (char c : q) {
    if (c == '"') in_quote = !in_quote;
    if (c == ' ' && !in_quote) {
      if (!cur.empty()) parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) parts.push_back(cur);
  return parts;
}

// A query part without the signs and parentheses around it: "-(Putin)" is "-(", "Putin", ")".
struct Wrapped {
  std::string before, core, after;
};

Wrapped unwrap(const std::string& part) {
  const std::size_t begin = std::min(part.find_first_not_of("-+("), part.size());
  std::size_t end = part.size();
  while (end > begin && part[end - 1] == ')') --end;
  return {part.substr(0, begin), part.substr(begin, end - begin), part.substr(end)};
}

// Xapian reads a query of excluded words only ("-sncf", "-sncf -greve", "-(sncf OR ratp)") as if they were
// plain words, the opposite of what was asked. As NOT clauses, FLAG_PURE_NOT takes them from all documents
// instead. Parts are grouped by parentheses: "-(sncf OR ratp)" is one excluded group.
std::vector<std::string> negate_excluded_only(std::vector<std::string> parts) {
  std::vector<std::vector<std::string>> groups;
  int depth = 0;
  for (const std::string& part : parts) {
    if (depth == 0) groups.emplace_back();
    groups.back().push_back(part);
    bool in_phrase = false;
    for (char c : part) {
      if (c == '"') in_phrase = !in_phrase;
      if (!in_phrase && c == '(') ++depth;
      if (!in_phrase && c == ')' && depth > 0) --depth;
    }
  }
  const bool all_excluded = !groups.empty() && std::all_of(groups.begin(), groups.end(), [](const auto& g) {
    return g.front().size() > 1 && g.front()[0] == '-';
  });
  if (!all_excluded) return parts;
  std::vector<std::string> negated;
  for (auto& group : groups) {
    negated.emplace_back("NOT");
    group.front().erase(0, 1);
    for (std::string& part : group) negated.push_back(std::move(part));
  }
  return negated;
}

// The excluded sides of the query's top-level AND NOTs, also inside a top-level AND or FILTER.
void collect_exclusions(const Xapian::Query& query, std::vector<Xapian::Query>& out) {
  const auto op = query.get_type();
  const std::size_t n = query.get_num_subqueries();
  if (op == Xapian::Query::OP_AND_NOT) {
    for (std::size_t i = 1; i < n; ++i) out.push_back(query.get_subquery(i));
    if (n > 0) collect_exclusions(query.get_subquery(0), out);
  } else if (op == Xapian::Query::OP_AND || op == Xapian::Query::OP_FILTER) {
    for (std::size_t i = 0; i < n; ++i) collect_exclusions(query.get_subquery(i), out);
  }
}

// ---- facets ---------------------------------------------------------------------------------------------

// Facets of a local database are counted after the match, not inside it. A match spy is handed each
// document on its own, and each get_value() then looks the slot's value chunk up in the B-tree again and
// decodes it up to that document: on OrangeSum, 13-19 ms a slot for France's 12k matching articles, against
// 2-3 ms for one forward pass over the slot's value stream. So the spy below only notes which documents
// matched, and topic words are counted by walking their posting lists against the same documents instead of
// running the query again for each word. Over several shards that can't be done: a spy is given each
// shard's own docid (see Xapian::Document::get_docid), which no merged value stream or posting list can be
// walked with, so there the spy reads the values itself. Custom spies don't travel to remote shards: see
// run().
struct MatchSet {
  std::vector<double> weights;  // by report order: weights[k] is that of the k-th document reported
  // One database: the docids ascending, and the report order of each.
  std::vector<Xapian::docid> ids;
  std::vector<std::uint32_t> seen_at;
  // Several shards: the values the spy read, by slot, then by report order.
  std::map<Xapian::valueno, std::vector<std::string>> values;
};

class MatchRecorder : public Xapian::MatchSpy {
 public:
  // One database: the docids are noted. Several shards: the values of `slots` are read instead.
  MatchRecorder(bool one_database, std::vector<Xapian::valueno> slots)
      : one_database_(one_database), slots_(one_database ? std::vector<Xapian::valueno>{} : std::move(slots)) {
    std::sort(slots_.begin(), slots_.end());
    slots_.erase(std::unique(slots_.begin(), slots_.end()), slots_.end());  // year and date share a slot
    for (Xapian::valueno s : slots_) m_.values[s];
  }
  void operator()(const Xapian::Document& doc, double weight) override {
    m_.weights.push_back(weight);
    if (one_database_) m_.ids.push_back(doc.get_docid());
    for (Xapian::valueno s : slots_) m_.values[s].push_back(doc.get_value(s));
  }
  std::string name() const override { return "Gazette::MatchRecorder"; }
  std::size_t size() const { return m_.weights.size(); }

  // The record, with the docids sorted for for_each_value and count_with_term.
  MatchSet take() {
    MatchSet m = std::move(m_);
    m.seen_at.resize(m.ids.size());
    for (std::uint32_t i = 0; i < m.seen_at.size(); ++i) m.seen_at[i] = i;
    // One database's matcher reports in docid order, so this is usually a check, not a sort.
    if (std::is_sorted(m.ids.begin(), m.ids.end())) return m;
    std::sort(m.seen_at.begin(), m.seen_at.end(), [&](std::uint32_t a, std::uint32_t b) { return m.ids[a] < m.ids[b]; });
    std::sort(m.ids.begin(), m.ids.end());
    return m;
  }

 private:
  bool one_database_;
  std::vector<Xapian::valueno> slots_;
  MatchSet m_;
};

// Calls f(k, value) for each reported document k that has a value in `slot` (Xapian stores no empty values).
// On one database, in docid order, from one forward pass over the slot's value stream.
template <class F>
void for_each_value(const Xapian::Database& db, Xapian::valueno slot, const MatchSet& m, F&& f) {
  if (const auto read = m.values.find(slot); read != m.values.end()) {
    for (std::size_t k = 0; k < read->second.size(); ++k)
      if (!read->second[k].empty()) f(k, std::string_view(read->second[k]));
    return;
  }
  const Xapian::ValueIterator end = db.valuestream_end(slot);
  Xapian::ValueIterator v = db.valuestream_begin(slot);
  for (std::size_t i = 0; i < m.ids.size() && v != end; ++i) {
    if (v.get_docid() < m.ids[i]) {
      v.skip_to(m.ids[i]);
      if (v == end) break;
    }
    if (v.get_docid() == m.ids[i]) {
      const std::string value = *v;
      f(m.seen_at[i], std::string_view(value));
    }
  }
}

// A value's count before the facet is cut to its best values. `value` views a key of the counting map.
struct Counted {
  std::string_view value;
  std::uint64_t count = 0;
  double weight = 0;  // distinct quotes only: breaks ties between equal counts
};

// The values shown: dates newest first, all of them; other facets their `limit` most frequent values, equal
// counts by summed relevance (quotes), then by value. Only the values shown are sorted and copied out.
std::vector<FacetValue> top_values(std::vector<Counted> values, std::size_t limit, bool chronological) {
  auto newest = [](const Counted& a, const Counted& b) { return a.value > b.value; };
  auto frequent = [](const Counted& a, const Counted& b) {
    if (a.count != b.count) return a.count > b.count;
    // Summed in docid order, equal sums differ in their last bits from one build to another (--jobs, shards):
    // compared as floats, they are equal, and the value decides.
    const float wa = static_cast<float>(a.weight), wb = static_cast<float>(b.weight);
    if (wa != wb) return wa > wb;
    return a.value < b.value;
  };
  const auto shown = values.begin() + static_cast<std::ptrdiff_t>(std::min(limit, values.size()));
  if (chronological) std::partial_sort(values.begin(), shown, values.end(), newest);
  else std::partial_sort(values.begin(), shown, values.end(), frequent);
  std::vector<FacetValue> out;
  out.reserve(static_cast<std::size_t>(shown - values.begin()));
  for (auto it = values.begin(); it != shown; ++it) out.push_back({std::string(it->value), it->count});
  return out;
}

// Numbers the distinct values of a slot densely, first seen first numbered, so that counting is indexing
// an array. Open addressing over the values' hashes: std::unordered_map's node per value and second hashing
// on insertion were a quarter of a facet query's time (perf, France with six facets on OrangeSum). The
// values are kept end to end in one buffer, and each slot holds its value's length: a lookup that finds
// its hash reads one compact buffer instead of a string of its own somewhere on the heap.
class ValueNumbers {
 public:
  std::uint32_t operator()(std::string_view value) {
    if ((spans_.size() + 1) * 2 > slots_.size()) grow();
    const auto hash = static_cast<std::uint32_t>(std::hash<std::string_view>{}(value));
    for (std::size_t i = hash & (slots_.size() - 1);; i = (i + 1) & (slots_.size() - 1)) {
      Slot& s = slots_[i];
      if (s.number == kEmpty) {
        s = {hash, static_cast<std::uint32_t>(spans_.size()), static_cast<std::uint32_t>(arena_.size()),
             static_cast<std::uint32_t>(value.size())};
        spans_.push_back({s.offset, s.length});
        arena_.append(value);
        return s.number;
      }
      if (s.hash == hash && s.length == value.size() && arena_.compare(s.offset, s.length, value) == 0) return s.number;
    }
  }
  std::size_t size() const { return spans_.size(); }
  // Valid until the next new value.
  std::string_view value(std::uint32_t number) const {
    const auto [offset, length] = spans_[number];
    return std::string_view(arena_).substr(offset, length);
  }

 private:
  static constexpr std::uint32_t kEmpty = std::numeric_limits<std::uint32_t>::max();
  // 16 bytes, with what a lookup compares: the table is the cache miss of facet counting (perf).
  struct Slot {
    std::uint32_t hash = 0;
    std::uint32_t number = kEmpty;
    std::uint32_t offset = 0;  // in arena_: the distinct values of one slot over one match set
    std::uint32_t length = 0;
  };
  void grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(std::max<std::size_t>(64, old.size() * 2), Slot{});
    for (const Slot& s : old) {
      if (s.number == kEmpty) continue;
      std::size_t i = s.hash & (slots_.size() - 1);
      while (slots_[i].number != kEmpty) i = (i + 1) & (slots_.size() - 1);
      slots_[i] = s;
    }
  }
  std::vector<Slot> slots_;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> spans_;  // offset and length in arena_, by number
  std::string arena_;
};

// The values of one slot over the match set, each numbered: by the database's facet columns when it has
// them (facet_columns.h), else read from the slot's value stream and numbered as they come. With `split`,
// a kListSeparator-joined list gives each of its names, as often as the list holds it. (Counting whole
// lists first, to split each distinct list once, was no faster on OrangeSum: two thirds of France's
// matches have a person list of their own.)
class SlotNumbers {
 public:
  // `column`: the slot's column, or null to read the value stream. `group_key`: the slot's values group
  // (schema::facet_group_key), and group(n) tells which share a key (the column knows; from the stream,
  // each new value's key is made once).
  SlotNumbers(const facet_columns::Column* column, schema::FacetGroupKey group_key)
      : column_(column), group_key_(group_key) {}

  // f(k, n) for each value n of each reported document k, in docid order.
  template <class F>
  void for_each(const Xapian::Database& db, Xapian::valueno slot, bool split, const MatchSet& m, F&& f) {
    if (column_) {
      column_->for_each(m.ids.data(), m.ids.size(), [&](std::size_t i, const std::uint32_t* n, const std::uint32_t* end) {
        for (; n != end; ++n)
          if (*n < column_->values) f(m.seen_at[i], *n);  // else a damaged file: skipped
      });
      return;
    }
    for_each_value(db, slot, m, [&](std::size_t k, std::string_view list) {
      if (!split) return f(k, number(list));
      std::size_t from = 0;
      while (from < list.size()) {
        std::size_t to = list.find(schema::kListSeparator, from);
        if (to == std::string_view::npos) to = list.size();
        if (to > from) f(k, number(list.substr(from, to - from)));
        from = to + 1;
      }
    });
  }
  // Numbers are below this.
  std::size_t size() const { return column_ ? column_->values : numbers_.size(); }
  std::string_view value(std::uint32_t n) const { return column_ ? column_->value(n) : numbers_.value(n); }
  // The number of a value of n's identity key that stands for them all (n itself when none shares it).
  std::uint32_t group(std::uint32_t n) const {
    if (column_) return column_->group(n);
    return group_key_ ? groups_[n] : n;
  }

 private:
  std::uint32_t number(std::string_view value) {
    const std::uint32_t n = numbers_(value);
    if (group_key_ && n == groups_.size()) {
      const auto key = group_key_(value);
      groups_.push_back(key ? first_of_key_.emplace(*key, n).first->second : n);
    }
    return n;
  }
  const facet_columns::Column* column_;
  schema::FacetGroupKey group_key_;
  ValueNumbers numbers_;
  std::vector<std::uint32_t> groups_;  // from the stream: by number, its group
  std::unordered_map<std::string, std::uint32_t> first_of_key_;
};

// The values shown for groups of names: `counted` is by group number (SlotNumbers::group), each shown as the
// name of its group that the matches have most often (`uses`, by value number), of equal ones the first in
// byte order, so that the answer doesn't depend on which shard or thread saw a name first. Groups without
// a count are left out.
std::vector<Counted> shown_by_group(const SlotNumbers& numbers, const std::vector<std::uint64_t>& uses,
                                    std::vector<Counted> counted) {
  constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> shown(counted.size(), kNone);
  for (std::uint32_t n = 0; n < uses.size(); ++n) {
    if (uses[n] == 0) continue;
    std::uint32_t& best = shown[numbers.group(n)];
    if (best == kNone || uses[n] > uses[best] || (uses[n] == uses[best] && numbers.value(n) < numbers.value(best)))
      best = n;
  }
  std::vector<Counted> out;
  for (std::uint32_t g = 0; g < counted.size(); ++g) {
    if (counted[g].count == 0 || shown[g] == kNone) continue;
    counted[g].value = numbers.value(shown[g]);
    out.push_back(counted[g]);
  }
  return out;
}

// `column`, if the database has one for `slot` and it is split as asked; else null.
const facet_columns::Column* usable(const facet_columns::Column* column, bool split) {
  return column && column->split == split ? column : nullptr;
}

// A count per value of the slot (per name, with `split`).
// With a `group_key`, the values of one key are one value, counted once per match.
std::vector<FacetValue> count_values(const Xapian::Database& db, Xapian::valueno slot, const MatchSet& m, bool split,
                                     schema::FacetGroupKey group_key, const facet_columns::Column* column,
                                     std::size_t limit, bool chronological) {
  SlotNumbers numbers(usable(column, split), group_key);
  std::vector<std::uint64_t> counts(numbers.size());
  if (group_key) {
    constexpr std::size_t kNoMatch = std::numeric_limits<std::size_t>::max();
    std::vector<Counted> by_group(numbers.size());
    std::vector<std::size_t> last_counted(numbers.size(), kNoMatch);  // by group: the match it last counted
    numbers.for_each(db, slot, split, m, [&](std::size_t k, std::uint32_t n) {
      if (n >= counts.size()) {
        counts.resize(n + 1);
        by_group.resize(n + 1);
        last_counted.resize(n + 1, kNoMatch);
      }
      ++counts[n];
      const std::uint32_t g = numbers.group(n);
      if (last_counted[g] != k) {
        last_counted[g] = k;
        ++by_group[g].count;
      }
    });
    return top_values(shown_by_group(numbers, counts, std::move(by_group)), limit, chronological);
  }
  numbers.for_each(db, slot, split, m, [&](std::size_t, std::uint32_t n) {
    if (n >= counts.size()) counts.resize(n + 1);
    ++counts[n];
  });
  std::vector<Counted> counted;
  for (std::uint32_t n = 0; n < counts.size(); ++n)
    if (counts[n]) counted.push_back({numbers.value(n), counts[n]});
  return top_values(std::move(counted), limit, chronological);
}

// Quotes mode with de-duplication: a quote reprinted by several articles is one result, so it must be one
// count too. The matcher reports every matching document, before collapsing, so a value counts once per
// distinct quote fingerprint. `fingerprints` numbers each match's fingerprint (by report order; 0 when it
// has none). Among equal counts, the summed relevance of a value's quotes comes first: of two speakers
// quoted twice on "sanctions", the one whose quotes are about it. Each (value, quote) pair adds the weight
// of the first document reported with it. With `split`, each name of a quote's list (its article's
// persons, places…) is a value of that quote. With a `group_key`, as in count_values, a quote counts once
// for the values of one key, whichever its reprints' articles wrote.
std::vector<FacetValue> count_distinct_quotes(const Xapian::Database& db, Xapian::valueno slot, const MatchSet& m,
                                              bool split, schema::FacetGroupKey group_key,
                                              const facet_columns::Column* column,
                                              const std::vector<std::uint32_t>& fingerprints, std::size_t limit,
                                              bool chronological) {
  SlotNumbers numbers(usable(column, split), group_key);
  const bool grouped = group_key != nullptr;
  // The values come in docid order, and are counted in report order: which report of a quote comes first
  // decides the weight a pair adds, and sums of doubles depend on their order.
  std::vector<std::pair<std::size_t, std::uint32_t>> values;  // (report order, value)
  if (split) {
    numbers.for_each(db, slot, true, m, [&](std::size_t k, std::uint32_t n) { values.emplace_back(k, n); });
    std::stable_sort(values.begin(), values.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  } else {
    constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
    std::vector<std::uint32_t> value_of(m.weights.size(), kNone);  // by report order: no sort needed
    numbers.for_each(db, slot, false, m, [&](std::size_t k, std::uint32_t n) { value_of[k] = n; });
    for (std::size_t k = 0; k < value_of.size(); ++k)
      if (value_of[k] != kNone) values.emplace_back(k, value_of[k]);
  }
  std::vector<Counted> counted(numbers.size());  // by group
  std::vector<std::uint64_t> uses(grouped ? numbers.size() : 0);
  std::unordered_set<std::uint64_t> seen;
  for (const auto& [k, v] : values) {
    const std::uint32_t g = numbers.group(v);
    if (grouped) ++uses[v];
    if (seen.insert(std::uint64_t{g} << 32 | fingerprints[k]).second) {
      ++counted[g].count;
      counted[g].weight += m.weights[k];
    }
  }
  if (grouped) return top_values(shown_by_group(numbers, uses, std::move(counted)), limit, chronological);
  for (std::uint32_t n = 0; n < counted.size(); ++n) counted[n].value = numbers.value(n);
  // A column numbers every value of the database, most of which these matches don't have.
  counted.erase(std::remove_if(counted.begin(), counted.end(), [](const Counted& c) { return c.count == 0; }),
                counted.end());
  return top_values(std::move(counted), limit, chronological);
}

// Xapian's spy's counts of a single-valued slot (remote shards), as Counted views of `values`; with a
// `group_key` the values of one key summed (one name a match, so the sum counts each match once), shown as the
// most frequent, then the first in byte order, as shown_by_group does.
std::vector<Counted> merged_by_key(const std::vector<std::pair<std::string, Xapian::doccount>>& values,
                                   schema::FacetGroupKey group_key) {
  std::vector<Counted> counted;
  std::vector<std::uint64_t> shown_count;
  std::unordered_map<std::string, std::size_t> by_key;
  for (const auto& [value, count] : values) {
    std::size_t at = counted.size();
    if (group_key)
      if (const auto key = group_key(value)) at = by_key.emplace(*key, at).first->second;
    if (at == counted.size()) {
      counted.push_back({value, 0});
      shown_count.push_back(0);
    }
    counted[at].count += count;
    if (count > shown_count[at] || (count == shown_count[at] && std::string_view(value) < counted[at].value)) {
      counted[at].value = value;
      shown_count[at] = count;
    }
  }
  return counted;
}

// Each match's quote fingerprint numbered (by report order), so that count_distinct_quotes compares
// numbers; a match without one gets 0, like every other match without one.
std::vector<std::uint32_t> fingerprint_numbers(const Xapian::Database& db, const MatchSet& m,
                                               const facet_columns::Column* column) {
  SlotNumbers numbers(usable(column, false), nullptr);
  std::vector<std::uint32_t> out(m.weights.size(), 0);
  numbers.for_each(db, schema::slot(Slot::QuoteFingerprint), false, m,
                   [&](std::size_t k, std::uint32_t n) { out[k] = n + 1; });
  return out;
}

// How many matches contain `term`: its posting list and the match ids leapfrog each other, each side
// skipping to the other's next document.
std::uint64_t count_with_term(const Xapian::Database& db, const std::string& term, const std::vector<Xapian::docid>& ids) {
  std::uint64_t n = 0;
  const Xapian::PostingIterator end = db.postlist_end(term);
  Xapian::PostingIterator p = db.postlist_begin(term);
  auto i = ids.begin();
  while (p != end && i != ids.end()) {
    if (*p == *i) {
      ++n;
      ++p;
      ++i;
    } else if (*p < *i) {
      p.skip_to(*i);
    } else {
      i = std::lower_bound(i, ids.end(), *p);
    }
  }
  return n;
}

struct FacetSpec {
  std::string name;
  Slot slot;
  bool multi;
};

// Which slot a facet reads, and whether it holds one value or a list, depends on the mode: an article lists
// all its speakers, a quote has one.
FacetSpec facet_spec(const std::string& name, SearchMode mode) {
  const auto in_mode = [&](Slot s) { return mode == SearchMode::Quotes ? schema::quote_slot(s) : s; };
  if (name == "person") return {name, in_mode(Slot::Persons), true};
  if (name == "org") return {name, in_mode(Slot::Organisations), true};
  if (name == "place") return {name, in_mode(Slot::Places), true};
  if (name == "tag") return {name, in_mode(Slot::Tags), true};
  if (name == "speaker") return {name, in_mode(Slot::Speakers), mode == SearchMode::Articles};
  if (name == "source") return {name, in_mode(Slot::Source), false};
  if (name == "section") return {name, in_mode(Slot::Section), false};
  if (name == "year" || name == "date") return {name, in_mode(Slot::Year), false};
  if (name == "month") return {name, in_mode(Slot::Month), false};
  throw Error(ErrorCode::Usage, "unknown facet '" + name + "'",
              "facets: person, org, place, speaker, source, section, tag, year, month, topic");
}

// Spaces only, in any script's sense: ASCII white space, no-break spaces (U+00A0, U+202F, which French
// typography puts before : and »), the other Unicode spaces of U+2000-U+200B, U+205F and U+3000.
bool is_blank(std::string_view q) {
  for (std::size_t i = 0; i < q.size();) {
    const auto c = static_cast<unsigned char>(q[i]);
    if (c == ' ' || (c >= '\t' && c <= '\r')) {
      ++i;
    } else if (q.compare(i, 2, "\xC2\xA0") == 0) {
      i += 2;
    } else if (c == 0xE2 && i + 2 < q.size() &&
               ((q[i + 1] == '\x80' && (static_cast<unsigned char>(q[i + 2]) <= 0x8B || q[i + 2] == '\xAF')) ||
                (q[i + 1] == '\x81' && q[i + 2] == '\x9F'))) {
      i += 3;
    } else if (q.compare(i, 3, "\xE3\x80\x80") == 0) {
      i += 3;
    } else {
      return false;
    }
  }
  return true;
}

// Quote documents carry their words, their context, their speaker and what their article gives them to be
// narrowed by (date, source, section, tags, entities), not the article's title or authors: in --quotes mode
// these match no quote, and the note says so rather than an empty answer.
void note_article_only_fields(const std::string& query, std::vector<std::string>& notes) {
  std::set<std::string> said;
  for (const std::string& part : split_keep_phrases(query)) {
    const std::string core = unwrap(part).core;
    for (const char* field : {"title", "author"}) {
      const std::string prefix = std::string(field) + ":";
      if (core.rfind(prefix, 0) == 0 && said.insert(prefix).second)
        notes.push_back("'" + prefix + "' searches articles: quote documents don't carry it, so in --quotes mode it "
                        "matches no quote");
    }
  }
}

// ---- snippets -------------------------------------------------------------------------------------------

struct QueryTerms {
  std::set<std::string> words;  // folded words
  std::set<std::string> stems;
  std::set<std::string> entity_keys;
};

QueryTerms collect_terms(const Xapian::Query& query) {
  QueryTerms qt;
  for (auto it = query.get_unique_terms_begin(); it != query.get_unique_terms_end(); ++it) {
    const std::string& t = *it;
    if (t.empty()) continue;
    auto strip = [&](std::string_view p) { return t.compare(0, p.size(), p) == 0 ? t.substr(p.size()) : std::string(); };
    if (t.rfind("ZXQ", 0) == 0) qt.stems.insert(strip("ZXQ"));
    else if (t.rfind("ZXC", 0) == 0) qt.stems.insert(strip("ZXC"));
    else if (t.rfind("XC", 0) == 0) qt.words.insert(strip("XC"));
    else if (t.rfind("ZS", 0) == 0) qt.stems.insert(strip("ZS"));
    else if (t[0] == 'Z') qt.stems.insert(t.substr(1));
    else if (t.rfind("XQ", 0) == 0) qt.words.insert(strip("XQ"));
    else if (t.rfind("XP", 0) == 0 || t.rfind("XO", 0) == 0 || t.rfind("XL", 0) == 0)
      qt.entity_keys.insert(t.substr(2));
    else if (t.rfind("XSP", 0) == 0 || t.rfind("XAP", 0) == 0 || t.rfind("XAO", 0) == 0 || t.rfind("XAL", 0) == 0)
      qt.entity_keys.insert(t.substr(3));
    else if (t[0] == 'S') qt.words.insert(t.substr(1));
    else if (t[0] == 'E') qt.words.insert(t.substr(1));  // exact forms: compared with lower below
    else if (std::islower(static_cast<unsigned char>(t[0])) || static_cast<unsigned char>(t[0]) >= 0x80 ||
             std::isdigit(static_cast<unsigned char>(t[0])))
      qt.words.insert(t);
  }
  return qt;
}

std::string squash_spaces(std::string_view s, std::vector<std::pair<std::uint32_t, std::uint32_t>>* ranges,
                          std::size_t base) {
  // Newlines and runs of spaces become one space; highlight ranges are shifted to match.
  std::string out;
  std::vector<std::size_t> map(s.size() + 1);
  bool space = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    map[i] = out.size();
    const char c = s[i];
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      if (!space && !out.empty()) out += ' ';
      space = true;
    } else {
      out += c;
      space = false;
    }
  }
  map[s.size()] = out.size();
  if (ranges)
    for (auto& r : *ranges) {
      r.first = static_cast<std::uint32_t>(map[r.first - base]);
      r.second = static_cast<std::uint32_t>(map[r.second - base]);
    }
  return out;
}

Snippet make_snippet(const std::string& text, std::size_t from, const QueryTerms& qt, const FrenchAnalyzer& analyzer,
                     const std::vector<std::pair<std::uint32_t, std::uint32_t>>& entity_spans, std::size_t window) {
  std::string_view body = std::string_view(text).substr(std::min(from, text.size()));
  std::vector<Token> tokens = analyzer.tokenize(body);
  std::vector<int> match(tokens.size(), -1);  // index of the distinct query word matched, or -1
  std::map<std::string, int> ids;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    std::string which;
    // A mention of a queried entity is one match however many words it has ("Youri Ouchakov"), so that
    // it doesn't outweigh a window where the entity and another query word meet.
    const std::uint32_t s = static_cast<std::uint32_t>(t.start + from);
    for (const auto& span : entity_spans)
      if (s >= span.first && s < span.second) which = "\x01entity";
    if (!which.empty()) {
    } else if (qt.words.count(t.folded) || qt.words.count(t.lower)) {
      which = t.folded;
    } else if (!qt.stems.empty() && qt.stems.count(analyzer.stem(t.folded))) {
      which = analyzer.stem(t.folded);
    }
    if (!which.empty()) match[i] = ids.emplace(which, static_cast<int>(ids.size())).first->second;
  }
  // The window with the most distinct matched words, then the most matches, earliest first.
  std::size_t best = 0;
  std::pair<std::size_t, std::size_t> best_score{0, 0};
  if (!tokens.empty()) {
    std::map<int, int> in_window;
    std::size_t total = 0;
    for (std::size_t i = 0, j = 0; i < tokens.size(); ++i) {
      while (j < tokens.size() && j < i + window) {
        if (match[j] >= 0) ++in_window[match[j]], ++total;
        ++j;
      }
      const std::pair<std::size_t, std::size_t> score{in_window.size(), total};
      if (score > best_score) best_score = score, best = i;
      if (match[i] >= 0 && --in_window[match[i]] == 0) in_window.erase(match[i]);
      if (match[i] >= 0) --total;
    }
  }
  // Start a few words before the window so it reads as a sentence, without losing the window's last words
  // (which may be the very matches that made it the best).
  const std::size_t window_end = std::min(tokens.size(), best + window);
  best = best > 3 ? best - 3 : 0;
  Snippet sn;
  if (tokens.empty()) {
    sn.text = squash_spaces(body.substr(0, 300), nullptr, 0);
    return sn;
  }
  const std::size_t last = window_end - 1;
  const std::size_t begin = best == 0 ? 0 : tokens[best].start;
  std::size_t end = last + 1 == tokens.size() ? body.size() : tokens[last].end;
  // Include trailing punctuation of the last word, but not the next word.
  while (end < body.size() && std::ispunct(static_cast<unsigned char>(body[end])) && body[end] != '(') ++end;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ranges;
  for (std::size_t i = best; i <= last; ++i)
    if (match[i] >= 0) {
      if (!ranges.empty() && ranges.back().second + 1 >= tokens[i].start && i > best && match[i - 1] >= 0 &&
          match[i - 1] == match[i])
        ranges.back().second = tokens[i].end;
      else
        ranges.emplace_back(tokens[i].start, tokens[i].end);
    }
  sn.text = squash_spaces(body.substr(begin, end - begin), &ranges, begin);
  sn.highlights = std::move(ranges);
  // Trim leading/trailing spaces and mark cuts.
  while (!sn.text.empty() && sn.text.back() == ' ') sn.text.pop_back();
  if (begin > 0) {
    sn.text.insert(0, "… ");
    for (auto& r : sn.highlights) r.first += 4, r.second += 4;
  }
  if (end < body.size()) sn.text += " …";
  return sn;
}

// A string member of stored JSON data, or "" when it is missing or not a string.
std::string string_field(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

std::string first_words(const std::string& text, std::size_t from, std::size_t words) {
  std::string_view body = std::string_view(text).substr(std::min(from, text.size()));
  std::size_t i = 0, count = 0;
  while (i < body.size() && count < words) {
    while (i < body.size() && std::isspace(static_cast<unsigned char>(body[i]))) ++i;
    while (i < body.size() && !std::isspace(static_cast<unsigned char>(body[i]))) ++i;
    ++count;
  }
  std::string out = squash_spaces(body.substr(0, i), nullptr, 0);
  while (!out.empty() && (out.back() == ' ' || out.back() == ',')) out.pop_back();
  if (i < body.size()) out += " …";
  return out;
}

// One database behind a --db: a local database (directory or single file), or a remote one. A stub file
// lists others, each of which may be a stub again (Xapian's format: "auto PATH", "glass PATH", "remote
// HOST:PORT", "remote :PROGRAM ARGS", blank lines and # comments; paths relative to the stub).
struct Shard {
  std::string local;                  // path, when local
  std::string host, program, args;    // when remote: a TCP server, or a program speaking the protocol
  unsigned port = 0;
  std::string listed_in;              // the stub that names it, for messages
  bool remote() const { return local.empty(); }
  std::string name() const {
    if (!remote()) return local;
    return "remote " + (program.empty() ? host + ":" + std::to_string(port) : ":" + program) +
           (listed_in.empty() ? "" : " (listed in " + listed_in + ")");
  }
};

void collect_shards(const std::string& path, const std::string& listed_in, int depth, std::vector<Shard>& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  std::string text;
  if (!fs::is_directory(path, ec) && in) text.assign(std::istreambuf_iterator<char>(in), {});
  // A directory, or a single-file database (binary): a database, not a stub.
  if (text.empty() || text.find('\0') != std::string::npos) {
    out.push_back({path, "", "", "", 0, listed_in});
    return;
  }
  if (depth > 8) throw Error(ErrorCode::DatabaseOpen, path + ": stub files nested more than 8 deep");
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
    const std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    const std::size_t space = line.find_first_of(" \t", start);
    const std::string type = line.substr(start, space == std::string::npos ? std::string::npos : space - start);
    const std::size_t value_at = space == std::string::npos ? line.size() : line.find_first_not_of(" \t", space);
    const std::string value = value_at == std::string::npos ? std::string() : line.substr(value_at);
    if (type == "remote") {
      Shard shard;
      shard.listed_in = path;
      const std::size_t colon = value.find(':');
      if (colon == 0) {  // :PROGRAM ARGS
        const std::size_t args = value.find(' ');
        shard.program = value.substr(1, args == std::string::npos ? std::string::npos : args - 1);
        if (args != std::string::npos) shard.args = value.substr(args + 1);
      } else if (colon != std::string::npos && colon + 1 < value.size() &&
                 value.find_first_not_of("0123456789", colon + 1) == std::string::npos && value.size() - colon < 7) {
        shard.host = value.substr(0, colon);
        shard.port = static_cast<unsigned>(std::stoul(value.substr(colon + 1)));
      } else {
        throw Error(ErrorCode::DatabaseOpen, path + ": bad remote line '" + line + "'",
                    "write remote HOST:PORT, as xapian-tcpsrv --port PORT serves it");
      }
      out.push_back(std::move(shard));
    } else if (type == "auto" || type == "glass" || type == "chert" || type == "honey") {
      const fs::path listed(value);
      collect_shards(listed.is_absolute() ? value : (fs::path(path).parent_path() / listed).string(), path, depth + 1,
                     out);
    } else if (type != "inmemory") {
      throw Error(ErrorCode::DatabaseOpen, path + ": a stub line Xapian doesn't know: '" + line + "'",
                  "a stub file lists databases as auto PATH or remote HOST:PORT, one a line");
    }
  }
}

}  // namespace

struct Searcher::Impl {
  std::vector<std::string> paths;
  std::vector<std::string> open_notes;  // said with every result
  Xapian::Database db;
  FrenchAnalyzer analyzer;
  LazyNameResolver names;
  bool remote = false;
  // The facet columns of the one local database, for the revision `columns_checked` (see columns_now).
  std::unique_ptr<facet_columns::Columns> columns;
  Xapian::rev columns_checked = 0;
  bool columns_looked = false;

  // The facet columns written for the database's current revision, or null: there are none for several
  // shards or a stub file, nor until gazette-index has written them for this revision.
  const facet_columns::Columns* columns_now() {
    if (!one_local_database()) return nullptr;
    const Xapian::rev revision = db.get_revision();
    if (columns_looked && columns_checked == revision) return columns.get();
    columns.reset();
    columns_looked = true;
    columns_checked = revision;
    std::error_code ec;
    if (std::filesystem::is_directory(paths.front(), ec)) columns = facet_columns::Columns::open(paths.front(), db);
    return columns.get();
  }

  // One database on this machine, named by the one path (a directory, or a stub file listing one database):
  // what a second handle can open at the same revision, and what facet columns are written for.
  bool one_local_database() const { return paths.size() == 1 && !remote && db.size() == 1; }

  // Runs `aside(second)` on another thread with a database handle of its own, while `here()` runs on this
  // one. A Xapian::Database must not be shared between threads, and its reference counts are not atomic, so
  // the handle is opened and dropped in that thread. It must see this handle's revision, or the work would
  // be done on another database: otherwise `aside` does not run and the result is false. What either
  // throws is rethrown here, once both have finished.
  template <typename Aside, typename Here>
  bool alongside(Aside&& aside, Here&& here) {
    const Xapian::rev revision = db.get_revision();
    bool declined = false;
    in_parallel(
        [&] {
          try {
            const Xapian::Database second(paths.front());
            if (second.get_revision() != revision) {
              declined = true;
              return;
            }
            aside(second);
          } catch (const Xapian::DatabaseOpeningError&) {
            declined = true;
          }
        },
        here);
    return !declined;
  }

  // Runs `aside()` on another thread while `here()` runs on this one; what either throws is rethrown here,
  // once both have finished.
  template <typename Aside, typename Here>
  static void in_parallel(Aside&& aside, Here&& here) {
    std::exception_ptr failure;
    std::thread second_thread([&] {
      try {
        aside();
      } catch (...) {
        failure = std::current_exception();
      }
    });
    try {
      here();
    } catch (...) {
      second_thread.join();
      throw;
    }
    second_thread.join();
    if (failure) std::rethrow_exception(failure);
  }

  // Every database behind the --db paths is opened, and its versions checked, on its own: the versions of a
  // stub's combined database are those of its first shard only, so a mismatched second shard was searched.
  // A database listed twice (twice the same --db, or a stub beside one of its shards) is searched once.
  void open() {
    db = Xapian::Database();
    open_notes.clear();
    std::set<std::string> seen;
    std::vector<std::string> repeated;
    for (const auto& p : paths) {
      if (!std::filesystem::exists(p))
        throw Error(ErrorCode::DatabaseOpen, "no database at " + p,
                    "build one first: gazette-index --db " + p + " corpus/");
      std::vector<Shard> shards;
      collect_shards(p, "", 0, shards);
      for (const Shard& s : shards) {
        std::error_code ec;
        const std::string identity =
            s.remote() ? s.host + ":" + std::to_string(s.port) + s.program + " " + s.args
                       : std::filesystem::weakly_canonical(s.local, ec).string();
        if (!seen.insert(identity).second) {
          repeated.push_back(s.name());
          continue;
        }
        Xapian::Database shard = translate_xapian_errors("opening " + s.name(), [&] {
          if (!s.remote()) return Xapian::Database(s.local);
          if (!s.program.empty()) return Xapian::Remote::open(s.program, s.args);
          return Xapian::Remote::open(s.host, s.port);
        });
        schema::check_versions(shard, s.name(), s.remote() || s.local == p ? "" : p);
        db.add_database(shard);
        remote = remote || s.remote();
      }
    }
    if (!repeated.empty())
      open_notes.push_back(std::to_string(repeated.size()) + " database(s) listed more than once, searched once: " +
                           repeated.front() + (repeated.size() > 1 ? ", …" : ""));
  }

  // `field:value` or `field:"value"` of a field of words whose value holds a word kept whole with its dots,
  // with the field's prefixes as parse() registers them; none for quote: in article mode, which
  // ArticleQuoteField reads.
  std::optional<FieldWords> dotted_field_words(const std::string& core, SearchMode mode) const {
    const std::size_t colon = core.find(':');
    if (colon == std::string::npos) return std::nullopt;
    const std::string name = core.substr(0, colon);
    std::string value = core.substr(colon + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    if (value.empty() || value.find_first_of("\"()") != std::string::npos) return std::nullopt;
    std::vector<std::string> prefixes;
    if (name == "quote") {
      if (mode == SearchMode::Quotes) prefixes = {""};
    } else {
      const auto at = std::find_if(std::begin(kFieldsOfWords), std::end(kFieldsOfWords),
                                   [&](const FieldOfWords& f) { return name == f.name; });
      if (at == std::end(kFieldsOfWords)) return std::nullopt;
      prefixes.assign(at->prefixes.begin(), at->prefixes.end());
    }
    std::vector<std::string> folded;
    for (Token& t : analyzer.tokenize(value)) folded.push_back(std::move(t.folded));
    if (std::none_of(folded.begin(), folded.end(), [](const std::string& w) { return w.find('.') != std::string::npos; }))
      return std::nullopt;
    return FieldWords{std::move(prefixes), std::move(value), std::move(folded)};
  }

  Xapian::Query parse(const SearchRequest& req, std::vector<EntityWord>& entity_words,
                      std::vector<std::string>& exact_values, std::vector<std::string>& quote_phrases) {
    validate_query(req.query);
    // exact: values must escape accent folding, so they are set aside before normalisation, also behind
    // - + or ( and before ): "(exact:économie OR …)".
    std::string raw;
    for (const std::string& part : split_keep_phrases(req.query)) {
      if (!raw.empty()) raw += ' ';
      const Wrapped w = unwrap(part);
      for (const char* internal : {"gzentity:", "gzquote:", "gzfield:"})
        if (w.core.rfind(internal, 0) == 0)
          throw Error(ErrorCode::BadQuery, std::string("'") + internal + "' is not a query field",
                      "fields are listed in docs/cli.md (Query syntax)");
      if (w.core.rfind("exact:", 0) == 0 && w.core.size() > 6) {
        exact_values.push_back(w.core.substr(6));
        raw += w.before + "exact:" + std::to_string(exact_values.size() - 1) + w.after;
      } else {
        raw += part;
      }
    }
    const std::string normalised = analyzer.normalize_query(raw, kWholeValueFields);

    std::vector<std::string> parts = negate_excluded_only(split_keep_phrases(normalised));
    // NEAR and ADJ take terms only, so a name beside one stays a word: "Biden NEAR Poutine".
    auto is_proximity = [&](std::size_t i) {
      if (i >= parts.size()) return false;
      const std::string& p = parts[i];
      return p == "NEAR" || p == "ADJ" || p.rfind("NEAR/", 0) == 0 || p.rfind("ADJ/", 0) == 0;
    };
    // Capitalised bare words that name a known entity become entity words (see EntityWordField).
    std::string rewritten;
    std::vector<FieldWords> field_words;  // read by the parser below, through gzfield:
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const std::string& part = parts[i];
      if (!rewritten.empty()) rewritten += ' ';
      // A name keeps its expansion behind - + or ( and before ): "(Putin OR …)", "Ukraine -Putin".
      const Wrapped wrapped = unwrap(part);
      const std::string& core = wrapped.core;
      const bool a_word = !core.empty() && core.find_first_of(":\"()") == std::string::npos &&
                          !is_proximity(i + 1) && !(i > 0 && is_proximity(i - 1));
      const bool bare =
          a_word && !is_operator_word(core) && std::isupper(static_cast<unsigned char>(core[0]));
      const NameResolver* resolver = bare ? names.get() : nullptr;
      if (resolver) {
        EntityWord w{core, {}};
        const std::string key = resolver->key_for(core);
        if (!key.empty())
          for (const char* prefix : {"XP", "XO", "XL"}) {
            const std::string term = schema::safe_term(prefix, key);
            if (db.term_exists(term)) w.tag_terms.push_back(term);
          }
        if (!w.tag_terms.empty()) {
          entity_words.push_back(std::move(w));
          rewritten += wrapped.before + "gzentity:" + std::to_string(entity_words.size() - 1) + wrapped.after;
          continue;
        }
      }
      // A word the analyzer keeps whole with its dots (www.francetvinfo.fr, ePresse.fr) is one term in the
      // index, while the parser would split it into a phrase of its parts, which the index never holds.
      if (a_word && core.find('.') != std::string::npos) {
        const std::vector<Token> tokens = analyzer.tokenize(core);
        if (tokens.size() == 1 && tokens.front().folded.find('.') != std::string::npos) {
          entity_words.push_back({core, {}});
          rewritten += wrapped.before + "gzentity:" + std::to_string(entity_words.size() - 1) + wrapped.after;
          continue;
        }
      }
      // The same word inside a field of words (see FieldWords), alone or in the field's phrase.
      if (std::optional<FieldWords> f = dotted_field_words(core, req.mode)) {
        if (f->prefixes.empty()) {  // quote: in article mode
          quote_phrases.push_back(f->value);
          rewritten += wrapped.before + "gzquote:" + std::to_string(quote_phrases.size() - 1) + wrapped.after;
        } else {
          field_words.push_back(std::move(*f));
          rewritten += wrapped.before + "gzfield:" + std::to_string(field_words.size() - 1) + wrapped.after;
        }
        continue;
      }
      // quote:"…" in article mode (see ArticleQuoteField), possibly behind - + or (.
      const std::size_t field = part.find("quote:\"");
      if (req.mode == SearchMode::Articles && field != std::string::npos &&
          part.find_first_not_of("-+(") >= field) {
        const std::size_t close = part.find('"', field + 7);
        if (close != std::string::npos) {
          quote_phrases.push_back(part.substr(field + 7, close - field - 7));
          rewritten += part.substr(0, field) + "gzquote:" + std::to_string(quote_phrases.size() - 1) +
                       part.substr(close + 1);
          continue;
        }
      }
      rewritten += part;
    }

    // Processors are handed over with release(): the parser then owns and frees them.
    Xapian::QueryParser qp;
    qp.set_database(db);
    qp.set_stemmer(Xapian::Stem("french"));
    qp.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
    qp.set_default_op(Xapian::Query::OP_AND);
    for (const FieldOfWords& f : kFieldsOfWords)
      for (const char* prefix : f.prefixes) qp.add_prefix(f.name, prefix);
    if (req.mode == SearchMode::Quotes) qp.add_prefix("quote", "");
    else qp.add_prefix("quote", (new ArticleQuoteField(analyzer))->release());
    qp.add_prefix("gzquote", (new ArticleQuoteField(analyzer, &quote_phrases))->release());
    qp.add_boolean_prefix("tag", (new FoldedBooleanField("XTAG", analyzer))->release(), false);
    // A quote document holds its article's entities under prefixes of their own (schema.h), and its speaker
    // under XP: in --quotes mode person:X finds the quotes of the articles that mention X and X's own.
    const bool quotes = req.mode == SearchMode::Quotes;
    const auto entity_field = [&](std::vector<std::string> prefixes, EntityType type) {
      return (new EntityField(std::move(prefixes), type, names, analyzer))->release();
    };
    qp.add_boolean_prefix("person", entity_field(quotes ? std::vector<std::string>{"XAP", "XP"}
                                                        : std::vector<std::string>{"XP"}, EntityType::Person), false);
    qp.add_boolean_prefix("org", entity_field({quotes ? "XAO" : "XO"}, EntityType::Organisation), false);
    qp.add_boolean_prefix("place", entity_field({quotes ? "XAL" : "XL"}, EntityType::Place), false);
    qp.add_boolean_prefix("speaker", entity_field({"XSP"}, EntityType::Person), false);
    // A document has many persons, places, tags…: two filters of one field must both hold (Xapian's
    // default, for fields of one value a document, ORs them). A document has one date, so date: ORs.
    std::string bad_date;
    qp.add_boolean_prefix("date", (new DateField(db, bad_date))->release());
    qp.add_rangeprocessor((new DateRange(db, bad_date))->release());
    qp.add_prefix("gzentity", (new EntityWordField(entity_words, analyzer))->release());
    qp.add_prefix("exact", (new ExactField(exact_values, analyzer))->release());
    qp.add_prefix("gzfield", (new FieldWordsField(field_words))->release());
    const unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
                           Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_PURE_NOT;
    const auto fail_on_bad_date = [&] {
      if (!bad_date.empty())
        throw Error(ErrorCode::BadQuery, "parsing the query: " + bad_date, "check the query syntax (docs/cli.md)");
    };
    const Xapian::Query own = translate_xapian_errors("parsing the query", [&] { return qp.parse_query(rewritten, flags); });
    fail_on_bad_date();
    if (req.mode != SearchMode::Quotes || own.empty()) return own;
    // Quotes: bare words may also be found in the words just before a quote (XC, see add_quote_context) —
    // the question it answers — but a quote that says them itself ranks first.
    // Stop words aren't indexed in the context (schema::is_stop_word): the parser leaves them out of its
    // AND groups here, so "il n'y avait aucune raison" looks for aucune and raison before the quote.
    Xapian::SimpleStopper stopper;
    for (const std::string& w : schema::stop_words()) stopper.add(w);
    qp.set_stopper(&stopper);
    const Xapian::Query context = translate_xapian_errors(
        "parsing the query", [&] { return qp.parse_query(rewritten, flags, "XC"); });
    qp.set_stopper(nullptr);
    // What the query excludes is excluded from both: in the context branch it only left out the quotes
    // whose context holds it, so a quote saying it came back ("Poutine NOT garanties").
    std::vector<Xapian::Query> excluded;
    collect_exclusions(own, excluded);
    const Xapian::Query either(Xapian::Query::OP_OR, own, Xapian::Query(Xapian::Query::OP_SCALE_WEIGHT, context, 0.2));
    if (excluded.empty()) return either;
    return Xapian::Query(Xapian::Query::OP_AND_NOT, either,
                         Xapian::Query(Xapian::Query::OP_OR, excluded.begin(), excluded.end()));
  }

  SearchResult run(const SearchRequest& req) {
    std::vector<EntityWord> entity_words;
    std::vector<std::string> exact_values, quote_phrases;
    Xapian::Query parsed = parse(req, entity_words, exact_values, quote_phrases);
    const std::string kind(req.mode == SearchMode::Quotes ? schema::kKindQuote : schema::kKindArticle);
    // A blank query lists everything; a query whose parts matched nothing (MatchNothing is "empty" to
    // Xapian too) must list nothing.
    const bool blank = is_blank(req.query);
    Xapian::Query query = blank            ? Xapian::Query(kind)
                          : parsed.empty() ? Xapian::Query::MatchNothing
                                           : Xapian::Query(Xapian::Query::OP_FILTER, parsed, Xapian::Query(kind));

    SearchResult result;
    result.notes = open_notes;
    result.query = req.query;
    result.mode = req.mode == SearchMode::Quotes ? "quotes" : "articles";

    Xapian::Enquire enquire(db);
    enquire.set_query(query);
    const Xapian::valueno date_slot =
        schema::slot(req.mode == SearchMode::Quotes ? schema::quote_slot(Slot::Date) : Slot::Date);
    // The date slot ends with each document's rank key (schema::rank_key), so each order is total: equal
    // scores rank newest first, then by rank key; equal dates by rank key.
    if (req.sort == SortOrder::Relevance) enquire.set_sort_by_relevance_then_value(date_slot, true);
    if (req.sort == SortOrder::Newest) enquire.set_sort_by_value_then_relevance(date_slot, true);
    if (req.sort == SortOrder::Oldest) enquire.set_sort_by_value_then_relevance(date_slot, false);
    if (req.mode == SearchMode::Quotes && req.dedup) enquire.set_collapse_key(schema::slot(Slot::QuoteFingerprint));

    std::vector<FacetSpec> specs;
    const bool distinct_quotes = req.mode == SearchMode::Quotes && req.dedup;
    bool want_topics = false;
    if (req.mode == SearchMode::Quotes) note_article_only_fields(req.query, result.notes);
    for (const auto& name : req.facets) {
      if (name == "topic") {
        want_topics = true;
        continue;
      }
      FacetSpec spec = facet_spec(name, req.mode);
      if (spec.multi && remote) {
        result.notes.push_back("facet '" + name + "' is not available over remote shards (it needs Gazette's own "
                               "match spy, which xapian-tcpsrv can't run)");
        continue;
      }
      specs.push_back(spec);
      if (distinct_quotes && remote)
        result.notes.push_back("facet '" + name + "' counts every reprint of a quote over remote shards (counting "
                               "distinct quotes needs Gazette's own match spy, which xapian-tcpsrv can't run)");
    }
    // Over remote shards only Xapian's own spy can count (single-valued slots), inside the match.
    std::unique_ptr<MatchRecorder> recorder;
    std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> remote_spies;
    const bool one_database = db.size() == 1;
    // Quotes with de-duplication are recorded even without a facet, for their total: collapsing, Xapian
    // only estimates it, even after seeing every match (`gazette-query --quotes Hollande` on OrangeSum said
    // 4,000 for 746 distinct quotes, `France` 30,000 for 3,725), while the fingerprints of every match count it.
    if (!remote && (!specs.empty() || want_topics || distinct_quotes)) {
      std::vector<Xapian::valueno> slots;
      for (const FacetSpec& spec : specs) slots.push_back(schema::slot(spec.slot));
      if (distinct_quotes) slots.push_back(schema::slot(Slot::QuoteFingerprint));
      recorder = std::make_unique<MatchRecorder>(one_database, std::move(slots));
    } else if (remote) {
      for (const FacetSpec& spec : specs) {
        remote_spies.push_back(std::make_unique<Xapian::ValueCountMatchSpy>(schema::slot(spec.slot)));
        enquire.add_matchspy(remote_spies.back().get());
      }
    }
    // Over remote shards the fingerprints are counted by Xapian's own spy, which each xapian-tcpsrv runs
    // on every match before collapsing it: the same exact total and reprint counts as on local shards.
    std::unique_ptr<Xapian::ValueCountMatchSpy> remote_fingerprints;
    if (remote && distinct_quotes) {
      remote_fingerprints = std::make_unique<Xapian::ValueCountMatchSpy>(schema::slot(Slot::QuoteFingerprint));
      enquire.add_matchspy(remote_fingerprints.get());
    }
    // Over remote shards the spies count in a match of their own that ranks nothing, and the page is ranked
    // without them. Xapian 1.4 merges each server's counts into the spies, and then, merging the servers'
    // pages, hands again to them the candidates that rank below the page's last one (the check that skips
    // remote documents is on another branch of its loop): date:2016 sorted oldest counted 459 articles of
    // 2016 with -n 1 and 1,000 but 460 with -n 2 and 501 with -n 100. Without a page nothing is handed back.
    const bool counted_apart = remote && (!remote_spies.empty() || remote_fingerprints);
    // Facet counts must cover the whole match set, not just what Xapian needed to rank the first page.
    // Below a thousand matches the total is exact too, which costs little.
    const Xapian::doccount check_at_least =
        (specs.empty() && !recorder && !remote_fingerprints) || counted_apart
            ? static_cast<Xapian::doccount>(std::max<std::size_t>(req.offset + req.limit, 1000))
            : db.get_doccount();
    const auto page_end = static_cast<Xapian::doccount>(req.offset + req.limit);

    const facet_columns::Columns* columns_here = recorder && one_database ? columns_now() : nullptr;
    auto column = [&](Xapian::valueno slot) { return columns_here ? columns_here->find(slot) : nullptr; };
    MatchSet matches;
    std::vector<std::uint32_t> fingerprints;
    auto count_facet = [&](const Xapian::Database& source, std::size_t i) {
      const Xapian::valueno slot = schema::slot(specs[i].slot);
      const bool chronological = specs[i].name == "year" || specs[i].name == "date" || specs[i].name == "month";
      const std::size_t limit = chronological ? 1000 : req.facet_limit;
      const schema::FacetGroupKey group_key = schema::facet_group_key(specs[i].slot);
      if (!recorder) {
        std::vector<std::pair<std::string, Xapian::doccount>> values;
        for (auto it = remote_spies[i]->values_begin(); it != remote_spies[i]->values_end(); ++it)
          values.emplace_back(*it, it.get_termfreq());
        return top_values(merged_by_key(values, group_key), limit, chronological);
      }
      if (distinct_quotes)
        return count_distinct_quotes(source, slot, matches, specs[i].multi, group_key, column(slot), fingerprints,
                                     limit, chronological);
      return count_values(source, slot, matches, specs[i].multi, group_key, column(slot), limit, chronological);
    };
    std::vector<std::vector<FacetValue>> counted(specs.size());
    const bool all_in_columns = std::all_of(specs.begin(), specs.end(), [&](const FacetSpec& spec) {
      return usable(column(schema::slot(spec.slot)), spec.multi) != nullptr;
    });
    // Counting from columns reads only the mapped file and the matches, never the database, so any thread
    // may take the next facet of this list: the one that recorded the matches aside as soon as it is done
    // (ranking the page takes longer: France on OrangeSum ×10, 22 ms against 13), then two threads after
    // the match (see below).
    std::atomic<std::size_t> next_facet{0};
    const auto count_from_columns = [&](const std::atomic<bool>* stop) {
      while (stop == nullptr || !stop->load()) {
        const std::size_t i = next_facet++;
        if (i >= specs.size()) return;
        counted[i] = count_facet(db, i);
      }
    };
    // Distinct quotes are counted by fingerprint, so a thread that counts beside the ranking needs that
    // column too: numbering the fingerprints from their value stream would read the database.
    const facet_columns::Column* fingerprint_column =
        distinct_quotes ? usable(column(schema::slot(Slot::QuoteFingerprint)), false) : nullptr;
    bool fingerprints_read = false;
    const bool count_while_ranking =
        recorder && all_in_columns && !specs.empty() && (!distinct_quotes || fingerprint_column != nullptr);
    const auto after_recording = [&](MatchRecorder& done, const std::atomic<bool>& ranked) {
      matches = done.take();
      if (!count_while_ranking) return;
      if (distinct_quotes) {
        fingerprints = fingerprint_numbers(db, matches, fingerprint_column);  // the column only, not `db`
        fingerprints_read = true;
      }
      count_from_columns(&ranked);
    };

    Xapian::MSet mset;
    std::optional<std::vector<Topic>> topics_picked;
    const auto pick = [&] {
      if (!topics_picked) topics_picked = pick_topics(enquire, mset, parsed, req.facet_limit);
    };
    const auto after_ranking = [&] {
      if (want_topics) pick();
    };
    const bool recorded_aside =
        recorder && one_local_database() && std::thread::hardware_concurrency() > 1 &&
        rank_while_recording_aside(enquire, query, page_end, distinct_quotes && !specs.empty(), *recorder, mset,
                                   after_recording, after_ranking);
    if (recorded_aside) {
      result.total = matches.weights.size();  // distinct quotes: counted below, once their fingerprints are read
    } else {
      if (recorder) enquire.add_matchspy(recorder.get());
      if (counted_apart) {
        enquire.get_mset(0, 0, db.get_doccount());
        enquire.clear_matchspies();
      }
      mset = enquire.get_mset(0, page_end, check_at_least);
      // pick_topics() may run the query again for its first 20 documents, which the recorder must not note
      // twice.
      enquire.clear_matchspies();
      result.total = mset.get_matches_estimated();
      if (!specs.empty() || req.mode == SearchMode::Quotes) result.total = std::max<std::uint64_t>(
          mset.get_matches_lower_bound(), std::min<std::uint64_t>(result.total, mset.get_matches_upper_bound()));
      // The page's match stopped early: the spies saw every match (distinct quotes are counted below).
      if (!remote_spies.empty()) result.total = remote_spies.front()->get_total();
      // Every match was seen (recorded, or counted by the remote spies), or Xapian's bounds meet.
      result.total_exact = recorder || !specs.empty() || remote_fingerprints ||
                           mset.get_matches_lower_bound() == mset.get_matches_upper_bound();
    }

    if (recorder && !recorded_aside) matches = recorder->take();
    if (recorder && distinct_quotes && !fingerprints_read)
      fingerprints = fingerprint_numbers(db, matches, column(schema::slot(Slot::QuoteFingerprint)));
    // The total of distinct quotes, and each hit's reprints: the ranking beside the recording collapsed
    // only as far as the page needed, so its collapse counts are lower bounds.
    std::vector<std::uint32_t> reprints;  // by fingerprint number, 0 = none
    std::unordered_map<std::string, Xapian::doccount> remote_reprints;  // by fingerprint
    if (remote_fingerprints) {
      Xapian::doccount fingerprinted = 0;
      for (auto it = remote_fingerprints->values_begin(); it != remote_fingerprints->values_end(); ++it) {
        remote_reprints.emplace(*it, it.get_termfreq());
        fingerprinted += it.get_termfreq();
      }
      // A quote without a fingerprint is never collapsed.
      result.total = remote_reprints.size() + (remote_fingerprints->get_total() - fingerprinted);
    }
    if (recorder && distinct_quotes) {
      for (const std::uint32_t f : fingerprints) {
        if (f >= reprints.size()) reprints.resize(std::size_t{f} + 1);
        ++reprints[f];
      }
      result.total = reprints.empty() ? 0 : reprints[0];  // a quote without a fingerprint is never collapsed
      for (std::size_t f = 1; f < reprints.size(); ++f) result.total += reprints[f] != 0;
    }
    // Without facet columns, each facet is one pass over its own value stream, so with a large match set a
    // second core takes half of them, through a database handle of its own (a Xapian::Database must not be
    // shared between threads), and only if that handle sees the same revision. Worth it from three passes
    // (topics count as one, run here afterwards): opening the handle costs about what a single-valued
    // facet's pass does. With topics to come here, the helper takes the larger half. Counting from columns
    // costs less than opening the handle.
    const std::size_t first_helped = want_topics ? 0 : 1;
    const bool helping = recorder && one_local_database() && !all_in_columns &&
                         specs.size() + (want_topics ? 1 : 0) >= 3 && matches.ids.size() >= req.parallel_facet_matches &&
                         std::thread::hardware_concurrency() > 1;
    auto helped = [&](std::size_t i) { return helping && i % 2 == first_helped; };
    const auto count_here = [&] {
      for (std::size_t i = 0; i < specs.size(); ++i)
        if (!helped(i)) counted[i] = count_facet(db, i);
    };
    const auto count_helped = [&](const Xapian::Database& source) {
      for (std::size_t i = first_helped; i < specs.size(); i += 2) counted[i] = count_facet(source, i);
    };
    const auto find_topics = [&] {
      pick();
      return count_topics(*topics_picked, query, recorder && one_database ? &matches.ids : nullptr);
    };
    // What is left of the column facets: with a large match set, a second thread takes them from the same
    // list as this one, which counts the topics first (they read the database); no second handle is needed.
    // France's five entity and year facets on OrangeSum ×10 took 17 ms on one core with format-1 columns.
    std::optional<Facet> topic;
    if (count_while_ranking) {
      const bool two_threads = specs.size() + (want_topics ? 1 : 0) >= 2 &&
                               matches.ids.size() >= req.parallel_facet_matches &&
                               std::thread::hardware_concurrency() > 1;
      if (!two_threads) {
        count_from_columns(nullptr);
      } else {
        in_parallel([&] { count_from_columns(nullptr); },
                    [&] {
                      if (want_topics) topic = find_topics();
                      count_from_columns(nullptr);
                    });
      }
    } else if (!helping) {
      count_here();
    } else if (!alongside(count_helped, count_here)) {
      count_helped(db);
    }
    for (std::size_t i = 0; i < specs.size(); ++i) result.facets.push_back({specs[i].name, std::move(counted[i])});
    if (want_topics) result.facets.push_back(topic ? std::move(*topic) : find_topics());

    const QueryTerms qt = collect_terms(parsed);
    ArticleCache articles;
    for (Xapian::doccount i = static_cast<Xapian::doccount>(req.offset); i < mset.size(); ++i) {
      const Xapian::MSetIterator hit = mset[i];
      result.hits.push_back(make_hit(hit, qt, req, articles));
      if (remote_fingerprints) {
        const auto at = remote_reprints.find(hit.get_document().get_value(schema::slot(Slot::QuoteFingerprint)));
        result.hits.back().duplicates = at == remote_reprints.end() ? 0 : at->second - 1;
      }
      if (!reprints.empty()) {
        const auto at = std::lower_bound(matches.ids.begin(), matches.ids.end(), *hit);
        if (at == matches.ids.end() || *at != *hit) continue;
        const std::uint32_t f = fingerprints[matches.seen_at[static_cast<std::size_t>(at - matches.ids.begin())]];
        result.hits.back().duplicates = f == 0 ? 0 : reprints[f] - 1;
      }
    }

    if (result.hits.size() < 3 && !parsed.empty()) {
      // Spelling correction "corrects" real words to frequent ones, so it is only offered, never applied.
      Xapian::QueryParser qp;
      qp.set_database(db);
      qp.parse_query(analyzer.normalize_query(req.query), Xapian::QueryParser::FLAG_SPELLING_CORRECTION);
      result.corrected_query = qp.get_corrected_query_string();
    }
    return result;
  }

  // Every match must be seen for the facets, but the page needs only the top of the ranking. So a second
  // thread records the matches, unweighted (BoolWeight reads no document lengths), through a database handle
  // of its own (a Xapian::Database must not be shared between threads) at the same revision, while this one
  // ranks the page. On OrangeSum ×10, France's page ranked in 17 ms, while seeing every match took 35 with
  // BM25 and 21 with BoolWeight. The query goes across serialised: a Xapian::Query's reference counts are
  // not atomic either. False when the handle sees another revision or the query can't be serialised: the
  // caller then does both in one match. Quotes with de-duplication need each match's weight (`weighted`):
  // the recording then takes longer, but still runs beside the ranking.
  // `after_recording(recorder, ranked)` runs on the second thread once every match is recorded, with
  // `ranked` turning true when this thread is free: time to stop taking more work. `after_ranking()` runs on
  // this thread once it has the page, while the recording may still go on (France on OrangeSum ×10: the page
  // in 17 ms, every match in 24).
  template <typename AfterRecording, typename AfterRanking>
  bool rank_while_recording_aside(Xapian::Enquire& enquire, const Xapian::Query& query, Xapian::doccount page_end,
                                  bool weighted, MatchRecorder& recorder, Xapian::MSet& mset,
                                  AfterRecording&& after_recording, AfterRanking&& after_ranking) {
    std::string serialised;
    try {
      serialised = query.serialise();
    } catch (const Xapian::Error&) {
      return false;
    }
    // Declined before the match: the recorder is still empty.
    std::atomic<bool> ranked{false};
    return alongside(
        [&](const Xapian::Database& second) {
          Xapian::Enquire all(second);
          all.set_query(Xapian::Query::unserialise(serialised));
          // `weighted`: the same weights as the ranking (both enquires use Xapian's default, BM25).
          if (!weighted) all.set_weighting_scheme(Xapian::BoolWeight());
          all.add_matchspy(&recorder);
          all.get_mset(0, 0, second.get_doccount());
          after_recording(recorder, ranked);
        },
        [&] {
          mset = enquire.get_mset(0, page_end, std::max<Xapian::doccount>(page_end, 1000));
          after_ranking();
          ranked = true;
        });
  }

  // A quote document holds no data of its own (schema 3): its quote is one of its article's, found by the
  // index in its unique id ("<article id>#q<n>"). Quote hits of one page often share an article, so the
  // page keeps the articles it has read.
  using ArticleCache = std::map<std::string, nlohmann::json>;
  // An article's stored data by id, or null when no article has it.
  nlohmann::json read_article(const std::string& id) {
    const std::string term = schema::safe_term("Q", id);
    Xapian::PostingIterator p = db.postlist_begin(term);
    if (p == db.postlist_end(term)) return nullptr;
    return nlohmann::json::parse(db.get_document(*p).get_data(), nullptr, false);
  }

  const nlohmann::json& article_data(const std::string& article_id, ArticleCache& cache) {
    auto it = cache.find(article_id);
    if (it != cache.end()) return it->second;
    return cache.emplace(article_id, read_article(article_id)).first->second;
  }

  Hit make_quote_hit(const Xapian::MSetIterator& it, const QueryTerms& qt, ArticleCache& articles) {
    const Xapian::Document doc = it.get_document();
    Hit h;
    h.score = it.get_weight();
    Xapian::TermIterator t = doc.termlist_begin();
    t.skip_to("Q");
    if (t != doc.termlist_end() && (*t)[0] == 'Q') h.id = (*t).substr(1);
    t.skip_to("XAID");
    if (t != doc.termlist_end() && (*t).rfind("XAID", 0) == 0) h.article_id = (*t).substr(4);
    if (it.get_collapse_count() > 0) h.duplicates = it.get_collapse_count();
    const std::size_t mark = h.id.rfind("#q");
    const nlohmann::json& article = article_data(h.article_id, articles);
    if (mark == std::string::npos || !article.is_object()) return h;
    const std::size_t index = std::strtoul(h.id.c_str() + mark + 2, nullptr, 10);
    const auto str = string_field;
    h.date = str(article, "date");
    h.source = str(article, "source");
    h.url = str(article, "url");
    h.title = str(article, "title");
    if (h.title.empty()) h.title = first_words(str(article, "text"), article.value("body_start", 0u), 12);
    const nlohmann::json* quotes = article.contains("quotes") ? &article["quotes"] : nullptr;
    if (quotes == nullptr || !quotes->is_array() || index >= quotes->size()) return h;
    const nlohmann::json& quote = (*quotes)[index];
    h.speaker = str(quote, "speaker");
    h.kind = str(quote, "kind");
    h.quote_text = str(quote, "text");
    h.snippet = make_snippet(h.quote_text, 0, qt, analyzer, {}, 1000);
    return h;
  }

  Hit make_hit(const Xapian::MSetIterator& it, const QueryTerms& qt, const SearchRequest& req, ArticleCache& articles) {
    if (req.mode == SearchMode::Quotes) return make_quote_hit(it, qt, articles);
    const Xapian::Document doc = it.get_document();
    const nlohmann::json data = nlohmann::json::parse(doc.get_data(), nullptr, false);
    Hit h;
    h.score = it.get_weight();
    if (data.is_discarded()) return h;
    auto str = [&](const char* k) { return string_field(data, k); };
    h.date = str("date");
    h.source = str("source");
    h.url = str("url");
    h.id = str("id");
    h.title = str("title");
    const std::string text = str("text");
    const std::size_t body_start = data.value("body_start", 0u);
    if (h.title.empty()) h.title = first_words(text, body_start, 12);
    std::vector<std::pair<std::uint32_t, std::uint32_t>> entity_spans;
    if (!qt.entity_keys.empty() && data.contains("entities"))
      for (const auto& e : data["entities"])
        if (qt.entity_keys.count(e.value("key", "")))
          entity_spans.emplace_back(e.value("start", 0u), e.value("end", 0u));
    h.snippet = make_snippet(text, body_start, qt, analyzer, entity_spans, req.snippet_words);
    return h;
  }

  // A topic: a term and the word shown for it.
  struct Topic {
    std::string term, shown;
  };

  // The topics of a match set, best first, up to `limit`: they need only the top of the ranking, so with the
  // matches recorded aside they are picked while the recording goes on (count_topics needs every match).
  std::vector<Topic> pick_topics(Xapian::Enquire& enquire, const Xapian::MSet& mset, const Xapian::Query& parsed,
                                 std::size_t limit) {
    std::vector<Topic> picked;
    // The top of the match set stands for it: Xapian's expand picks the terms that best tell it apart.
    Xapian::RSet rset;
    Xapian::MSet top = mset.size() >= 20 ? mset : enquire.get_mset(0, 20);
    for (auto it = top.begin(); it != top.end(); ++it) rset.add_document(*it);
    if (rset.empty()) return picked;
    std::set<std::string> exclude;
    for (auto it = parsed.get_unique_terms_begin(); it != parsed.get_unique_terms_end(); ++it) exclude.insert(*it);
    // Words of entity names are facets of their own.
    std::unordered_map<std::string, std::string> display;  // folded → accented form seen in these articles
    for (auto it = top.begin(); it != top.end(); ++it) {
      const Xapian::Document doc = it.get_document();
      for (Slot entity : {Slot::Persons, Slot::Organisations, Slot::Places, Slot::Speakers, Slot::QuoteSpeaker,
                          Slot::QuotePersons, Slot::QuoteOrganisations, Slot::QuotePlaces})
        for (const Token& t : analyzer.tokenize(doc.get_value(schema::slot(entity)))) exclude.insert(t.folded);
      // Term lists are sorted, so the E terms are one run: skip to it rather than read an article's thousands.
      auto t = doc.termlist_begin();
      for (t.skip_to("E"); t != doc.termlist_end() && (*t)[0] == 'E'; ++t) {
        const std::string lower = (*t).substr(1);
        display.emplace(analyzer.fold(lower), lower);
      }
    }
    const double articles = db.get_termfreq(std::string(schema::kKindArticle));
    class Decider : public Xapian::ExpandDecider {
     public:
      Decider(const std::set<std::string>& ex, const std::unordered_map<std::string, std::string>& accented)
          : ex_(ex), accented_(accented) {}
      bool operator()(const std::string& term) const override {
        if (term.size() < 3 || ex_.count(term)) return false;
        const unsigned char c = static_cast<unsigned char>(term[0]);
        if (!(std::islower(c) || c >= 0x80)) return false;  // prefixed terms
        if (std::any_of(term.begin(), term.end(), [](char ch) { return std::isdigit(static_cast<unsigned char>(ch)); }))
          return false;
        // Grammar words and "a déclaré, a ajouté" say nothing about what an article is about.
        if (schema::is_stop_word(term) || quotes::SpeechVerbs::shipped().find(term)) return false;
        const auto a = accented_.find(term);
        return a == accented_.end() || !quotes::SpeechVerbs::shipped().find(a->second);
      }

     private:
      const std::set<std::string>& ex_;
      const std::unordered_map<std::string, std::string>& accented_;
    } decider(exclude, display);
    // Nor does a word in more than a fifth of all articles (stop words the list lacks: plus, cette, ils…). That
    // is checked on the best terms only, not in the decider: Xapian asks the decider about every word of the
    // 20 articles, and a term frequency is a B-tree look-up. An expand weight depends on the term alone, so
    // the best `wanted` terms that pass are the ones an ESet of passing terms only would hold, once the ESet
    // asked for is large enough to have them: it is asked for twice as many, then more if needed.
    const auto common = [&](const std::string& term) { return db.get_termfreq(term) >= articles * 0.2; };
    const auto wanted = static_cast<Xapian::termcount>(limit * 2);
    std::vector<std::string> best;
    for (Xapian::termcount asked = wanted * 2;; asked *= 2) {
      // Over several databases Xapian weighs each term with its frequency in the database it was met in,
      // scaled, unless told to add them up: the shards then listed other topics than one database.
      const Xapian::ESet eset =
          enquire.get_eset(asked, rset, db.size() > 1 ? Xapian::Enquire::USE_EXACT_TERMFREQ : 0, &decider);
      best.clear();
      for (auto it = eset.begin(); it != eset.end() && best.size() < wanted; ++it)
        if (!common(*it)) best.push_back(*it);
      if (best.size() == wanted || eset.size() < asked) break;
    }
    // One word per stem ("russe", "russes"), and none sharing a stem with the query ("sanctionner").
    std::set<std::string> stems_seen;
    for (const std::string& t : exclude) {
      if (!t.empty() && t[0] == 'Z') stems_seen.insert(t.substr(1));
      else if (!t.empty() && (std::islower(static_cast<unsigned char>(t[0])) || static_cast<unsigned char>(t[0]) >= 0x80))
        stems_seen.insert(analyzer.stem(t));
    }
    for (auto it = best.begin(); it != best.end() && picked.size() < limit; ++it) {
      if (!stems_seen.insert(analyzer.stem(*it)).second) continue;
      const auto d = display.find(*it);
      picked.push_back({*it, d != display.end() ? d->second : *it});
    }
    return picked;
  }

  // Each topic counts the matching documents that contain it, like every other facet. `matches`: every
  // match's docid, ascending, when the match was recorded on one local database; else `filtered` is run
  // again with each topic.
  Facet count_topics(const std::vector<Topic>& picked, const Xapian::Query& filtered,
                     const std::vector<Xapian::docid>* matches) {
    Facet f{"topic", {}};
    for (const Topic& topic : picked) {
      std::uint64_t count = 0;
      if (matches) {
        count = count_with_term(db, topic.term, *matches);
      } else {
        Xapian::Enquire counter(db);
        counter.set_query(Xapian::Query(Xapian::Query::OP_FILTER, filtered, Xapian::Query(topic.term)));
        count = counter.get_mset(0, 0, db.get_doccount()).get_matches_estimated();
      }
      f.values.push_back({topic.shown, count});
    }
    std::stable_sort(f.values.begin(), f.values.end(), [](auto& a, auto& b) { return a.count > b.count; });
    return f;
  }
};

namespace {

// A reader fails when a writer has committed twice while it read: the blocks of its revision may be reused.
// Xapian then says DatabaseModifiedError, or, when the reused block is met half-way down a B-tree (often in
// reopen()), DatabaseCorruptError ("Expected block 87 to be level 1, not 0"). Either way the reader reopens
// and tries again: many times for the first, since a slow reader (a loaded machine, a sanitizer build)
// against a writer that commits small batches can lose several times in a row, a little later each time so
// that it falls out of step with the commits; a few times for the second, since real corruption stays.
// `reset` runs before every new attempt.
template <class Reset, class F>
auto retry_raced(Reset&& reset, const std::string& what, F&& f) {
  constexpr int kAttempts = 40;
  constexpr int kCorruptAttempts = 4;
  int corrupt = 0;
  for (int attempt = 0;; ++attempt) {
    try {
      if (attempt > 0) reset();
      return translate_xapian_errors(what, f);
    } catch (const Error& e) {
      const bool raced = e.code() == ErrorCode::DatabaseModified ||
                         (e.code() == ErrorCode::DatabaseCorrupt && ++corrupt < kCorruptAttempts);
      if (!raced || attempt + 1 >= kAttempts) throw;
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(attempt, 20)));
    }
  }
}

template <class F>
auto retry_when_modified(Xapian::Database& db, const std::string& what, F&& f) {
  return retry_raced([&] { translate_xapian_errors("reopening the database", [&] { return db.reopen(); }); }, what,
                     std::forward<F>(f));
}

}  // namespace

Searcher::Searcher(const std::vector<std::string>& db_paths) : impl_(std::make_unique<Impl>()) {
  impl_->paths = db_paths;
  // Opening reads the newest revision's root blocks, and a commit at that moment is met as in a search:
  // nightly_readers_test saw "Expected block 483 to be level 1, not 0" from a fresh Searcher.
  retry_raced([] {}, "opening the database", [&] {
    impl_->open();
    return 0;
  });
}

Searcher::~Searcher() = default;

SearchResult Searcher::search(const SearchRequest& request) {
  // A long-lived searcher (the web server) sees the nightly run's commits from the next query on; reopen()
  // costs a revision check when nothing changed.
  return retry_when_modified(impl_->db, "searching", [&] {
    impl_->db.reopen();
    return impl_->run(request);
  });
}

nlohmann::json Searcher::article(const std::string& id) {
  return retry_when_modified(impl_->db, "reading article " + id, [&] {
    impl_->db.reopen();
    return impl_->read_article(id);
  });
}

nlohmann::json to_json(const SearchResult& r) {
  auto snippet_html = [](const Snippet& s) {
    // HTML-escaped, matches in <mark>: safe to put in a page as is, and easy to strip for plain text.
    std::string out;
    std::size_t pos = 0;
    auto esc = [&](std::size_t a, std::size_t b) {
      for (std::size_t i = a; i < b; ++i) {
        switch (s.text[i]) {
          case '<': out += "&lt;"; break;
          case '>': out += "&gt;"; break;
          case '&': out += "&amp;"; break;
          case '"': out += "&quot;"; break;
          default: out += s.text[i];
        }
      }
    };
    for (const auto& [a, b] : s.highlights) {
      esc(pos, a);
      out += "<mark>";
      esc(a, b);
      out += "</mark>";
      pos = b;
    }
    esc(pos, s.text.size());
    return out;
  };
  nlohmann::json j;
  j["query"] = r.query;
  j["mode"] = r.mode;
  j["total"] = r.total;
  j["total_exact"] = r.total_exact;
  nlohmann::json results = nlohmann::json::array();
  nlohmann::json quotes = nlohmann::json::array();
  for (const Hit& h : r.hits) {
    if (r.mode == "quotes") {
      quotes.push_back({{"id", h.id}, {"article_id", h.article_id},
                        {"speaker", h.speaker.empty() ? nlohmann::json(nullptr) : nlohmann::json(h.speaker)},
                        {"text", h.quote_text}, {"kind", h.kind}, {"date", h.date}, {"title", h.title},
                        {"source", h.source}, {"url", h.url}, {"score", h.score},
                        {"snippet", snippet_html(h.snippet)}, {"duplicates", h.duplicates}});
    } else {
      results.push_back({{"id", h.id}, {"title", h.title}, {"date", h.date}, {"source", h.source}, {"url", h.url},
                         {"score", h.score}, {"snippet", snippet_html(h.snippet)}});
    }
  }
  if (r.mode == "quotes")
    j["quotes"] = quotes;
  else
    j["results"] = results;
  nlohmann::json facets = nlohmann::json::object();
  for (const Facet& f : r.facets) {
    nlohmann::json values = nlohmann::json::array();
    for (const auto& v : f.values) values.push_back({{"value", v.value}, {"count", v.count}});
    facets[f.name] = values;
  }
  j["facets"] = facets;
  if (!r.notes.empty()) j["notes"] = r.notes;
  if (!r.corrected_query.empty()) j["did_you_mean"] = r.corrected_query;
  return j;
}

}  // namespace gazette
