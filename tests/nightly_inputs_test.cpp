// Bad input through the real gazette-index: every bad file gets one line on stderr naming it (and the line,
// for JSON Lines), the good articles beside it — in the same directory and in the same file — are indexed
// all the same, and the exit status says partial (3) or failed (2). --prune never deletes the articles of a
// source it failed to read this time. The readers' own messages are tested one by one in readers_errors_test;
// this is the whole run.
#define BOOST_TEST_MODULE nightly_inputs
#include <boost/test/unit_test.hpp>

#include <unistd.h>
#include <zlib.h>

#include <fstream>
#include <regex>
#include <sstream>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "support/gzip.h"
#include "gazette/analyzer.h"
#include "gazette/document.h"
#include "gazette/error.h"
#include "gazette/indexer.h"
#include "gazette/readers.h"
#include "gazette/schema.h"
#include "support/corpus_db.h"

namespace fs = std::filesystem;
using gazette::testing::make_temp_dir;
using gazette::testing::read_file;
using gazette::testing::run_command;
using gazette::testing::shell_quote;
using gazette::testing::write_file;

namespace {

using gazette::testing::gzip;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// 200 rows of real French sentences, different enough that each is its own article.
std::string feed_rows(int n) {
  std::string rows;
  for (int i = 1; i <= n; ++i)
    rows += nlohmann::json{{"id", "d" + std::to_string(i)},
                           {"title", "Dépêche n° " + std::to_string(i)},
                           {"date", "2019-05-" + std::to_string(10 + i % 18)},
                           {"text", "Le conseil municipal de la commune numéro " + std::to_string(i) +
                                        " a voté le budget de l'année, après un débat de trois heures sur la rénovation "
                                        "de l'école et du gymnase."}}
                .dump() +
            "\n";
  return rows;
}

struct Run {
  int rc;
  nlohmann::json summary;
  std::vector<std::string> errors;  // stderr lines
};

// `cwd`: where to run it from, for sources given as relative paths.
Run index(const fs::path& work, const std::string& db, const std::vector<std::string>& args,
          const fs::path& cwd = {}) {
  std::string cmd = (cwd.empty() ? "" : "cd " + shell_quote(cwd.string()) + " && ") + std::string(GAZETTE_INDEX_BIN) +
                    " --json --db " + shell_quote(db);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  const fs::path out = work / "out.json", err = work / "err.txt";
  cmd += " >" + shell_quote(out.string()) + " 2>" + shell_quote(err.string());
  Run r{run_command(cmd), nlohmann::json::parse(read_file(out), nullptr, false), lines_of(read_file(err))};
  BOOST_TEST_INFO("stderr: " << read_file(err));
  return r;
}

Xapian::doccount articles_in(const std::string& db) { return Xapian::Database(db).get_termfreq("XKarticle"); }

const fs::path kSeed = fs::path(GAZETTE_SOURCE_DIR) / "corpus/000_b35c598148b0eacd.txt";

}  // namespace

