#include "gazette/document.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string_view>

#include <nlohmann/json.hpp>

#include "gazette/schema.h"

namespace gazette {
namespace {

using schema::safe_term;
using schema::Slot;
using schema::slot;

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& v : values) {
    if (!out.empty()) out += schema::kListSeparator;
    out += v;
  }
  return out;
}

// FNV-1a, 64 bits: stable across builds and platforms, unlike std::hash.
struct Fnv1a {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  void add(std::string_view s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 0x100000001b3ULL;
    }
    h ^= 0xff;  // field separator, so ("ab","c") and ("a","bc") differ
    h *= 0x100000001b3ULL;
  }
};

// Adds the positional and stemmed terms of a token stream. Returns the next free position.
Xapian::termpos index_tokens(Xapian::Document& doc, const std::vector<Token>& tokens, const FrenchAnalyzer& analyzer,
                             std::string_view prefix, Xapian::termpos pos, bool with_exact) {
  // Built with append: GCC 12 at -O3 reports a false -Wrestrict on `"Z" + std::string(...)`.
  std::string stem_prefix(1, 'Z');
  stem_prefix.append(prefix);
  for (const Token& t : tokens) {
    if (t.folded.empty()) continue;
    doc.add_posting(safe_term(prefix, t.folded), pos++);
    doc.add_term(safe_term(stem_prefix, analyzer.stem(t.folded)));
    if (with_exact && t.lower != t.folded) doc.add_term(safe_term("E", t.lower));
  }
  return pos;
}

// The terms of a short field (author, source, section): its words with positions from 1, and their stems.
struct FieldTerms {
  std::vector<std::string> words;  // words[i] is at position i + 1
  std::vector<std::string> stems;

  void add_to(Xapian::Document& doc) const {
    for (std::size_t i = 0; i < words.size(); ++i) doc.add_posting(words[i], static_cast<Xapian::termpos>(i + 1));
    for (const std::string& stem : stems) doc.add_term(stem);
  }
};

FieldTerms plain_words(const FrenchAnalyzer& analyzer, std::string_view prefix, std::string_view text) {
  // With stems too: QueryParser's STEM_SOME looks up "Z" + prefix + stem for a lower-case value, so without
  // them author:dupont found nothing while author:Dupont worked.
  std::string stem_prefix(1, 'Z');
  stem_prefix.append(prefix);
  FieldTerms out;
  for (const Token& t : analyzer.tokenize(text)) {
    out.words.push_back(safe_term(prefix, t.folded));
    out.stems.push_back(safe_term(stem_prefix, analyzer.stem(t.folded)));
  }
  return out;
}

void index_plain_words(Xapian::Document& doc, const FrenchAnalyzer& analyzer, std::string_view prefix,
                       std::string_view text) {
  plain_words(analyzer, prefix, text).add_to(doc);
}

const char* entity_prefix(EntityType t) {
  switch (t) {
    case EntityType::Person: return "XP";
    case EntityType::Organisation: return "XO";
    case EntityType::Place: return "XL";
  }
  return "XP";
}

// The prefix of an entity of a quote's article in the quote document.
const char* article_entity_prefix(EntityType t) {
  switch (t) {
    case EntityType::Person: return "XAP";
    case EntityType::Organisation: return "XAO";
    case EntityType::Place: return "XAL";
  }
  return "XAP";
}

Slot entity_slot(EntityType t) {
  switch (t) {
    case EntityType::Person: return Slot::Persons;
    case EntityType::Organisation: return Slot::Organisations;
    case EntityType::Place: return Slot::Places;
  }
  return Slot::Persons;
}

// A quote document's values go to its own slots (schema::quote_slot).
// The date slot is the sort key of every document, dated or not (schema::rank_key); undated ones sort as the
// oldest, as a missing value did.
void add_date_values(Xapian::Document& doc, const std::string& date, bool quote, const std::string& unique_id) {
  const std::string key = date_sort_key(date);
  const auto in = [quote](Slot s) { return quote ? schema::quote_slot(s) : s; };
  doc.add_value(slot(in(Slot::Date)), (key.empty() ? std::string("00000000") : key) + schema::rank_key(unique_id));
  if (key.empty()) return;
  doc.add_value(slot(in(Slot::Year)), key.substr(0, 4));
  // Y, M and D terms make date ranges posting lists (search.cpp, date_query) instead of value scans.
  doc.add_boolean_term(std::string(1, 'Y').append(key, 0, 4));
  if (key.compare(4, 2, "00") == 0) return;
  doc.add_value(slot(in(Slot::Month)), key.substr(0, 4).append(1, '-').append(key, 4, 2));
  doc.add_boolean_term(std::string(1, 'M').append(key, 0, 6));
  if (key.compare(6, 2, "00") != 0) doc.add_boolean_term(std::string(1, 'D').append(key));
}

