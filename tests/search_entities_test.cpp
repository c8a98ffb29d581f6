// Entity fields, facets and quote search over the bundled corpus, checked against the stored article records:
// a facet count must equal what a brute-force pass over every matching article finds.
#define BOOST_TEST_MODULE search_entities
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <set>

#include "gazette/analyzer.h"
#include "gazette/document.h"
#include "gazette/quotes.h"
#include "gazette/search.h"
#include "support/corpus_searcher.h"
#include "support/facet_groups.h"

using gazette::testing::corpus;

namespace {

gazette::Searcher& searcher() { return gazette::testing::corpus_searcher(); }

gazette::SearchResult search(const std::string& q, std::vector<std::string> facets = {},
                             gazette::SearchMode mode = gazette::SearchMode::Articles, std::size_t limit = 5000) {
  gazette::SearchRequest r;
  r.query = q;
  r.mode = mode;
  r.limit = limit;
  r.facets = std::move(facets);
  r.facet_limit = 1000;
  return searcher().search(r);
}

// Quotes mode without de-duplication, every hit.
gazette::SearchResult every_reprint(const std::string& query) {
  gazette::SearchRequest every;
  every.query = query;
  every.mode = gazette::SearchMode::Quotes;
  every.dedup = false;
  every.limit = 5000;
  gazette::SearchResult r = searcher().search(every);
  BOOST_REQUIRE_LT(r.hits.size(), 5000u);
  return r;
}

std::set<std::string> ids(const gazette::SearchResult& r) {
  std::set<std::string> out;
  for (const auto& h : r.hits) out.insert(h.id);
  return out;
}

const std::string kSeed1 = "000_b35c598148b0eacd.txt";
const std::string kSeed2 = "003_10b113a26dc81203.txt";

const char* type_code(const std::string& facet) {
  return facet == "person" ? "PER" : facet == "org" ? "ORG" : "LOC";
}

}  // namespace

// Any spelling, any case, any accents: the field value goes through the same identity keys as the index.
BOOST_AUTO_TEST_CASE(person_field_matches_every_spelling) {
  for (const char* q : {"person:Putin", "person:poutine", "person:POUTINE", "person:\"Vladimir Poutine\"",
                        "person:Ouchakov", "person:Ushakov", "person:Uschakow", "person:Ушаков", "person:ouchakov"}) {
    BOOST_TEST_CONTEXT("query " << q) {
      const auto found = ids(search(q));
      BOOST_TEST(found.count(kSeed1) == 1u);
      BOOST_TEST(found.count(kSeed2) == 1u);
    }
  }
}

BOOST_AUTO_TEST_CASE(org_and_place_fields) {
  for (const char* q : {"org:OTAN", "org:Kremlin", "place:Ukraine", "place:Moscou", "place:Washington"}) {
    BOOST_TEST_CONTEXT("query " << q) { BOOST_TEST(ids(search(q)).count(kSeed2) == 1u); }
  }
  BOOST_TEST(ids(search("place:Kyiv")).count(kSeed2) == 1u);  // the seed writes Kiev
  BOOST_TEST(search("person:Ukraine").total == 0u);            // a place, not a person
}