BOOST_AUTO_TEST_CASE(each_bad_input_is_one_line_and_the_rest_is_indexed) {
  const fs::path work = make_temp_dir("gazette-inputs");
  const fs::path src = work / "src";
  fs::create_directories(src / "good");
  fs::copy_file(kSeed, src / "good/seed.txt");
  write_file(src / "a_invalid.txt", "Titre\n\nUn café puis \xFF ici.\n");
  write_file(src / "b_binary.txt", std::string("PK\x03\x04\0\0\x14\0binaire", 16));
  write_file(src / "c_empty.txt", "");
  std::string huge;
  while (huge.size() < 50u * 1024 * 1024) huge += "Le conseil municipal s'est réuni hier soir pour voter le budget. ";
  write_file(src / "d_huge.txt", huge);  // one 50 MB "article"
  write_file(src / "e_feed.jsonl", feed_rows(2) + "{\"id\": \"x\", \"title\": \"coupé\n" +
                                       R"({"id": "d3", "title": "Après", "text": "La ligne suivante est lue."})" + "\n");
  const std::string rows = feed_rows(200);
  const std::string gz = gzip(rows);
  write_file(src / "f_truncated.jsonl.gz", gz.substr(0, gz.size() / 2));
  write_file(src / "g_huge_line.jsonl", feed_rows(1) + "{\"id\": \"big\", \"text\": \"" + huge + "\"}\n");
  fs::create_directory_symlink(".", src / "h_loop");
  fs::create_symlink("i_self", src / "i_self");
  const bool root = geteuid() == 0;  // permissions don't stop root
  if (!root) {
    write_file(src / "j_secret.txt", "Secret.");
    fs::permissions(src / "j_secret.txt", fs::perms::none);
    write_file(src / "k_locked/article.txt", "Fermé.");
    fs::permissions(src / "k_locked", fs::perms::none);
  }

  const std::string db = (work / "inputs.db").string();
  const Run r = index(work, db, {src.string()});
  if (!root) fs::permissions(src / "k_locked", fs::perms::owner_all);

  const std::string s = src.string() + "/";
  std::vector<std::string> expected{
      "gazette-index: " + s + "a_invalid.txt:3: invalid UTF-8 at byte offset 21 (byte 0xFF); the file must be UTF-8",
      "gazette-index: " + s + "b_binary.txt: binary file (NUL byte at byte offset 4): skipped",
      "gazette-index: " + s + "c_empty.txt: empty file",
      "gazette-index: " + s + "d_huge.txt: larger than the 20 MB limit for one article: skipped",
      "gazette-index: " + s + "e_feed.jsonl:3: malformed JSON",
      "gazette-index: " + s + "f_truncated.jsonl.gz",
      "gazette-index: " + s + "g_huge_line.jsonl:2: line longer than the 20 MB limit for one article: skipped",
      "gazette-index: " + s + "h_loop: symlink loop: this directory contains itself; not followed",
      "gazette-index: " + s + "i_self: symlink loop (too many levels of symbolic links)",
  };
  if (!root) {
    expected.push_back("gazette-index: " + s + "j_secret.txt: cannot open: Permission denied");
    expected.push_back("gazette-index: " + s + "k_locked: cannot read directory: Permission denied");
  }
  BOOST_TEST(r.rc == gazette::kExitPartial);
  BOOST_TEST_REQUIRE(r.errors.size() == expected.size());
  std::vector<std::string> sorted = r.errors;
  std::sort(sorted.begin(), sorted.end());
  std::sort(expected.begin(), expected.end());
  for (std::size_t i = 0; i < expected.size(); ++i) BOOST_TEST(sorted[i].starts_with(expected[i]), sorted[i]);
  BOOST_TEST_REQUIRE(r.summary.is_object());
  BOOST_TEST(r.summary["failed"] == expected.size());

  // What the truncated file held before the cut is indexed; its line says how far it got.
  const std::string truncated = *std::find_if(sorted.begin(), sorted.end(), [](const std::string& l) {
    return l.find("f_truncated.jsonl.gz") != std::string::npos;
  });
  const std::size_t read_rows = r.summary["added"].get<std::size_t>() - 1 - 3 - 1;  // seed, e_feed, g_huge_line
  BOOST_TEST(read_rows > 10u);
  BOOST_TEST(read_rows < 200u);
  BOOST_TEST(truncated.find(std::to_string(read_rows) + " rows before this line were read") != std::string::npos, truncated);
  BOOST_TEST(articles_in(db) == r.summary["added"].get<std::size_t>());
  const Xapian::Database x(db);
  for (const char* id : {"Qgood/seed.txt", "Qe_feed.jsonl#d1", "Qe_feed.jsonl#d3", "Qg_huge_line.jsonl#d1",
                         "Qf_truncated.jsonl.gz#d1"})
    BOOST_TEST(x.term_exists(id), id);
  BOOST_TEST(!x.term_exists("Qd_huge.txt"));

  std::error_code ec;
  fs::remove_all(work, ec);
}

BOOST_AUTO_TEST_CASE(nothing_readable_is_a_failure) {
  const fs::path work = make_temp_dir("gazette-inputs");
  write_file(work / "src/empty.txt", "");
  write_file(work / "src/broken.jsonl", "pas du JSON\n");
  const Run r = index(work, (work / "x.db").string(), {(work / "src").string(), (work / "missing").string()});
  BOOST_TEST(r.rc == gazette::kExitError);
  const std::vector<std::string> expected{
      "gazette-index: " + (work / "src/broken.jsonl").string() + ":1: malformed JSON at byte 1 of the line",
      "gazette-index: " + (work / "src/empty.txt").string() + ": empty file",
      "gazette-index: " + (work / "missing").string() + ": no such file or directory",
  };
  BOOST_TEST_REQUIRE(r.errors.size() == expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) BOOST_TEST(r.errors[i].starts_with(expected[i]), r.errors[i]);
  BOOST_TEST(r.summary["failed"] == 3);
  std::error_code ec;
  fs::remove_all(work, ec);
}

