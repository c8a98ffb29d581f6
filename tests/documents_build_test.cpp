// What build_documents writes for an article's quotes: which quotes get a document of their own, and which
// context terms, inherited terms and values those documents carry. The analysis is given by hand, so each
// rule is tested on its own.
#define BOOST_TEST_MODULE documents_build
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <iterator>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <xapian.h>

#include "gazette/document.h"
#include "gazette/schema.h"

namespace {

using gazette::Quote;
using gazette::QuoteKind;

const std::string kText =
    "Interrogé par Reuters sur les sanctions, Youri Ouchakov a répondu : « il n'y avait aucune raison à "
    "cela ». Les « gilets jaunes » manifestaient. « Sanctions », a lâché Ouchakov. Selon le texte, « une "
    "réponse très ferme » suivra. « Non merci », lance la foule.";

Quote quote_of(std::string_view text, QuoteKind kind, std::string speaker_key = {}) {
  Quote q;
  q.text = std::string(text);
  q.kind = kind;
  q.speaker_key = std::move(speaker_key);
  if (!q.speaker_key.empty()) q.speaker = "Youri Ouchakov";
  q.start = static_cast<std::uint32_t>(kText.find(text));
  BOOST_TEST_REQUIRE(q.start != std::string::npos);
  q.end = q.start + static_cast<std::uint32_t>(text.size());
  return q;
}

std::set<std::string> terms_with_prefix(const Xapian::Document& doc, const std::string& prefix) {
  std::set<std::string> out;
  for (auto t = doc.termlist_begin(); t != doc.termlist_end(); ++t) {
    const std::string term = *t;
    if (term.rfind(prefix, 0) == 0) out.insert(term);
  }
  return out;
}

std::string unique_id(const Xapian::Document& doc) { return *terms_with_prefix(doc, "Q").begin(); }

gazette::ArticleDocuments build(std::vector<Quote> quotes) {
  gazette::Article article;
  article.id = "a1";
  article.text = kText;
  gazette::Analysis analysis;
  gazette::FrenchAnalyzer analyzer;
  analysis.body_tokens = analyzer.tokenize(kText);
  analysis.quotes = std::move(quotes);
  return gazette::build_documents(article, analysis, analyzer, "hash");
}

}  // namespace