// Every article of a match set counts once for each distinct entity it holds; the whole match set counts,
// not only the page shown.
BOOST_AUTO_TEST_CASE(entity_facets_are_exact_over_the_match_set) {
  for (const std::string query : {"Russie", "président", "date:2017"}) {
    for (const std::string facet : {"person", "org", "place"}) {
      BOOST_TEST_CONTEXT("query " << query << ", facet " << facet) {
        gazette::SearchRequest r;
        r.query = query;
        r.limit = 3;  // facets must not depend on the page size
        r.facets = {facet};
        r.facet_limit = 100000;
        const auto paged = searcher().search(r);
        const auto all = search(query);
        BOOST_TEST(paged.total == all.hits.size());
        std::vector<gazette::testing::NamesOfAMatch> matches;
        for (const auto& h : all.hits) {
          // One name per distinct identity: the canonical name of its first mention.
          std::map<std::string, std::string> names;  // key → name
          const nlohmann::json record = searcher().article(h.id);
          for (const auto& e : record["entities"]) {
            const std::string key = e["key"], canonical = e["canonical"];
            if (e["type"] == type_code(facet) && !key.empty())
              names.emplace(key, canonical.empty() ? e["text"].get<std::string>() : canonical);
          }
          auto& match = matches.emplace_back();
          for (const auto& [key, name] : names) match.names.insert(name);
        }
        const auto expected = gazette::testing::expected_entity_facet(matches);
        std::map<std::string, std::uint64_t> got;
        BOOST_REQUIRE_EQUAL(paged.facets.size(), 1u);
        for (const auto& v : paged.facets[0].values) got[v.value] = v.count;
        for (const auto& [k, v] : expected)
          if (got[k] != v) BOOST_TEST_MESSAGE("  " << k << ": facet " << got[k] << ", articles " << v);
        for (const auto& [k, v] : got)
          if (!expected.count(k)) BOOST_TEST_MESSAGE("  " << k << ": facet " << v << ", articles 0");
        BOOST_TEST((got == expected));
        for (std::size_t i = 1; i < paged.facets[0].values.size(); ++i)
          BOOST_TEST(paged.facets[0].values[i - 1].count >= paged.facets[0].values[i].count);
      }
    }
  }
}

// The facets the page asks for besides entities, counted the brute-force way too: an article counts once for
// its year and its month; in quotes mode a quote reprinted by several articles counts once per value; a
// topic word counts the matching articles that contain it. A facet cut to its first values is the head of
// the whole facet: most frequent first, equal counts by value.
BOOST_AUTO_TEST_CASE(date_quote_and_topic_facets_are_exact) {
  auto counts = [](const gazette::Facet& f) {
    std::map<std::string, std::uint64_t> out;
    for (const auto& v : f.values) out[v.value] = v.count;
    return out;
  };
  for (const std::string query : {"Russie", "président", "date:2017", ""}) {
    BOOST_TEST_CONTEXT("query '" << query << "'") {
      const auto articles = search(query, {"year", "month", "person", "topic"});
      const auto all = search(query);
      std::map<std::string, std::uint64_t> years, months;
      for (const auto& h : all.hits) {
        const std::string key = gazette::date_sort_key(h.date);
        if (key.empty()) continue;
        ++years[key.substr(0, 4)];
        if (key.compare(4, 2, "00") != 0) ++months[key.substr(0, 4) + "-" + key.substr(4, 2)];
      }
      BOOST_REQUIRE_EQUAL(articles.facets.size(), 4u);
      BOOST_TEST((counts(articles.facets[0]) == years));
      BOOST_TEST((counts(articles.facets[1]) == months));
      BOOST_TEST(!months.empty());
      for (std::size_t i = 1; i < articles.facets[1].values.size(); ++i)
        BOOST_TEST((articles.facets[1].values[i - 1].value > articles.facets[1].values[i].value));  // newest first

      const auto& persons = articles.facets[2].values;
      for (std::size_t i = 1; i < persons.size(); ++i)
        if (persons[i - 1].count == persons[i].count)
          BOOST_TEST((persons[i - 1].value < persons[i].value), persons[i - 1].value << " before " << persons[i].value);
      gazette::SearchRequest cut;
      cut.query = query;
      cut.limit = 0;
      cut.facets = {"person"};
      cut.facet_limit = 7;
      const auto head = searcher().search(cut);
      BOOST_REQUIRE_EQUAL(head.facets.size(), 1u);
      BOOST_REQUIRE_EQUAL(head.facets[0].values.size(), std::min<std::size_t>(7, persons.size()));
      for (std::size_t i = 0; i < head.facets[0].values.size(); ++i) {
        BOOST_TEST(head.facets[0].values[i].value == persons[i].value);
        BOOST_TEST(head.facets[0].values[i].count == persons[i].count);
      }

      // A one-word phrase is the folded word, unstemmed: the very term the topic counted. (Xapian's parser
      // splits a word like identi.ca at the dot, so only words of letters are checked this way.)
      BOOST_TEST(!articles.facets[3].values.empty());
      if (!query.empty())
        for (const auto& topic : articles.facets[3].values)
          if (std::all_of(topic.value.begin(), topic.value.end(),
                          [](unsigned char c) { return c >= 0x80 || std::isalpha(c); }))
            BOOST_TEST(search(query + " \"" + topic.value + "\"", {}, gazette::SearchMode::Articles, 0).total ==
                           topic.count,
                       "topic " << topic.value);

      const auto quotes = search(query, {"speaker", "month", "source"}, gazette::SearchMode::Quotes, 0);
      const auto reprints = every_reprint(query);
      std::set<std::pair<std::string, std::string>> speaker_quotes, month_quotes;
      for (const auto& h : reprints.hits) {
        const std::string fingerprint = gazette::quote_fingerprint(h.quote_text);
        if (!h.speaker.empty()) speaker_quotes.insert({h.speaker, fingerprint});
        const std::string key = gazette::date_sort_key(h.date);
        if (!key.empty() && key.compare(4, 2, "00") != 0)
          month_quotes.insert({key.substr(0, 4) + "-" + key.substr(4, 2), fingerprint});
      }
      std::map<std::string, std::uint64_t> speakers, quote_months;
      for (const auto& [speaker, fingerprint] : speaker_quotes) ++speakers[speaker];
      for (const auto& [month, fingerprint] : month_quotes) ++quote_months[month];
      BOOST_REQUIRE_EQUAL(quotes.facets.size(), 3u);
      BOOST_TEST(!speakers.empty());
      BOOST_TEST((counts(quotes.facets[0]) == speakers));
      BOOST_TEST((counts(quotes.facets[1]) == quote_months));
      BOOST_TEST(quotes.facets[2].values.empty());  // the corpus has no sources
    }
  }
}