// Past 50 bad lines a feed sums up the rest in one line, but `failed` counts every bad line.
BOOST_AUTO_TEST_CASE(failed_counts_the_bad_lines_a_feed_does_not_report) {
  const fs::path work = make_temp_dir("gazette-inputs");
  std::string lines = feed_rows(1);
  for (int i = 0; i < 200; ++i) lines += "pas du JSON\n";
  write_file(work / "src/feed.jsonl", lines);
  const Run r = index(work, (work / "x.db").string(), {(work / "src").string()});
  BOOST_TEST(r.rc == gazette::kExitPartial);
  BOOST_TEST_REQUIRE(r.errors.size() == 51u);
  BOOST_TEST(r.errors[50] ==
             "gazette-index: " + (work / "src/feed.jsonl").string() + ": 150 more bad lines not reported");
  BOOST_TEST(r.summary["failed"] == 200);
  BOOST_TEST(r.summary["added"] == 1);
  std::error_code ec;
  fs::remove_all(work, ec);
}

BOOST_AUTO_TEST_CASE(prune_keeps_the_articles_of_sources_that_failed) {
  const fs::path work = make_temp_dir("gazette-inputs");
  const fs::path src = work / "src", more = work / "more";
  write_file(src / "feed.jsonl.gz", gzip(feed_rows(200)));
  fs::create_directories(src / "texts");
  fs::copy_file(kSeed, src / "texts/seed.txt");
  write_file(src / "gone.txt", "Un article qui va disparaître de l'archive.");
  write_file(more / "other.txt", "Un article dans une deuxième source.");
  const std::string db = (work / "prune.db").string();
  BOOST_TEST_REQUIRE(index(work, db, {src.string(), more.string()}).rc == 0);
  BOOST_TEST_REQUIRE(articles_in(db) == 203u);

  // The feed is now cut in the middle and a file is really gone: only the latter is pruned.
  const std::string gz = read_file(src / "feed.jsonl.gz");
  write_file(src / "feed.jsonl.gz", gz.substr(0, gz.size() / 2));
  fs::remove(src / "gone.txt");
  // What was kept, and why, is said: one line (and an entry of the summary) for the feed.
  Run r = index(work, db, {"--prune", src.string(), more.string()});
  BOOST_TEST(r.rc == gazette::kExitPartial);
  BOOST_TEST_REQUIRE(r.errors.size() == 2u);
  BOOST_TEST(r.summary["removed"] == 1);
  BOOST_TEST(articles_in(db) == 202u);
  const int cut = 200 - (r.summary["unchanged"].get<int>() - 2);  // the feed's rows past the cut
  BOOST_TEST_REQUIRE(cut > 10);
  const std::string feed = (src / "feed.jsonl.gz").string();
  BOOST_TEST(r.errors[1] == "gazette-index: " + feed + ": not pruned, as it had input errors; " + std::to_string(cut) +
                                " articles not seen this run are kept");
  BOOST_TEST(r.summary["not_pruned"] ==
             nlohmann::json::parse(R"([{"path": ")" + feed + R"(", "reason": "input errors", "kept": )" +
                                   std::to_string(cut) + "}]"));

  // A whole source missing (an unmounted disk) could have held any id: nothing is pruned.
  fs::remove_all(more);
  r = index(work, db, {"--prune", src.string(), more.string()});
  BOOST_TEST(r.rc == gazette::kExitPartial);
  BOOST_TEST_REQUIRE(r.errors.size() == 4u);
  BOOST_TEST(r.errors[3] == "gazette-index: nothing pruned: " + more.string() +
                                " could not be read; 1 article not seen this run is kept");
  BOOST_TEST(r.summary["not_pruned"].size() == 2u);
  BOOST_TEST(r.summary["not_pruned"][1]["reason"] == "unreadable source");
  BOOST_TEST(r.summary["removed"] == 0);
  BOOST_TEST(articles_in(db) == 202u);

  // Once the sources read cleanly again, --prune does its work.
  write_file(src / "feed.jsonl.gz", gzip(feed_rows(200)));
  r = index(work, db, {"--prune", src.string()});
  BOOST_TEST(r.rc == 0);
  BOOST_TEST(r.errors.empty());
  BOOST_TEST(!r.summary.contains("not_pruned"));
  BOOST_TEST(r.summary["removed"] == 1);  // other.txt
  BOOST_TEST(articles_in(db) == 201u);
  std::error_code ec;
  fs::remove_all(work, ec);
}