// The words just before a quote say what it is about when the quote itself doesn't: "Asked whether the new
// sanctions…, Ouchakov replied that there was no reason" → « il n'y avait aucune raison à cela ».
// Without positions, under their own prefix, so they widen quote search without counting as the quote's text.
constexpr std::size_t kQuoteContextWords = 30;

// Adds a quote's context words from [first, last), the tokens of the text just before it. `cut_at` is where that
// window was cut out of the text (std::string::npos when it starts with the text): a token starting there may be
// the tail of a word.
void add_context_words(Xapian::Document& qdoc, const FrenchAnalyzer& analyzer, const Token* first, const Token* last,
                       std::size_t cut_at) {
  if (static_cast<std::size_t>(last - first) > kQuoteContextWords) first = last - kQuoteContextWords;
  else if (first != last && first->start == cut_at) ++first;
  for (; first != last; ++first) {
    if (schema::is_stop_word(first->folded)) continue;
    // The context is searched with STEM_SOME: lower-case query words as ZXC stems, capitalised ones
    // (names) as XC words. So only capitalised words need their XC term, which saves most of them: the
    // context was as many terms as the article body again (measured 14 % of indexing time).
    if (first->capitalised) qdoc.add_term(safe_term("XC", first->folded));
    qdoc.add_term(safe_term("ZXC", analyzer.stem(first->folded)));
  }
}

// `body_tokens` are the article's body tokens (offsets in `text`, which its body starts at `body_start`). A window
// inside the body takes its words from them: tokenizing 400 bytes again for each quote cost as much as
// tokenizing the body itself. A window reaching into a .txt header is tokenized on its own.
void add_quote_context(Xapian::Document& qdoc, const FrenchAnalyzer& analyzer, std::string_view text,
                       std::size_t body_start, const std::vector<Token>& body_tokens, std::size_t quote_start) {
  quote_start = std::min(quote_start, text.size());
  std::size_t from = quote_start > 400 ? quote_start - 400 : 0;
  while (from < quote_start && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80) ++from;  // UTF-8 start
  if (from >= body_start) {
    const auto first = std::lower_bound(body_tokens.begin(), body_tokens.end(), from,
                                        [](const Token& t, std::size_t at) { return t.start < at; });
    auto last = first;
    while (last != body_tokens.end() && last->end <= quote_start) ++last;
    add_context_words(qdoc, analyzer, std::to_address(first), std::to_address(last),
                      from > 0 ? from : std::string::npos);
    return;
  }
  const std::vector<Token> before = analyzer.tokenize(text.substr(from, quote_start - from));
  add_context_words(qdoc, analyzer, before.data(), before.data() + before.size(), from > 0 ? 0 : std::string::npos);
}

// « gilets jaunes », « lignes rouges »: a few words in quote marks that nobody is said to have said are
// mostly terms and titles, a quarter of all quotes in news text. They stay quotes of their article (marked,
// searchable with quote:, listed in its data) but get no quote document of their own: quote mode lists what
// people said, and each such document cost as much to write as a real quote (its context words).
constexpr std::size_t kFragmentWords = 3;

bool is_unattributed_fragment(const Quote& q, std::size_t words) {
  return q.speaker_key.empty() && q.kind == QuoteKind::Partial && words <= kFragmentWords;
}

nlohmann::json quote_json(const Quote& q) {
  return {{"text", q.text},     {"kind", quote_kind_name(q.kind)},
          {"speaker", q.speaker.empty() ? nlohmann::json(nullptr) : nlohmann::json(q.speaker)},
          {"speaker_mention", q.speaker_mention},
          {"cue", q.cue},       {"confidence", q.confidence},
          {"start", q.start},   {"end", q.end}};
}

nlohmann::json entities_to_json(const std::vector<Mention>& entities) {
  nlohmann::json out = nlohmann::json::array();
  for (const Mention& m : entities)
    out.push_back({{"type", entity_type_code(m.type)}, {"text", m.text}, {"start", m.start}, {"end", m.end},
                   {"canonical", m.canonical}, {"key", m.key}});
  return out;
}

}  // namespace

nlohmann::json extraction_json(const Article& article, const Analysis& analysis) {
  nlohmann::json quotes = nlohmann::json::array();
  for (const Quote& q : analysis.quotes) quotes.push_back(quote_json(q));
  return {{"id", article.id},   {"title", article.title}, {"date", article.date},
          {"source", article.source}, {"url", article.url}, {"text", article.text},
          {"entities", entities_to_json(analysis.entities)}, {"quotes", quotes}};
}

