// Facet columns (facet_columns.h): the counts read from them are those read from the value streams, they are
// what facets read when present, and a file that is stale, from another database or damaged is ignored.
#define BOOST_TEST_MODULE search_columns
#include <boost/test/unit_test.hpp>

#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "gazette/entities.h"
#include "gazette/facet_columns.h"
#include "gazette/search.h"
#include "support/corpus_db.h"

namespace fs = std::filesystem;
using gazette::testing::make_temp_dir;
using gazette::testing::read_file;
using gazette::testing::run_command;
using gazette::testing::shell_quote;
using gazette::testing::write_file;

namespace {

const std::vector<std::string> kAllFacets = {"person", "org",   "place", "speaker", "source",
                                             "section", "tag",  "year",  "month",   "topic"};

int index_into(const std::string& db, const std::string& source) {
  return run_command(std::string(GAZETTE_INDEX_BIN) + " -q --db " + shell_quote(db) + " " + shell_quote(source));
}

// A fresh Searcher each time: it keeps the columns it opened for a revision. `parallel_from`: the match count
// from which facets are counted on two threads (the corpus has far fewer matches than the default).
std::string answer(const std::string& db, const std::string& query, gazette::SearchMode mode = gazette::SearchMode::Articles,
                   bool dedup = true, std::size_t parallel_from = gazette::SearchRequest{}.parallel_facet_matches) {
  gazette::Searcher searcher({db});
  gazette::SearchRequest r;
  r.query = query;
  r.mode = mode;
  r.dedup = dedup;
  r.parallel_facet_matches = parallel_from;
  r.facets = kAllFacets;
  r.facet_limit = 1000;
  return gazette::to_json(searcher.search(r)).dump();
}

nlohmann::json facet(const std::string& db, const std::string& query, const std::string& name) {
  gazette::Searcher searcher({db});
  gazette::SearchRequest r;
  r.query = query;
  r.facets = {name};
  r.facet_limit = 1000;
  return gazette::to_json(searcher.search(r))["facets"][name];
}

std::uint64_t count_of(const nlohmann::json& values, const std::string& value) {
  for (const auto& v : values)
    if (v["value"] == value) return v["count"].get<std::uint64_t>();
  return 0;
}

// What a query finds: a facet value's count must equal it for the value clicked.
std::uint64_t total_of(const std::string& db, const std::string& query, gazette::SearchMode mode) {
  gazette::Searcher searcher({db});
  gazette::SearchRequest r;
  r.query = query;
  r.mode = mode;
  r.limit = 0;
  return searcher.search(r).total;
}

struct Fixture {
  fs::path dir = make_temp_dir("gazette-columns");
  std::string db = (dir / "corpus.db").string();
  std::string file = gazette::facet_columns::file_for(db);
  Fixture() { BOOST_TEST_REQUIRE(index_into(db, std::string(GAZETTE_SOURCE_DIR) + "/corpus") == 0); }
  ~Fixture() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  // The answers without the column file, which is put back afterwards.
  template <class F>
  auto without_columns(F&& f) {
    const std::string bytes = read_file(file);
    fs::remove(file);
    auto out = f();
    write_file(file, bytes);
    return out;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_CASE(counts_from_columns_are_those_from_value_streams, Fixture) {
  BOOST_TEST_REQUIRE(fs::exists(file), "gazette-index writes the columns");
  const std::vector<std::string> queries = {"", "Macron", "France", "sanctions Russie", "Ouchakov",
                                            "person:\"Emmanuel Macron\"", "date:2019", "zzzqqq"};
  struct Mode {
    gazette::SearchMode mode;
    bool dedup;
  };
  for (const Mode m : {Mode{gazette::SearchMode::Articles, true}, Mode{gazette::SearchMode::Quotes, true},
                       Mode{gazette::SearchMode::Quotes, false}})
    for (const std::string& q : queries) {
      const std::string with = answer(db, q, m.mode, m.dedup);
      const std::string with_two_threads = answer(db, q, m.mode, m.dedup, 0);
      const std::string without = without_columns([&] { return answer(db, q, m.mode, m.dedup); });
      const std::string without_two_threads = without_columns([&] { return answer(db, q, m.mode, m.dedup, 0); });
      BOOST_TEST(with == without, "query '" << q << "', mode " << static_cast<int>(m.mode) << " dedup " << m.dedup);
      BOOST_TEST(with_two_threads == without, "query '" << q << "', two threads");
      BOOST_TEST(without_two_threads == without, "query '" << q << "', two threads, no columns");
    }
}

BOOST_FIXTURE_TEST_CASE(facets_read_the_columns_when_they_are_there, Fixture) {
  // The same bytes renamed in the file's list of values: only a count read from the file shows the new name.
  std::string bytes = read_file(file);
  std::size_t renamed = 0;
  for (std::size_t at = bytes.find("Emmanuel Macron"); at != std::string::npos; at = bytes.find("Emmanuel Macron", at)) {
    bytes.replace(at, 15, "Emmanuel Mxcron");
    ++renamed;
  }
  BOOST_TEST_REQUIRE(renamed > 0);
  write_file(file, bytes);
  const nlohmann::json persons = facet(db, "Macron", "person");
  BOOST_TEST(count_of(persons, "Emmanuel Mxcron") > 0);
  BOOST_TEST(count_of(persons, "Emmanuel Macron") == 0);
}

BOOST_FIXTURE_TEST_CASE(stale_foreign_or_damaged_columns_are_ignored, Fixture) {
  const std::string expected = without_columns([&] { return answer(db, "Macron"); });
  const std::string good = read_file(file);

  // Damaged: cut short, or not a column file at all.
  write_file(file, good.substr(0, good.size() / 2));
  BOOST_TEST(answer(db, "Macron") == expected);
  write_file(file, std::string(good.size(), 'x'));
  BOOST_TEST(answer(db, "Macron") == expected);
  // Written by an older Gazette: format 1 (the format number follows the 8-byte magic), whose arrays mean
  // something else. Ignored, and the next refresh writes the current format.
  std::string older = good;
  older[8] = 1;
  older[9] = older[10] = older[11] = 0;
  write_file(file, older);
  BOOST_TEST(answer(db, "Macron") == expected);
  BOOST_TEST(gazette::facet_columns::refresh(db));
  BOOST_TEST(read_file(file) == good);
  write_file(file, good);

  // Another database's file (same content, another UUID).
  const std::string other = (dir / "other.db").string();
  BOOST_TEST_REQUIRE(index_into(other, std::string(GAZETTE_SOURCE_DIR) + "/corpus") == 0);
  write_file(gazette::facet_columns::file_for(other), good);
  BOOST_TEST(answer(other, "Macron") == expected);

  // Stale: a commit that did not go through gazette-index. The new document counts at once.
  const std::uint64_t before = count_of(facet(db, "", "source"), "Gazette test");
  {
    Xapian::WritableDatabase w(db, Xapian::DB_OPEN);
    Xapian::Document d;
    d.add_boolean_term("XKarticle");
    d.add_value(3, "Gazette test");
    w.add_document(d);
    w.commit();
  }
  BOOST_TEST(before == 0u);
  BOOST_TEST(count_of(facet(db, "", "source"), "Gazette test") == 1u);
}

BOOST_FIXTURE_TEST_CASE(each_run_leaves_columns_of_the_last_revision, Fixture) {
  const auto revision = [&] { return Xapian::Database(db).get_revision(); };
  const Xapian::rev first = revision();
  const auto written = fs::last_write_time(file);
  // Nothing changed: no new revision, and the file is not written again.
  BOOST_TEST_REQUIRE(index_into(db, std::string(GAZETTE_SOURCE_DIR) + "/corpus") == 0);
  BOOST_TEST(revision() == first);
  BOOST_TEST((fs::last_write_time(file) == written));
  BOOST_TEST(!gazette::facet_columns::refresh(db), "already up to date");

  // A new article: a new revision, and columns for it that count the article.
  const fs::path extra = dir / "extra";
  write_file(extra / "new.jsonl",
             R"({"id":"new-1","title":"Un article de plus","source":"Source nouvelle","date":"2024-05-01",)"
             R"("text":"Emmanuel Macron a parlé à Paris."})"
             "\n");
  BOOST_TEST_REQUIRE(index_into(db, extra.string()) == 0);
  BOOST_TEST(revision() > first);
  const Xapian::Database now(db);
  const auto columns = gazette::facet_columns::Columns::open(db, now);
  BOOST_TEST_REQUIRE(columns != nullptr);
  BOOST_TEST(columns->revision() == now.get_revision());
  BOOST_TEST(count_of(facet(db, "", "source"), "Source nouvelle") == 1u);
  const std::string with = answer(db, "Macron");
  BOOST_TEST(with == without_columns([&] { return answer(db, "Macron"); }));
}

// A facet value finds, clicked, as many documents as it counts: the names of one identity key ("Élysée",
// "Elysée"; "Valence d'Agen", "Valence d’Agen") are one value, shown as the most frequent spelling, and a
// name with an elision finds itself (place:"Côte d'Ivoire" found nothing). With and without columns.
BOOST_FIXTURE_TEST_CASE(a_facet_value_finds_what_it_counts, Fixture) {
  const auto check = [&](gazette::SearchMode mode) {
    std::size_t checked = 0, with_elision = 0;
    for (const std::string name : {"person", "org", "place", "speaker"}) {
      gazette::Searcher searcher({db});
      gazette::SearchRequest r;
      r.mode = mode;
      r.facets = {name};
      r.facet_limit = 150;
      const auto result = searcher.search(r);
      BOOST_TEST_REQUIRE(result.facets.size() == 1u);
      std::set<std::string> keys;
      for (const auto& v : result.facets.front().values) {
        const std::string clause = name + ":\"" + v.value + "\"";
        BOOST_TEST(total_of(db, clause, mode) == v.count, clause << " in mode " << static_cast<int>(mode));
        if (const auto key = gazette::plain_latin_identity_key(v.value))
          BOOST_TEST(keys.insert(name + ":" + *key).second, "two values of one key: " << clause);
        with_elision += v.value.find('\'') != std::string::npos || v.value.find("’") != std::string::npos;
        ++checked;
      }
    }
    BOOST_TEST(checked > 300u);
    BOOST_TEST(with_elision > 3u, "the corpus has names with elisions among the most frequent");
  };
  check(gazette::SearchMode::Articles);
  check(gazette::SearchMode::Quotes);
  without_columns([&] {
    check(gazette::SearchMode::Articles);
    return 0;
  });
  // Both spellings are in the corpus; the more frequent is shown.
  BOOST_TEST(count_of(facet(db, "", "place"), "Élysée") == total_of(db, "place:Élysée", gazette::SearchMode::Articles));
  BOOST_TEST(count_of(facet(db, "", "place"), "Elysée") == 0u);
  BOOST_TEST(count_of(facet(db, "", "place"), "Côte d'Ivoire") > 0u);
}

// tag: finds a tag accents and case aside, so the tag facet counts the spellings of one tag as one value,
// shown as the one most used (of equal ones, the first in byte order), in both modes, with and without
// columns. They were counted apart: "Économie" 1 and "économie" 2, each finding 3 when clicked.
BOOST_FIXTURE_TEST_CASE(the_spellings_of_one_tag_are_one_facet_value, Fixture) {
  const fs::path extra = dir / "tags";
  write_file(extra / "tags.jsonl",
             R"({"id":"t1","title":"Réforme","date":"2020-03-04","tags":["Économie","Retraites"],)"
             R"("text":"« Nous irons jusqu'au bout de cette réforme », a déclaré Édouard Philippe mardi."})"
             "\n"
             R"({"id":"t2","title":"Croissance","date":"2020-03-05","tags":["économie"],)"
             R"("text":"« La croissance reviendra dès l'été », a déclaré Bruno Le Maire lundi."})"
             "\n"
             R"({"id":"t3","title":"Retraites","date":"2020-03-06","tags":["économie","retraites"],)"
             R"("text":"« Le texte sera adopté avant l'été », a ajouté Olivier Véran jeudi."})"
             "\n"
             R"({"id":"t4","title":"Climat","date":"2020-03-07","tags":["climat"],)"
             R"("text":"« Il faut agir maintenant pour le climat », a déclaré Nicolas Hulot."})"
             "\n");
  BOOST_TEST_REQUIRE(index_into(db, extra.string()) == 0);
  const auto tag_facet = [&](gazette::SearchMode mode) {
    gazette::Searcher searcher({db});
    gazette::SearchRequest r;
    r.mode = mode;
    r.facets = {"tag"};
    r.facet_limit = 100;
    const auto result = searcher.search(r);
    std::map<std::string, std::uint64_t> out;
    for (const auto& v : result.facets.at(0).values) out[v.value] = v.count;
    return out;
  };
  using Counts = std::map<std::string, std::uint64_t>;
  const Counts expected = {{"économie", 3}, {"Retraites", 2}, {"climat", 1}};
  for (const auto mode : {gazette::SearchMode::Articles, gazette::SearchMode::Quotes}) {
    const Counts with = tag_facet(mode);
    BOOST_TEST((with == expected), "mode " << static_cast<int>(mode));
    BOOST_TEST((without_columns([&] { return tag_facet(mode); }) == with));
    for (const auto& [value, count] : with)
      BOOST_TEST(total_of(db, "tag:\"" + value + "\"", mode) == count, value << " in mode " << static_cast<int>(mode));
  }
}

// The index keys "Læticia Hallyday" and "Laeticia Hallyday" alike (æ is ae to the transliterator), so the
// person and speaker facets count them as one value, as person: and speaker: find them. Letters that don't
// decompose (æ, œ, ø, ß, ł…) made a name a group of its own: "Læticia Hallyday" 1 and "Laeticia Hallyday" 2
// here, each finding 3 when clicked (on OrangeSum, 1 and 22 for 23). Both modes, with and without columns.
BOOST_FIXTURE_TEST_CASE(names_with_ligatures_are_one_facet_value_with_their_plain_spelling, Fixture) {
  const fs::path extra = dir / "ligatures";
  write_file(extra / "names.jsonl",
             R"({"id":"l1","title":"Héritage","date":"2019-09-10","text":"Læticia Hallyday a confirmé mardi )"
             R"(qu'elle resterait à Saint-Barth. « Nous irons jusqu'au bout », a déclaré Læticia Hallyday devant )"
             R"(la presse."})"
             "\n"
             R"({"id":"l2","title":"Succession","date":"2019-09-11","text":"Laeticia Hallyday a annoncé lundi un )"
             R"(accord avec David Hallyday. « Le texte sera signé », a déclaré Laeticia Hallyday jeudi."})"
             "\n"
             R"({"id":"l3","title":"Concert","date":"2019-09-12","text":"Laeticia Hallyday était au concert de )"
             R"(Johnny Hallyday à Paris. « C'était magnifique », a déclaré Laeticia Hallyday."})"
             "\n");
  BOOST_TEST_REQUIRE(index_into(db, extra.string()) == 0);
  const auto count = [&](const std::string& facet, gazette::SearchMode mode) {
    gazette::Searcher searcher({db});
    gazette::SearchRequest r;
    r.mode = mode;
    r.query = "date:2019-09";
    r.facets = {facet};
    r.facet_limit = 100;
    const auto result = searcher.search(r);
    std::map<std::string, std::uint64_t> out;
    for (const auto& v : result.facets.at(0).values)
      if (v.value.find("Hallyday") != std::string::npos) out[v.value] = v.count;
    return out;
  };
  using Counts = std::map<std::string, std::uint64_t>;
  const std::vector<std::tuple<std::string, gazette::SearchMode, Counts>> cases = {
      {"person", gazette::SearchMode::Articles,
       {{"Laeticia Hallyday", 3}, {"David Hallyday", 1}, {"Johnny Hallyday", 1}}},
      {"speaker", gazette::SearchMode::Articles, {{"Laeticia Hallyday", 3}}},
      {"speaker", gazette::SearchMode::Quotes, {{"Laeticia Hallyday", 3}}},
  };
  for (const auto& [facet, mode, expected] : cases) {
    const Counts with = count(facet, mode);
    BOOST_TEST((with == expected), facet << " in mode " << static_cast<int>(mode));
    BOOST_TEST((without_columns([&, &facet = facet, &mode = mode] { return count(facet, mode); }) == with));
    for (const auto& [value, n] : with)
      BOOST_TEST(total_of(db, "date:2019-09 " + facet + ":\"" + value + "\"", mode) == n, value << " in mode "
                                                                                         << static_cast<int>(mode));
  }
}