// An empty source directory (a mount point whose disk is not mounted) yields no articles and no error, and
// --prune used to delete everything it had held, exiting 0. It could have held any id, like a missing source:
// nothing is pruned, with one line saying why.
BOOST_AUTO_TEST_CASE(prune_deletes_nothing_when_a_source_holds_no_articles) {
  const fs::path work = make_temp_dir("gazette-inputs");
  const fs::path src = work / "src", disk = work / "disk";
  write_file(src / "a.txt", "Le conseil municipal a voté le budget de l'école.");
  write_file(src / "b.txt", "La piscine municipale rouvrira ses portes en juin.");
  write_file(disk / "c.txt", "Le marché de Noël s'installe sur la place de la mairie.");
  write_file(disk / "d.txt", "La médiathèque prolonge ses horaires d'ouverture le samedi.");
  const std::string db = (work / "empty.db").string();
  BOOST_TEST_REQUIRE(index(work, db, {src.string(), disk.string()}).rc == 0);
  BOOST_TEST_REQUIRE(articles_in(db) == 4u);

  fs::remove(src / "b.txt");
  fs::remove(disk / "c.txt");
  fs::remove(disk / "d.txt");
  Run r = index(work, db, {"--prune", src.string(), disk.string()});
  BOOST_TEST(r.rc == gazette::kExitOk);
  BOOST_TEST(r.errors == std::vector<std::string>{"gazette-index: nothing pruned: " + disk.string() +
                                                  " holds no articles (an unmounted disk?); 3 articles not seen this "
                                                  "run are kept"});
  BOOST_TEST(r.summary["not_pruned"] == nlohmann::json::parse(R"([{"path": ")" + disk.string() +
                                                             R"(", "reason": "no articles", "kept": 3}])"));
  BOOST_TEST(r.summary["removed"] == 0);
  BOOST_TEST(articles_in(db) == 4u);

  write_file(disk / "c.txt", "Le marché de Noël s'installe sur la place de la mairie.");
  r = index(work, db, {"--prune", src.string(), disk.string()});
  BOOST_TEST(r.rc == gazette::kExitOk);
  BOOST_TEST(r.errors.empty());
  BOOST_TEST(r.summary["removed"] == 2);  // b.txt and d.txt
  BOOST_TEST(articles_in(db) == 2u);
  std::error_code ec;
  fs::remove_all(work, ec);
}

// --rebuild over a source that holds nothing (its disk not mounted) once put an empty database in place of the
// archive. It now fails and leaves the database as it was, sharded or not.
BOOST_AUTO_TEST_CASE(a_rebuild_that_reads_nothing_keeps_the_database) {
  const fs::path work = make_temp_dir("gazette-inputs");
  const fs::path src = work / "src", unmounted = work / "mnt";
  write_file(src / "a.txt", "Le conseil municipal a voté le budget de l'école.");
  write_file(src / "b.txt", "La piscine municipale rouvrira ses portes en juin.");
  fs::create_directories(unmounted);
  for (const std::string name : {"one.db", "sharded.stub"}) {
    const std::string db = (work / name).string();
    std::vector<std::string> shard;
    if (name == "sharded.stub") shard = {"--shard", "year"};
    std::vector<std::string> args = shard;
    args.push_back(src.string());
    BOOST_TEST_REQUIRE(index(work, db, args).rc == 0);
    args = shard;
    args.insert(args.end(), {"--rebuild", unmounted.string()});
    const Run r = index(work, db, args);
    BOOST_TEST_CONTEXT(name) {
      BOOST_TEST(r.rc == 2);
      const std::vector<std::string> expected = {
          "gazette-index: the rebuild read no articles, so " + db + " was kept as it was (2 articles)",
          "hint: check that the sources are there (an unmounted disk?)"};
      BOOST_TEST(r.errors == expected, boost::test_tools::per_element());
      BOOST_TEST(articles_in(db) == 2u);
      BOOST_TEST(!fs::exists(db + ".new"));
    }
  }
  std::error_code ec;
  fs::remove_all(work, ec);
}