Analysis ArticleAnalyser::analyse(const Article& article) const {
  Analysis a;
  a.title_tokens = analyzer_.tokenize(article.title);
  const std::string_view body = std::string_view(article.text).substr(article.body_start);
  a.body_tokens = analyzer_.tokenize(body);
  for (Token& t : a.body_tokens) {
    t.start += article.body_start;
    t.end += article.body_start;
  }
  if (tagger_) a.entities = tagger_->tag(article.text);
  a.quotes = extract_quotes(article.text, a.entities);
  return a;
}

std::string date_sort_key(const std::string& iso) {
  // Accepts exactly what readers produce; anything else is treated as no date rather than guessed.
  auto digits = [&](std::size_t from, std::size_t n) {
    if (iso.size() < from + n) return false;
    return std::all_of(iso.begin() + from, iso.begin() + from + n, [](char c) { return c >= '0' && c <= '9'; });
  };
  if (iso.size() == 4 && digits(0, 4)) return iso + "0000";
  if (iso.size() == 7 && digits(0, 4) && iso[4] == '-' && digits(5, 2)) return iso.substr(0, 4) + iso.substr(5, 2) + "00";
  if (iso.size() >= 10 && digits(0, 4) && iso[4] == '-' && digits(5, 2) && iso[7] == '-' && digits(8, 2))
    return iso.substr(0, 4) + iso.substr(5, 2) + iso.substr(8, 2);
  return {};
}

std::string content_hash(const Article& a) {
  Fnv1a h;
  h.add(std::to_string(schema::kVersion));
  h.add(std::to_string(FrenchAnalyzer::kVersion));
  h.add(std::to_string(kDocumentVersion));
  for (const std::string* s : {&a.id, &a.title, &a.date, &a.source, &a.url, &a.section, &a.text}) h.add(*s);
  for (const auto& s : a.authors) h.add(s);
  h.add("|");
  for (const auto& s : a.tags) h.add(s);
  h.add(std::to_string(a.body_start));
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h.h));
  return buf;
}

// A file the readers read ends in one of their extensions, so a ":digits" ending is always a row's line.
std::string origin_file(const std::string& origin) {
  const std::size_t colon = origin.find_last_of(':');
  if (colon == std::string::npos || colon + 1 == origin.size() ||
      !std::all_of(origin.begin() + static_cast<std::ptrdiff_t>(colon + 1), origin.end(),
                   [](char c) { return c >= '0' && c <= '9'; }))
    return origin;
  return origin.substr(0, colon);
}

std::string quote_unique_id(const std::string& article_id, std::size_t index) {
  return article_id + "#q" + std::to_string(index);
}