// Quotes mode collapses reprints, and Xapian only estimates the total of a collapsed match, even once it has
// seen every match: `Hollande` on OrangeSum gave 4,000 for 746 distinct quotes. The total is the number of
// distinct quotes, and each hit's reprints those of its quote, with or without facets (which change how the
// match is run: beside the ranking, weighted or not).
BOOST_AUTO_TEST_CASE(quotes_mode_counts_distinct_quotes_exactly) {
  for (const std::string query : {"Russie", "président", "date:2017", "", "a OR le"}) {
    BOOST_TEST_CONTEXT("query '" << query << "'") {
      const auto reprints = every_reprint(query);
      std::map<std::string, std::uint64_t> printed;  // by fingerprint
      for (const auto& h : reprints.hits) ++printed[gazette::quote_fingerprint(h.quote_text)];
      BOOST_TEST(!printed.empty());
      for (const std::vector<std::string>& facets :
           {std::vector<std::string>{}, {"speaker"}, {"topic"}, {"speaker", "year", "topic"}}) {
        BOOST_TEST_CONTEXT(facets.size() << " facets") {
          const auto distinct = search(query, facets, gazette::SearchMode::Quotes, 5000);
          BOOST_TEST(distinct.total == printed.size());
          BOOST_TEST(distinct.hits.size() == printed.size());
          for (const auto& h : distinct.hits)
            BOOST_TEST(h.duplicates + 1 == printed[gazette::quote_fingerprint(h.quote_text)], h.id);
          BOOST_TEST(search(query, facets, gazette::SearchMode::Quotes, 0).total == printed.size());
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(seed_facets_name_the_seed_entities) {
  const auto r = search("Ouchakov", {"person", "org", "place"});
  std::map<std::string, std::set<std::string>> got;
  for (const auto& f : r.facets)
    for (const auto& v : f.values) got[f.name].insert(v.value);
  for (const char* p : {"Joe Biden", "Vladimir Poutine", "Youri Ouchakov"}) BOOST_TEST(got["person"].count(p) == 1u, p);
  for (const char* o : {"OTAN", "Kremlin", "Maison Blanche", "ministère des Affaires étrangères"})
    BOOST_TEST(got["org"].count(o) == 1u, o);
  for (const char* l : {"Ukraine", "Russie", "Moscou", "Kiev", "États-Unis", "Washington"})
    BOOST_TEST(got["place"].count(l) == 1u, l);
}

// A bare word naming a known entity matches its tag too, and tagged articles come first.
BOOST_AUTO_TEST_CASE(entity_words_rank_tagged_articles_first) {
  const auto r = search("Putin");  // written "Poutine" in every article
  BOOST_TEST(ids(r).count(kSeed1) == 1u);
  const auto tagged = ids(search("person:Poutine"));
  const auto ranked = search("Poutine");
  BOOST_REQUIRE(!ranked.hits.empty());
  bool seen_untagged = false;
  for (const auto& h : ranked.hits) {
    if (!tagged.count(h.id)) seen_untagged = true;
    else BOOST_TEST(!seen_untagged, h.id << " is tagged but ranked below an untagged match");
  }
}

// Topics: readable words of the match set, never grammar words, reporting verbs, entity names or the query.
BOOST_AUTO_TEST_CASE(topic_facet_lists_content_words) {
  const gazette::FrenchAnalyzer analyzer;
  for (const std::string query : {"sanctions", "Ouchakov", "date:2016", "élection"}) {
    BOOST_TEST_CONTEXT("query " << query) {
      gazette::SearchRequest r;
      r.query = query;
      r.limit = 0;
      r.facets = {"topic"};
      const auto res = searcher().search(r);
      BOOST_REQUIRE_EQUAL(res.facets.size(), 1u);
      const auto& values = res.facets[0].values;
      BOOST_TEST(values.size() == 10u);
      std::set<std::string> stems;
      for (const auto& v : values) {
        for (const char* banned : {"nous", "été", "déclaré", "ajouté", "souligné", "cette", "plus", "ouchakov",
                                   "youri"})
          BOOST_TEST(v.value != banned);
        if (query.find(':') == std::string::npos)
          for (const auto& t : analyzer.tokenize(query))  // nor the query's own words under another ending
          BOOST_TEST(analyzer.stem(analyzer.fold(v.value)) != analyzer.stem(t.folded), v.value);
        BOOST_TEST(stems.insert(analyzer.stem(analyzer.fold(v.value))).second, "two words of one stem: " << v.value);
        BOOST_TEST(v.count > 0u);
        BOOST_TEST(v.count <= res.total);
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(quote_mode_speaker_field_and_facet) {
  const auto r = search("speaker:Ouchakov", {"speaker"}, gazette::SearchMode::Quotes);
  BOOST_REQUIRE_GT(r.hits.size(), 10u);
  for (const auto& h : r.hits) BOOST_TEST(h.speaker == "Youri Ouchakov");
  BOOST_REQUIRE_EQUAL(r.facets.size(), 1u);
  BOOST_REQUIRE_EQUAL(r.facets[0].values.size(), 1u);
  BOOST_TEST(r.facets[0].values[0].value == "Youri Ouchakov");
  BOOST_TEST(r.facets[0].values[0].count == r.total);
  BOOST_TEST(search("speaker:Ushakov", {}, gazette::SearchMode::Quotes).total == r.total);
}

BOOST_AUTO_TEST_CASE(quote_phrase_field) {
  const auto r = search("quote:\"lignes rouges\"", {}, gazette::SearchMode::Quotes);
  BOOST_REQUIRE(!r.hits.empty());
  for (const auto& h : r.hits) {
    const std::string folded = gazette::FrenchAnalyzer().fold(h.quote_text);
    BOOST_TEST(folded.find("lignes rouges") != std::string::npos, h.quote_text);
  }
  // Article mode: the articles whose quotes hold the phrase, and only those (it once matched every article).
  std::set<std::string> quoting;
  for (const auto& h : r.hits) quoting.insert(h.article_id);
  for (const char* q : {"quote:\"lignes rouges\"", "quote:« lignes rouges »"}) {
    BOOST_TEST_CONTEXT("query " << q) {
      const auto articles = ids(search(q));
      BOOST_TEST(articles.count(kSeed2) == 1u);
      BOOST_TEST((articles == quoting));
    }
  }
  BOOST_TEST(search("quote:\"rouges lignes\"").total == 0u);
  BOOST_TEST(ids(search("Ouchakov -quote:\"lignes rouges\"")).count(kSeed2) == 0u);
}

// "What did Ouchakov say about sanctions?": his quotes first, and he leads the speaker facet.
// His quotes that say "sanctions" come first, then those that answer a question about them (context words).
BOOST_AUTO_TEST_CASE(ouchakov_sanctions_in_quote_mode) {
  const auto r = search("Ouchakov sanctions", {"speaker"}, gazette::SearchMode::Quotes);
  BOOST_REQUIRE(!r.hits.empty());
  BOOST_TEST(r.hits[0].speaker == "Youri Ouchakov");
  const auto s = search("sanctions", {"speaker"}, gazette::SearchMode::Quotes);
  BOOST_REQUIRE_EQUAL(s.facets.size(), 1u);
  BOOST_REQUIRE(!s.facets[0].values.empty());
  BOOST_TEST(s.facets[0].values[0].value == "Youri Ouchakov");

  // « il n'y avait aucune raison à cela » answers "les nouvelles sanctions américaines ne menaceraient pas…":
  // found by its context, ranked below every quote whose own words match.
  bool context_only_seen = false;
  bool reply_found = false;
  const gazette::FrenchAnalyzer analyzer;
  for (const auto& h : r.hits) {
    BOOST_TEST(h.speaker == "Youri Ouchakov");
    bool own = false;
    for (const auto& t : analyzer.tokenize(h.quote_text)) own = own || analyzer.stem(t.folded) == "sanction";
    if (!own) context_only_seen = true;
    else BOOST_TEST(!context_only_seen, "a quote saying 'sanctions' ranked below one that doesn't: " << h.quote_text);
    reply_found = reply_found || h.quote_text == "il n’y avait aucune raison à cela";
  }
  BOOST_TEST(reply_found);
  BOOST_TEST(context_only_seen);
}

// With a large match set a second thread counts every other facet on a database handle of its own. The
// corpus is too small to reach the default threshold, so both ways are forced here and must agree exactly.
// In quotes mode the words before a quote count too, but what the query excludes is excluded from the quote's
// own words as well: "Poutine NOT garanties" once returned the quote that says « garanties ».
BOOST_AUTO_TEST_CASE(quotes_mode_excludes_from_the_quote_and_its_context) {
  gazette::FrenchAnalyzer analyzer;
  for (const char* q : {"Poutine NOT garanties", "Poutine -garanties", "NOT garanties"}) {
    BOOST_TEST_CONTEXT(q) {
      const auto r = every_reprint(q);
      BOOST_TEST(!r.hits.empty());
      for (const auto& h : r.hits)
        for (const auto& t : analyzer.tokenize(h.quote_text)) BOOST_TEST(t.folded != "garanties", h.id);
    }
  }
  BOOST_TEST(every_reprint("Poutine NOT garanties").total < every_reprint("Poutine").total);
}

BOOST_AUTO_TEST_CASE(facets_counted_on_two_threads_equal_one_thread) {
  const std::vector<std::string> facets = {"person", "org", "place", "speaker", "topic", "year", "source", "month"};
  for (const auto mode : {gazette::SearchMode::Articles, gazette::SearchMode::Quotes}) {
    for (const std::string query : {"Russie", "président", "date:2017", "sanctions", "a"}) {
      BOOST_TEST_CONTEXT("query " << query << ", quotes mode " << (mode == gazette::SearchMode::Quotes)) {
        gazette::SearchRequest r;
        r.query = query;
        r.mode = mode;
        r.facets = facets;
        r.facet_limit = 1000;
        r.parallel_facet_matches = std::numeric_limits<std::size_t>::max();
        const auto one = searcher().search(r);
        r.parallel_facet_matches = 0;
        const auto two = searcher().search(r);
        BOOST_TEST(one.total == two.total);
        BOOST_REQUIRE_EQUAL(one.facets.size(), two.facets.size());
        std::size_t counted = 0;
        for (std::size_t i = 0; i < one.facets.size(); ++i) {
          BOOST_TEST(one.facets[i].name == two.facets[i].name);
          BOOST_REQUIRE_EQUAL(one.facets[i].values.size(), two.facets[i].values.size());
          for (std::size_t k = 0; k < one.facets[i].values.size(); ++k) {
            BOOST_TEST(one.facets[i].values[k].value == two.facets[i].values[k].value);
            BOOST_TEST(one.facets[i].values[k].count == two.facets[i].values[k].count);
            counted += one.facets[i].values[k].count;
          }
        }
        BOOST_TEST(counted > 0u);
      }
    }
  }
}