// Rows identified by their URL (no "id") or by file and line (neither) carry no "file#" prefix: only the
// stored record's origin says which file they came from. A truncated feed keeps them all, even when the next
// run names the source another way (relative, from its parent directory).
BOOST_AUTO_TEST_CASE(prune_keeps_the_rows_of_a_truncated_feed_whatever_their_ids) {
  const fs::path work = make_temp_dir("gazette-inputs");
  const fs::path src = work / "src";
  std::string by_url, by_line;
  for (const std::string& line : lines_of(feed_rows(200))) {
    nlohmann::json row = nlohmann::json::parse(line);
    row["url"] = "https://exemple.fr/depeches/" + row["id"].get<std::string>();
    row.erase("id");
    by_url += row.dump() + "\n";
    row.erase("url");
    by_line += row.dump() + "\n";
  }
  write_file(src / "urls.jsonl.gz", gzip(by_url));
  write_file(src / "lines.jsonl.gz", gzip(by_line));
  write_file(src / "gone.txt", "Un article qui va disparaître de l'archive.");
  const std::string db = (work / "prune.db").string();
  BOOST_TEST_REQUIRE(index(work, db, {src.string()}).rc == 0);
  BOOST_TEST_REQUIRE(articles_in(db) == 401u);
  BOOST_TEST_REQUIRE(Xapian::Database(db).term_exists("Qhttps://exemple.fr/depeches/d200"));
  BOOST_TEST_REQUIRE(Xapian::Database(db).term_exists("Qlines.jsonl.gz:200"));

  for (const char* feed : {"urls.jsonl.gz", "lines.jsonl.gz"}) {
    const std::string gz = read_file(src / feed);
    write_file(src / feed, gz.substr(0, gz.size() / 2));
  }
  fs::remove(src / "gone.txt");
  for (const std::string& spelling : {src.string(), std::string("./src")}) {
    BOOST_TEST_CONTEXT("source given as " << spelling) {
      const Run r = index(work, db, {"--prune", spelling}, work);
      BOOST_TEST(r.rc == gazette::kExitPartial);
      BOOST_TEST(r.summary["removed"] == (spelling == src.string() ? 1 : 0));  // gone.txt, the first time
      BOOST_TEST(articles_in(db) == 400u);
    }
  }
  std::error_code ec;
  fs::remove_all(work, ec);
}

// A row that moves to another feed keeps its id (a URL is global) and its content hash. It used to be skipped
// as unchanged, so its stored origin went on naming the feed it had left; when its new feed then failed to
// read, --prune found no failed file in that origin and deleted it (73 rows of a truncated feed in a nightly
// run). A moved row is now re-indexed once, which records its new file, and the failed feed keeps it.
BOOST_AUTO_TEST_CASE(prune_keeps_rows_moved_to_a_feed_that_then_fails) {
  const fs::path work = make_temp_dir("gazette-inputs");
  const fs::path src = work / "src";
  std::vector<std::string> rows;
  for (const std::string& line : lines_of(feed_rows(200))) {
    nlohmann::json row = nlohmann::json::parse(line);
    row["url"] = "https://exemple.fr/depeches/" + row["id"].get<std::string>();
    row.erase("id");
    rows.push_back(row.dump() + "\n");
  }
  const auto rows_between = [&](std::size_t first, std::size_t end) {
    std::string text;
    for (std::size_t i = first; i < end; ++i) text += rows[i];
    return text;
  };
  const std::string db = (work / "prune.db").string();
  write_file(src / "a.jsonl.gz", gzip(rows_between(0, 200)));
  BOOST_TEST_REQUIRE(index(work, db, {"--prune", src.string()}).rc == gazette::kExitOk);
  BOOST_TEST_REQUIRE(articles_in(db) == 200u);

  // The last 80 rows move, byte for byte, to a feed of their own; the 120 others stay on their lines.
  write_file(src / "a.jsonl.gz", gzip(rows_between(0, 120)));
  write_file(src / "b.jsonl.gz", gzip(rows_between(120, 200)));
  Run r = index(work, db, {"--prune", src.string()});
  BOOST_TEST(r.rc == gazette::kExitOk);
  BOOST_TEST(r.errors.empty());
  BOOST_TEST(r.summary["updated"] == 80);  // each moved row once, to record its new file
  BOOST_TEST(r.summary["unchanged"] == 120);
  BOOST_TEST(r.summary["added"] == 0);
  BOOST_TEST(r.summary["removed"] == 0);
  const Xapian::Database moved(db);
  const auto record = nlohmann::json::parse(
      moved.get_document(*moved.postlist_begin("Qhttps://exemple.fr/depeches/d200")).get_data(), nullptr, false);
  BOOST_TEST(record["origin"] == (src / "b.jsonl.gz").string() + ":80");

  // b.jsonl.gz is cut in the middle: the rows before the cut are read, those after it must be kept.
  const std::string feed = (src / "b.jsonl.gz").string();
  const std::string gz = read_file(feed);
  write_file(feed, gz.substr(0, gz.size() / 2));
  std::size_t still_read = 0;
  gazette::read_sources({feed}, [&](gazette::Article&&) { ++still_read; }, [](const gazette::InputError&) {});
  BOOST_TEST_REQUIRE(still_read > 10u);
  BOOST_TEST_REQUIRE(still_read < 70u);
  const std::size_t kept = 80 - still_read;
  for (const int run : {1, 2}) {
    BOOST_TEST_CONTEXT("run " << run << " with b.jsonl.gz cut") {
      r = index(work, db, {"--prune", src.string()});
      BOOST_TEST(r.rc == gazette::kExitPartial);
      BOOST_TEST(r.summary["removed"] == 0);
      BOOST_TEST(r.summary["unchanged"] == 120 + still_read);
      BOOST_TEST(r.summary["updated"] == 0);
      BOOST_TEST(r.summary["added"] == 0);
      BOOST_TEST(articles_in(db) == 200u);
      const Xapian::Database x(db);
      for (int i = 121; i <= 200; ++i) {
        const std::string id = "Qhttps://exemple.fr/depeches/d" + std::to_string(i);
        BOOST_TEST(x.term_exists(id), id);
      }
      BOOST_TEST(r.summary["not_pruned"] ==
                 nlohmann::json::parse(R"([{"path": ")" + feed + R"(", "reason": "input errors", "kept": )" +
                                       std::to_string(kept) + "}]"));
      BOOST_TEST_REQUIRE(r.errors.size() == 2u);
      BOOST_TEST(r.errors[0].starts_with("gazette-index: " + feed + ":"), r.errors[0]);
      BOOST_TEST(r.errors[1] == "gazette-index: " + feed + ": not pruned, as it had input errors; " +
                                    std::to_string(kept) + " articles not seen this run are kept");
    }
  }
  std::error_code ec;
  fs::remove_all(work, ec);
}