ArticleDocuments build_documents(const Article& article, const Analysis& analysis, const FrenchAnalyzer& analyzer,
                                 const std::string& hash) {
  ArticleDocuments out;
  Xapian::Document& doc = out.article;
  doc.add_boolean_term(safe_term("Q", article.id));
  doc.add_boolean_term(std::string(schema::kKindArticle));

  Xapian::termpos pos = 1;
  pos = index_tokens(doc, analysis.title_tokens, analyzer, "", pos, true);
  index_tokens(doc, analysis.title_tokens, analyzer, "S", 1, false);
  pos += schema::kFieldGap;
  index_tokens(doc, analysis.body_tokens, analyzer, "", pos, true);

  for (const auto& author : article.authors) index_plain_words(doc, analyzer, "A", author);
  const FieldTerms source_terms = plain_words(analyzer, "XSRC", article.source);
  const FieldTerms section_terms = plain_words(analyzer, "XSEC", article.section);
  source_terms.add_to(doc);
  section_terms.add_to(doc);
  if (!article.source.empty()) doc.add_value(slot(Slot::Source), article.source);
  if (!article.section.empty()) doc.add_value(slot(Slot::Section), article.section);
  for (const auto& tag : article.tags) doc.add_boolean_term(safe_term("XTAG", analyzer.fold(tag)));
  if (!article.tags.empty()) doc.add_value(slot(Slot::Tags), joined(article.tags));
  add_date_values(doc, article.date, false, article.id);
  doc.add_value(slot(Slot::ContentHash), hash);
  doc.add_value(slot(Slot::OriginFile), origin_file(article.origin));

  // Entities: one weighted term per identity (wdf = mentions, so an article about someone outranks a passing
  // mention), and the distinct canonical names per type for facets.
  std::map<EntityType, std::vector<std::string>> names;
  std::map<EntityType, std::set<std::string>> seen;
  for (const Mention& m : analysis.entities) {
    if (m.key.empty()) continue;
    doc.add_term(safe_term(entity_prefix(m.type), m.key));
    if (seen[m.type].insert(m.key).second) names[m.type].push_back(m.canonical.empty() ? m.text : m.canonical);
  }
  // The article's values that its quotes repeat in their own slots, for --quotes facets.
  std::vector<std::pair<Xapian::valueno, std::string>> quote_values;
  for (const auto& [type, list] : names) {
    doc.add_value(slot(entity_slot(type)), joined(list));
    quote_values.emplace_back(slot(schema::quote_slot(entity_slot(type))), doc.get_value(slot(entity_slot(type))));
  }
  if (!article.tags.empty()) quote_values.emplace_back(slot(Slot::QuoteTags), doc.get_value(slot(Slot::Tags)));
  if (!article.section.empty()) quote_values.emplace_back(slot(Slot::QuoteSection), article.section);

  // What a quote inherits from its article, so that --quotes can be narrowed by it: the article's entities
  // under prefixes of their own (XP, XO, XL in a quote document would make a bare name find every quote of
  // every article that mentions it), its tags, source and section. Filters only: no wdf, no weight.
  std::vector<std::string> article_terms;
  for (const auto& [type, keys] : seen)
    for (const std::string& key : keys) article_terms.push_back(safe_term(article_entity_prefix(type), key));
  for (const auto& tag : article.tags) article_terms.push_back(safe_term("XTAG", analyzer.fold(tag)));

  // Quotes: their words under XQ in the article (so quote: works in article mode), their speakers under XSP,
  // and one document per quote of their own.
  std::vector<std::string> speakers;
  std::set<std::string> speaker_keys;
  nlohmann::json quotes_json = nlohmann::json::array();
  for (std::size_t i = 0; i < analysis.quotes.size(); ++i) {
    const Quote& q = analysis.quotes[i];
    quotes_json.push_back(quote_json(q));
    const std::vector<Token> words = analyzer.tokenize(q.text);
    for (const Token& t : words) {
      if (schema::is_stop_word(t.folded)) continue;
      doc.add_term(safe_term("XQ", t.folded));
      doc.add_term(safe_term("ZXQ", analyzer.stem(t.folded)));
    }
    if (!q.speaker_key.empty()) {
      doc.add_term(safe_term("XSP", q.speaker_key));
      if (speaker_keys.insert(q.speaker_key).second) speakers.push_back(q.speaker);
    }

    if (is_unattributed_fragment(q, words.size())) continue;

    Xapian::Document qdoc;
    const std::string quote_id = quote_unique_id(article.id, i);
    qdoc.add_boolean_term(safe_term("Q", quote_id));
    qdoc.add_boolean_term(std::string(schema::kKindQuote));
    qdoc.add_boolean_term(safe_term("XAID", article.id));
    index_tokens(qdoc, words, analyzer, "", 1, true);
    add_quote_context(qdoc, analyzer, article.text, article.body_start, analysis.body_tokens, q.start);
    if (!q.speaker_key.empty()) {
      qdoc.add_term(safe_term("XSP", q.speaker_key));
      qdoc.add_term(safe_term("XP", q.speaker_key));
      qdoc.add_value(slot(Slot::QuoteSpeaker), q.speaker);
    }
    add_date_values(qdoc, article.date, true, quote_id);
    for (const std::string& term : article_terms) qdoc.add_boolean_term(term);
    source_terms.add_to(qdoc);
    section_terms.add_to(qdoc);
    if (!article.source.empty()) qdoc.add_value(slot(Slot::QuoteSource), article.source);
    for (const auto& [quote_slot, value] : quote_values) qdoc.add_value(quote_slot, value);
    qdoc.add_value(slot(Slot::QuoteFingerprint), quote_fingerprint(q.text));
    // No data: the quote is in its article's data, quotes[i]. Xapian compresses every document's data
    // separately, and per call zlib's set-up cost more than the article's own compression (callgrind:
    // quote documents' data were 7 % of indexing instructions).
    out.quotes.push_back(std::move(qdoc));
  }
  if (!speakers.empty()) doc.add_value(slot(Slot::Speakers), joined(speakers));

  nlohmann::json entities_json = entities_to_json(analysis.entities);
  nlohmann::json data = {{"id", article.id},         {"origin", article.origin},   {"title", article.title},
                         {"date", article.date},     {"source", article.source},   {"url", article.url},
                         {"section", article.section}, {"authors", article.authors}, {"tags", article.tags},
                         {"text", article.text},     {"body_start", article.body_start},
                         {"entities", entities_json}, {"quotes", quotes_json}};
  doc.set_data(data.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return out;
}

}  // namespace gazette