BOOST_AUTO_TEST_CASE(unattributed_fragments_get_no_quote_document) {
  // (quote, kind, speaker key) → does it get its own document?
  struct Case {
    std::string_view text;
    QuoteKind kind;
    std::string speaker_key;
    bool own_document;
  };
  const std::vector<Case> cases = {
      {"il n'y avait aucune raison à cela", QuoteKind::Direct, "youri ouchakov", true},
      {"gilets jaunes", QuoteKind::Partial, "", false},             // a term in quote marks
      {"Sanctions", QuoteKind::Partial, "youri ouchakov", true},     // one word, but someone said it
      {"une réponse très ferme", QuoteKind::Partial, "", true},      // four words: a quote without a speaker
      {"Non merci", QuoteKind::Direct, "", true},                    // a whole utterance, however short
  };
  std::vector<Quote> quotes;
  for (const Case& c : cases) quotes.push_back(quote_of(c.text, c.kind, c.speaker_key));
  const gazette::ArticleDocuments docs = build(quotes);

  std::set<std::string> expected, got;
  for (std::size_t i = 0; i < cases.size(); ++i)
    if (cases[i].own_document) expected.insert("Qa1#q" + std::to_string(i));
  for (const auto& q : docs.quotes) got.insert(unique_id(q));
  BOOST_TEST(got == expected, boost::test_tools::per_element());
  // Schema 3: quote documents carry no data; the searcher reads quotes[i] of the article.
  for (const auto& q : docs.quotes) BOOST_TEST(q.get_data().empty(), unique_id(q));
  const auto article = nlohmann::json::parse(docs.article.get_data());
  BOOST_TEST_REQUIRE(article["quotes"].size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) BOOST_TEST(article["quotes"][i]["text"] == std::string(cases[i].text));

  // The fragment is still one of the article's quotes: searchable with quote: in article mode.
  const auto xq = terms_with_prefix(docs.article, "XQ");
  BOOST_TEST(xq.count("XQgilets") == 1);
  BOOST_TEST(xq.count("XQjaunes") == 1);
  BOOST_TEST(docs.article.get_data().find("gilets jaunes") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(quote_context_keeps_exact_terms_only_for_capitalised_words) {
  const gazette::ArticleDocuments docs =
      build({quote_of("il n'y avait aucune raison à cela", QuoteKind::Direct, "youri ouchakov")});
  BOOST_TEST_REQUIRE(docs.quotes.size() == 1u);
  const std::set<std::string> xc = terms_with_prefix(docs.quotes[0], "XC");
  const std::set<std::string> expected_xc = {"XCinterroge", "XCouchakov", "XCreuters", "XCyouri"};
  // "Interrogé" is capitalised only as the first word of the sentence; the query parser can't tell either.
  BOOST_TEST(xc == expected_xc, boost::test_tools::per_element());
  const std::set<std::string> zxc = terms_with_prefix(docs.quotes[0], "ZXC");
  for (const char* stem : {"ZXCsanction", "ZXCrepondu", "ZXCreuter", "ZXCouchakov"}) BOOST_TEST(zxc.count(stem) == 1, stem);
  // Stop words are no context (schema::is_stop_word): "Interrogé par Reuters sur les sanctions, … a répondu".
  for (const char* stem : {"ZXCpar", "ZXCsur", "ZXCa"}) BOOST_TEST(zxc.count(stem) == 0, stem);
}

// Nor are they quote words of the article: quote: finds "il n'y avait aucune raison" by its phrase.
BOOST_AUTO_TEST_CASE(quote_words_of_the_article_leave_out_stop_words) {
  const gazette::ArticleDocuments docs =
      build({quote_of("il n'y avait aucune raison à cela", QuoteKind::Direct, "youri ouchakov")});
  const std::set<std::string> xq = terms_with_prefix(docs.article, "XQ");
  for (const char* term : {"XQaucune", "XQraison"}) BOOST_TEST(xq.count(term) == 1, term);
  for (const char* term : {"XQil", "XQy", "XQavait", "XQa"}) BOOST_TEST(xq.count(term) == 0, term);
  const std::set<std::string> zxq = terms_with_prefix(docs.article, "ZXQ");
  BOOST_TEST(zxq.count("ZXQraison") == 1);
  BOOST_TEST(zxq.count("ZXQil") == 0);
  // The quote's own document keeps every word, with positions, for phrases in quotes mode.
  BOOST_TEST_REQUIRE(docs.quotes.size() == 1u);
  BOOST_TEST(terms_with_prefix(docs.quotes[0], "il").count("il") == 1);
}

// An article with a date, a source, a section, tags, entities of each type and one attributed quote.
gazette::ArticleDocuments build_full_article() {
  gazette::Article article;
  article.id = "a1";
  article.origin = "archive/lemonde.jsonl:12";
  article.text = kText;
  article.date = "2022-03-14";
  article.source = "Le Monde";
  article.section = "International";
  article.tags = {"Guerre en Ukraine", "Diplomatie"};
  gazette::Analysis analysis;
  gazette::FrenchAnalyzer analyzer;
  analysis.body_tokens = analyzer.tokenize(kText);
  auto mention = [](gazette::EntityType type, std::string text, std::string canonical, std::string key) {
    gazette::Mention m;
    m.type = type;
    m.text = std::move(text);
    m.canonical = std::move(canonical);
    m.key = std::move(key);
    return m;
  };
  analysis.entities = {mention(gazette::EntityType::Organisation, "Reuters", "Reuters", "reuters"),
                       mention(gazette::EntityType::Person, "Youri Ouchakov", "Youri Ouchakov", "youri ouchakov"),
                       mention(gazette::EntityType::Person, "Ouchakov", "Youri Ouchakov", "youri ouchakov"),
                       mention(gazette::EntityType::Person, "Joe Biden", "Joe Biden", "joe biden"),
                       mention(gazette::EntityType::Place, "Moscou", "Moscou", "moscu")};
  analysis.quotes = {quote_of("il n'y avait aucune raison à cela", QuoteKind::Direct, "youri ouchakov")};
  return gazette::build_documents(article, analysis, analyzer, "hash");
}

// An article's values are in slots 0-10 and 22, its quotes' in slots of their own (11-21), so that a facet or a
// sort in one mode reads only that mode's documents. The values each kind gets, exactly.
BOOST_AUTO_TEST_CASE(articles_and_quotes_keep_their_values_in_slots_of_their_own) {
  using gazette::schema::rank_key;
  const gazette::ArticleDocuments docs = build_full_article();
  auto values = [](const Xapian::Document& doc) {
    std::map<Xapian::valueno, std::string> out;
    for (auto v = doc.values_begin(); v != doc.values_end(); ++v) out[v.get_valueno()] = *v;
    return out;
  };
  // The date slots end with the rank key of the document's unique id (schema 6).
  BOOST_TEST((values(docs.article) == std::map<Xapian::valueno, std::string>{{0, std::string("20220314") + rank_key("a1")},
                                                                              {1, "2022"},
                                                                              {2, "2022-03"},
                                                                              {3, "Le Monde"},
                                                                              {4, "International"},
                                                                              {5, "hash"},
                                                                              {6, "Youri Ouchakov\x1f" "Joe Biden"},
                                                                              {7, "Reuters"},
                                                                              {8, "Moscou"},
                                                                              {9, "Guerre en Ukraine\x1f" "Diplomatie"},
                                                                              {10, "Youri Ouchakov"},
                                                                              {22, "archive/lemonde.jsonl"}}));
  BOOST_TEST_REQUIRE(docs.quotes.size() == 1u);
  auto quote = values(docs.quotes[0]);
  BOOST_TEST(quote.count(11) == 1u, "the fingerprint");
  quote.erase(11);
  // Schema 7: the article's entities, tags and section too, for --quotes facets.
  BOOST_TEST((quote == std::map<Xapian::valueno, std::string>{{12, std::string("20220314") + rank_key("a1#q0")},
                                                              {13, "2022"},
                                                              {14, "2022-03"},
                                                              {15, "Le Monde"},
                                                              {16, "Youri Ouchakov"},
                                                              {17, "Youri Ouchakov\x1f" "Joe Biden"},
                                                              {18, "Reuters"},
                                                              {19, "Moscou"},
                                                              {20, "Guerre en Ukraine\x1f" "Diplomatie"},
                                                              {21, "International"}}));
}

// A quote document carries what --quotes can be narrowed by: its article's entities under prefixes of its own
// (a bare name in --quotes mode looks up XP, XO and XL, which must stay the quote's speaker only), tags,
// source and section words. Filters only: every such term has wdf 0. The terms, exactly.
BOOST_AUTO_TEST_CASE(quotes_carry_what_their_article_is_narrowed_by) {
  const gazette::ArticleDocuments docs = build_full_article();
  BOOST_TEST_REQUIRE(docs.quotes.size() == 1u);
  const Xapian::Document& quote = docs.quotes[0];
  using Terms = std::set<std::string>;
  BOOST_TEST((terms_with_prefix(quote, "XAP") == Terms{"XAPjoe biden", "XAPyouri ouchakov"}));
  BOOST_TEST((terms_with_prefix(quote, "XAO") == Terms{"XAOreuters"}));
  BOOST_TEST((terms_with_prefix(quote, "XAL") == Terms{"XALmoscu"}));
  BOOST_TEST((terms_with_prefix(quote, "XTAG") == Terms{"XTAGguerre en ukraine", "XTAGdiplomatie"}));
  BOOST_TEST((terms_with_prefix(quote, "XSRC") == Terms{"XSRCle", "XSRCmonde"}));
  BOOST_TEST((terms_with_prefix(quote, "XSEC") == Terms{"XSECinternational"}));
  BOOST_TEST((terms_with_prefix(quote, "XP") == Terms{"XPyouri ouchakov"}), "the speaker only");
  BOOST_TEST(terms_with_prefix(quote, "XO").empty());
  BOOST_TEST(terms_with_prefix(quote, "XL").empty());
  for (auto t = quote.termlist_begin(); t != quote.termlist_end(); ++t)
    if ((*t).rfind("XA", 0) == 0 || (*t).rfind("XTAG", 0) == 0) BOOST_TEST(t.get_wdf() == 0u, *t);
  // Source and section words keep their positions, so source:"le monde" is a phrase in both modes.
  auto le = quote.termlist_begin();
  le.skip_to("XSRCle");
  BOOST_TEST(std::vector<Xapian::termpos>(le.positionlist_begin(), le.positionlist_end()) ==
             std::vector<Xapian::termpos>{1});
}

namespace {

std::string read_seed(const char* name) {
  std::ifstream in(std::string(GAZETTE_SOURCE_DIR) + "/corpus/" + name, std::ios::binary);
  BOOST_TEST_REQUIRE(static_cast<bool>(in), name);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The context words of a quote starting at `at`, from the 400 bytes before it tokenized on their own: what
// build_documents wrote before it took them from the body's tokens.
std::set<std::string> context_of_window(const gazette::FrenchAnalyzer& analyzer, std::string_view text, std::size_t at) {
  std::size_t from = at > 400 ? at - 400 : 0;
  while (from < at && (static_cast<unsigned char>(text[from]) & 0xC0) == 0x80) ++from;
  const std::vector<gazette::Token> before = analyzer.tokenize(text.substr(from, at - from));
  std::set<std::string> out;
  for (std::size_t i = before.size() > 30 ? before.size() - 30 : 0; i < before.size(); ++i) {
    if (i == 0 && from > 0 && before[i].start == 0) continue;  // the tail of a word cut by the window
    if (gazette::schema::is_stop_word(before[i].folded)) continue;
    if (before[i].capitalised) out.insert("XC" + before[i].folded);
    out.insert("ZXC" + analyzer.stem(before[i].folded));
  }
  return out;
}

}  // namespace

// A quote's context words are read from the body's tokens instead of tokenizing its window again. They must be
// the words its window gives on its own: a quote at every word of a seed article (so windows cut inside words,
// windows of fewer and of more than 30 words), the text read as all body and with its first line as a header
// (a window reaching into a header is tokenized on its own).
BOOST_AUTO_TEST_CASE(quote_context_words_are_those_of_the_window_before_the_quote) {
  gazette::FrenchAnalyzer analyzer;
  const std::string text = read_seed("003_10b113a26dc81203.txt");
  const std::vector<gazette::Token> all = analyzer.tokenize(text);
  BOOST_TEST_REQUIRE(all.size() > 1000u);
  for (const std::size_t body_start : {std::size_t{0}, text.find('\n') + 1}) {
    gazette::Article article;
    article.id = "a1";
    article.text = text;
    article.body_start = body_start;
    gazette::Analysis analysis;
    analysis.body_tokens = analyzer.tokenize(std::string_view(text).substr(body_start));
    for (gazette::Token& t : analysis.body_tokens) {
      t.start += static_cast<std::uint32_t>(body_start);
      t.end += static_cast<std::uint32_t>(body_start);
    }
    for (const gazette::Token& t : all) {
      Quote q;
      q.kind = QuoteKind::Direct;  // a whole utterance: every one gets its document
      q.start = t.start;
      q.end = t.end;
      q.text = text.substr(t.start, t.end - t.start);
      analysis.quotes.push_back(q);
    }
    const gazette::ArticleDocuments docs = gazette::build_documents(article, analysis, analyzer, "hash");
    BOOST_TEST_REQUIRE(docs.quotes.size() == all.size());
    std::size_t differing = 0;
    for (std::size_t i = 0; i < all.size(); ++i) {
      std::set<std::string> got = terms_with_prefix(docs.quotes[i], "XC");
      got.merge(terms_with_prefix(docs.quotes[i], "ZXC"));
      const std::set<std::string> expected = context_of_window(analyzer, text, all[i].start);
      if (got != expected && differing++ < 5)
        BOOST_TEST(got == expected, "body_start " << body_start << ", quote at byte " << all[i].start);
    }
    BOOST_TEST(differing == 0u, "body_start " << body_start);
  }
}