// An id read twice in one run is one article, the first read; each later one is one error line naming
// where the id was first read, as a row repeated inside one feed already was. A URL is an id of its own, so
// two feeds may both carry the same page; two directory sources may both hold "x.txt". The later copy used
// to overwrite the first, and every no-change run then rewrote both (updated 2, a new revision).
BOOST_AUTO_TEST_CASE(an_id_read_twice_in_a_run_is_one_article_the_first_read) {
  const fs::path work = make_temp_dir("gazette-inputs");
  const std::string url = "https://exemple.fr/2019/budget-municipal";
  auto row = [&](const std::string& date, const std::string& text) {
    return nlohmann::json{{"url", url}, {"title", "Le budget municipal"}, {"date", date}, {"text", text}}.dump() + "\n";
  };
  write_file(work / "src/a.jsonl", row("2018-12-30", "« Nous ne céderons jamais », a déclaré le maire Jean Dupont."));
  write_file(work / "src/b.jsonl", row("2019-01-02", "« Le budget reste équilibré », a affirmé le maire Jean Dupont."));
  const std::vector<std::string> duplicate{"gazette-index: " + (work / "src/b.jsonl").string() + ":1: duplicate id \"" +
                                           url + "\" (first read from " + (work / "src/a.jsonl").string() +
                                           ":1): skipped"};
  for (const std::vector<std::string>& extra : {std::vector<std::string>{}, {"--shard", "year"}}) {
    BOOST_TEST_CONTEXT("extra arguments: " << (extra.empty() ? "none" : extra[0] + " " + extra[1])) {
      const std::string db = (work / (extra.empty() ? "one.db" : "years.stub")).string();
      std::vector<std::string> args = extra;
      args.push_back((work / "src").string());
      for (const bool again : {false, true}) {
        const Run r = index(work, db, args);
        BOOST_TEST(r.rc == gazette::kExitPartial);
        BOOST_TEST(r.errors == duplicate, "run " << (again ? 2 : 1));
        BOOST_TEST(r.summary["added"] == (again ? 0 : 1));
        BOOST_TEST(r.summary["updated"] == 0);
        BOOST_TEST(r.summary["unchanged"] == (again ? 1 : 0));
        BOOST_TEST(r.summary["failed"] == 1);
      }
      const Xapian::Database xdb(db);
      BOOST_TEST(xdb.get_termfreq("Q" + url) == 1u);
      BOOST_TEST(xdb.get_termfreq("XKarticle") == 1u);
      BOOST_TEST(xdb.get_termfreq("cederons") == 2u, "the article and its one quote document");
      BOOST_TEST(xdb.get_termfreq("Y2018") == 2u, "the first copy's year, on the article and its quote");
      BOOST_TEST(xdb.get_termfreq("equilibre") == 0u, "nothing of the second copy");
      BOOST_TEST(xdb.get_termfreq("XAID" + url) == 1u);
    }
  }

  write_file(work / "dA/x.txt", "Le conseil municipal a voté le budget de l'école.");
  write_file(work / "dB/x.txt", "La piscine municipale rouvrira ses portes en juin.");
  const std::string db = (work / "two.db").string();
  const std::vector<std::string> sources{(work / "dA").string(), (work / "dB").string()};
  const std::vector<std::string> repeated{"gazette-index: " + (work / "dB/x.txt").string() +
                                          ": duplicate id \"x.txt\" (first read from " + (work / "dA/x.txt").string() +
                                          "): skipped"};
  Run r = index(work, db, sources);
  BOOST_TEST(r.rc == gazette::kExitPartial);
  BOOST_TEST(r.errors == repeated);
  BOOST_TEST(r.summary["added"] == 1);
  BOOST_TEST(r.summary["failed"] == 1);
  const Xapian::rev revision = Xapian::Database(db).get_revision();
  r = index(work, db, sources);
  BOOST_TEST(r.errors == repeated);
  BOOST_TEST(r.summary["unchanged"] == 1);
  BOOST_TEST(r.summary["updated"] == 0);
  BOOST_TEST(r.summary["added"] == 0);
  const Xapian::Database xdb(db);
  BOOST_TEST(xdb.get_revision() == revision, "a run that changes nothing writes nothing");
  BOOST_TEST(xdb.get_termfreq("ecole") == 1u);
  BOOST_TEST(xdb.get_termfreq("piscine") == 0u);
  std::error_code ec;
  fs::remove_all(work, ec);
}

// Progress compares the input consumed with all the input in one measure, the bytes as stored: a .jsonl.gz
// counts its compressed bytes. Article text against file sizes said "ETA 1 s" from the start of a .jsonl.gz
// (its text is many times its size) and then nothing, and too much for HTML.
BOOST_AUTO_TEST_CASE(progress_counts_the_input_as_stored) {
  const fs::path work = make_temp_dir("gazette-inputs");
  const fs::path src = work / "src";
  fs::create_directories(src);
  fs::copy_file(kSeed, src / "a.txt");
  write_file(src / "b.html", "<html><head><title>Le musée</title></head><body><p>Il rouvre.</p></body></html>");
  write_file(src / "c.jsonl", feed_rows(3));
  write_file(src / "d.jsonl.gz", gzip(feed_rows(600)));
  const std::string cut = gzip(feed_rows(300));
  write_file(src / "e_truncated.jsonl.gz", cut.substr(0, cut.size() / 2));
  write_file(src / "notes.ann", "T1 PER 0 5 Jean\n");  // not read, so not counted
  write_file(src / ".hidden.txt", "Caché.");
  std::uint64_t expected = 0;
  for (const char* f : {"a.txt", "b.html", "c.jsonl", "d.jsonl.gz", "e_truncated.jsonl.gz"})
    expected += fs::file_size(src / f);
  BOOST_TEST(gazette::input_bytes({src.string(), (src / "c.jsonl").string()}) == expected, "each file once");

  std::uint64_t told = 0;
  gazette::ReadOptions options;
  options.on_input_bytes = [&](std::uint64_t bytes) { told += bytes; };
  gazette::read_sources({src.string()}, [](gazette::Article&&) {}, [](const gazette::InputError&) {}, options);
  BOOST_TEST(told == expected);

  gazette::IndexOptions run;
  run.db_path = (work / "p.db").string();
  run.sources = {src.string()};
  std::vector<double> fractions;
  gazette::IndexCallbacks callbacks;
  callbacks.on_progress = [&](const gazette::IndexProgress& p) {
    BOOST_TEST(p.bytes_total == expected);
    fractions.push_back(p.fraction());
  };
  gazette::run_index(run, callbacks);
  BOOST_TEST_REQUIRE(fractions.size() >= 2u);
  for (std::size_t i = 0; i < fractions.size(); ++i) {
    BOOST_TEST(fractions[i] > 0.0);
    BOOST_TEST(fractions[i] < 1.0, "the truncated feed is still to come");
    if (i > 0) BOOST_TEST(fractions[i] >= fractions[i - 1]);
  }

  gazette::IndexProgress p;
  p.bytes_total = 100;
  BOOST_TEST(p.eta_seconds(10) == -1.0, "no pace before anything is read");
  p.bytes_read = 25;
  BOOST_TEST(p.fraction() == 0.25);
  BOOST_TEST(p.eta_seconds(10) == 30.0);
  p.bytes_read = 100;
  BOOST_TEST(p.eta_seconds(10) == 0.0);
  p.bytes_total = 0;
  BOOST_TEST(p.fraction() == -1.0);
  BOOST_TEST(p.eta_seconds(10) == -1.0);
  std::error_code ec;
  fs::remove_all(work, ec);
}

// A usage error is one readable line and exit 2, before anything is touched: "--batch 0" said "Value 0 not in
// range 0.000000 to 1797693…", and "--shard hash:0" left X.lock behind. --version names the versions a
// database built by this program carries.
BOOST_AUTO_TEST_CASE(usage_errors_touch_nothing_and_version_names_the_formats) {
  const fs::path work = make_temp_dir("gazette-inputs");
  const std::string db = (work / "x.db").string();
  for (const char* option : {"--batch", "--part-size"}) {
    const Run r = index(work, db, {option, "0", kSeed.string()});
    BOOST_TEST(r.rc == gazette::kExitError);
    BOOST_TEST(r.errors == (std::vector<std::string>{std::string(option) + ": must be a whole number of at least 1, "
                                                                           "not '0'",
                                                     "Run with --help for more information."}));
  }
  const Run bad_rule = index(work, db, {"--shard", "hash:0", kSeed.string()});
  BOOST_TEST(bad_rule.rc == gazette::kExitError);
  BOOST_TEST(bad_rule.errors ==
             (std::vector<std::string>{"gazette-index: bad shard rule 'hash:0'",
                                       "hint: use --shard year or --shard hash:N (N from 1 to 1024)"}));
  BOOST_TEST(!fs::exists(db + ".lock"));
  BOOST_TEST(!fs::exists(db));

  std::smatch version;
  const std::string cmake = read_file(fs::path(GAZETTE_SOURCE_DIR) / "CMakeLists.txt");
  BOOST_TEST_REQUIRE(std::regex_search(cmake, version, std::regex(R"(project\(gazette VERSION ([0-9.]+))")));
  const std::string out = (work / "version.txt").string();
  BOOST_TEST(run_command(std::string(GAZETTE_INDEX_BIN) + " --version >" + shell_quote(out)) == 0);
  BOOST_TEST(read_file(out) == "gazette-index " + version[1].str() + " (schema " +
                                   std::to_string(gazette::schema::kVersion) + ", analyzer " +
                                   std::to_string(gazette::FrenchAnalyzer::kVersion) + ", document " +
                                   std::to_string(gazette::kDocumentVersion) + ")\n");
  std::error_code ec;
  fs::remove_all(work, ec);
}

// Archives written before UTF-8: --text-encoding reads the .txt files (and the HTML pages that declare
// nothing) in that encoding; a page's own declaration still wins, and an encoding ICU doesn't know is a
// usage error before anything is read.
BOOST_AUTO_TEST_CASE(text_encoding_reads_archives_written_before_utf8) {
  const fs::path work = make_temp_dir("gazette-inputs");
  write_file(work / "src/latin1.txt", "Le mus\xe9" "e rouvre\n\nL'\x9cuvre co\xfbte 5 \x80, a d\xe9" "clar\xe9 le maire.\n");
  write_file(work / "src/undeclared.html", "<title>Caf\xe9</title><p>Th\xe9 \xe0 2 \x80.</p>");
  write_file(work / "src/declared.html", "<meta charset=\"utf-8\"><title>Déjà UTF-8</title><p>Thé.</p>");
  const std::string db = (work / "x.db").string();
  const Run without = index(work, db, {(work / "src").string()});
  BOOST_TEST(without.rc == gazette::kExitPartial);
  BOOST_TEST(without.errors.size() == 2u);  // the two undeclared files are not UTF-8

  const Run with = index(work, db, {"--text-encoding", "latin1", (work / "src").string()});
  BOOST_TEST(with.rc == gazette::kExitOk);
  BOOST_TEST(with.errors.empty());
  BOOST_TEST(with.summary["added"] == 2);
  BOOST_TEST(with.summary["unchanged"] == 1);
  const std::string query_out = (work / "q.json").string();
  BOOST_TEST(run_command(std::string(GAZETTE_QUERY_BIN) + " --json --db " + shell_quote(db) + " 'œuvre maire' >" +
                         shell_quote(query_out)) == 0);
  const auto hits = nlohmann::json::parse(read_file(query_out))["results"];
  BOOST_TEST_REQUIRE(hits.size() == 1u);
  BOOST_TEST(hits[0]["title"] == "Le musée rouvre");
  BOOST_TEST(hits[0]["snippet"].get<std::string>().find("coûte 5 €") != std::string::npos, hits[0]["snippet"]);

  const Run bogus = index(work, db, {"--text-encoding", "klingon-8", (work / "src").string()});
  BOOST_TEST(bogus.rc == gazette::kExitError);
  BOOST_TEST_REQUIRE(bogus.errors.size() >= 1u);
  BOOST_TEST(bogus.errors[0].find("unknown encoding 'klingon-8'") != std::string::npos, bogus.errors[0]);
  std::error_code ec;
  fs::remove_all(work, ec);
}
