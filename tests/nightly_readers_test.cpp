// Readers keep answering while the nightly run commits: an incremental gazette-index run replaces 200
// articles of the corpus (each gets a new paragraph with a quote) in batches of 4, while three readers search
// without pause — a Searcher kept open (as the web server does), a fresh Searcher per query (as gazette-query
// does) and a bare Xapian reader. No reader may see an error, and every answer must be a state between two
// commits: the count of changed articles a multiple of the batch size, an article never without its quote,
// the article count unchanged, the seed query's answer unchanged.
#define BOOST_TEST_MODULE nightly_readers
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>
#include <xapian.h>

#include "gazette/error.h"
#include "gazette/search.h"
#include "support/corpus_db.h"

namespace fs = std::filesystem;
using gazette::testing::make_temp_dir;
using gazette::testing::read_file;
using gazette::testing::run_command;
using gazette::testing::shell_quote;

namespace {

constexpr std::size_t kChanged = 200;
constexpr std::size_t kBatch = 4;
const std::string kMarker = "zorglubine";  // in no article of the corpus
const std::string kSeed1 = "000_b35c598148b0eacd.txt";
const std::string kSeed2 = "003_10b113a26dc81203.txt";

// What the readers saw; checked on the main thread once the run is over (Boost.Test is not thread-safe).
struct Observations {
  std::mutex mutex;
  std::vector<std::string> problems;
  std::set<std::size_t> changed_counts;  // distinct counts of changed articles seen
  std::size_t searches = 0;
  void problem(const std::string& p) {
    std::lock_guard lock(mutex);
    if (problems.size() < 20) problems.push_back(p);
  }
  void saw(std::size_t changed) {
    std::lock_guard lock(mutex);
    changed_counts.insert(changed);
    ++searches;
  }
};

bool between_commits(std::size_t changed) { return changed % kBatch == 0 || changed == kChanged; }

gazette::SearchRequest request(const std::string& q, std::size_t limit, std::vector<std::string> facets = {}) {
  gazette::SearchRequest r;
  r.query = q;
  r.limit = limit;
  r.facets = std::move(facets);
  return r;
}

// One round of searches on one Searcher; `last` is the changed count it saw before (a reader never goes back).
void check_searcher(gazette::Searcher& s, const std::string& who, const std::set<std::string>& changed_ids,
                    std::size_t& last, std::size_t articles, Observations& obs) {
  const auto marked = s.search(request(kMarker, kChanged));
  for (const auto& h : marked.hits)
    if (!changed_ids.count(h.id)) obs.problem(who + ": " + h.id + " matches the marker but was not changed");
  const std::size_t n = marked.hits.size();
  if (marked.total != n) obs.problem(who + ": total " + std::to_string(marked.total) + " for " + std::to_string(n) + " hits");
  if (!between_commits(n)) obs.problem(who + ": " + std::to_string(n) + " changed articles visible: half a batch");
  if (n < last) obs.problem(who + ": went back from " + std::to_string(last) + " to " + std::to_string(n) + " changed articles");
  last = n;
  obs.saw(n);

  auto quotes_request = request(kMarker, 1);
  quotes_request.mode = gazette::SearchMode::Quotes;
  quotes_request.dedup = false;
  const auto quotes = s.search(quotes_request);
  // Searched after the articles, so possibly one commit later, never earlier.
  if (quotes.total < n) obs.problem(who + ": " + std::to_string(n) + " changed articles but " + std::to_string(quotes.total) + " of their quotes");

  const auto all = s.search(request("", 1, {"year"}));  // a facet makes the total exact
  if (all.total != articles) obs.problem(who + ": " + std::to_string(all.total) + " articles instead of " + std::to_string(articles));

  const auto seeds = s.search(request("Ouchakov sanctions", 2));
  if (seeds.hits.size() < 2 || std::set<std::string>{seeds.hits[0].id, seeds.hits[1].id} != std::set<std::string>{kSeed1, kSeed2})
    obs.problem(who + ": the seed query lost its two seeds");
}

}  // namespace

BOOST_AUTO_TEST_CASE(readers_see_whole_batches_and_never_fail_during_a_run) {
  const fs::path work = make_temp_dir("gazette-readers");
  const fs::path corpus = work / "corpus";
  fs::copy(fs::path(GAZETTE_SOURCE_DIR) / "corpus", corpus, fs::copy_options::recursive);
  const std::string db = (work / "corpus.db").string();
  const std::string index = std::string(GAZETTE_INDEX_BIN) + " -q --db " + shell_quote(db) + " " + shell_quote(corpus.string());
  BOOST_TEST_REQUIRE(run_command(index) == 0);
  const Xapian::doccount articles = Xapian::Database(db).get_termfreq("XKarticle");
  BOOST_TEST_REQUIRE(articles == 947u);

  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(corpus / "wikinews"))
    if (e.path().extension() == ".txt") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  std::set<std::string> changed_ids;
  for (std::size_t i = 0; i < kChanged; ++i) {
    const fs::path& f = files[i * 4];
    std::ofstream(f, std::ios::app) << "\nLe maire a conclu la séance : « La " << kMarker
                                    << " nous sauvera tous », a-t-il déclaré devant le conseil.\n";
    changed_ids.insert("wikinews/" + f.filename().string());
  }

  Observations obs;
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  readers.emplace_back([&] {  // kept open, reopened by the Searcher itself when a commit invalidates it
    try {
      gazette::Searcher s({db});
      std::size_t last = 0;
      while (!done) check_searcher(s, "long-lived Searcher", changed_ids, last, articles, obs);
    } catch (const std::exception& e) {
      obs.problem(std::string("long-lived Searcher: ") + e.what());
    }
  });
  readers.emplace_back([&] {  // one per query
    try {
      std::size_t last = 0;
      while (!done) {
        gazette::Searcher s({db});
        check_searcher(s, "fresh Searcher", changed_ids, last, articles, obs);
      }
    } catch (const std::exception& e) {
      obs.problem(std::string("fresh Searcher: ") + e.what());
    }
  });
  // Xapian directly, many times a second: (changed articles, their quotes) as each snapshot shows them.
  std::set<std::pair<Xapian::doccount, Xapian::doccount>> bare_seen;
  readers.emplace_back([&] {
    std::size_t last = 0;
    int corrupt_in_a_row = 0;
    try {
      Xapian::Database x(db);
      while (!done) {
        try {
          x.reopen();
          Xapian::doccount marked_articles = 0, marked = 0;
          auto a = x.postlist_begin("XKarticle");
          for (auto p = x.postlist_begin(kMarker); p != x.postlist_end(kMarker); ++p, ++marked) {
            a.skip_to(*p);
            if (a != x.postlist_end("XKarticle") && *a == *p) ++marked_articles;
          }
          const Xapian::doccount n = x.get_termfreq("XKarticle");
          if (!between_commits(marked_articles))
            obs.problem("bare reader: " + std::to_string(marked_articles) + " changed articles visible: half a batch");
          if (n != articles) obs.problem("bare reader: " + std::to_string(n) + " articles");
          if (marked_articles < last) obs.problem("bare reader went back");
          last = marked_articles;
          bare_seen.emplace(marked_articles, marked - marked_articles);
        } catch (const Xapian::DatabaseModifiedError&) {
          // reopen() on the next round
        } catch (const Xapian::DatabaseCorruptError& e) {
          // What Xapian 1.4 says when a block the writer just reused is met half-way down a B-tree; real
          // corruption would stay, so only several in a row count.
          if (++corrupt_in_a_row >= 4) obs.problem("bare reader: " + e.get_description());
          continue;
        }
        corrupt_in_a_row = 0;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    } catch (const Xapian::Error& e) {
      obs.problem("bare reader: " + e.get_description());
    }
  });

  const fs::path log = work / "run.log";
  const std::string incremental = std::string(GAZETTE_INDEX_BIN) + " --json --batch " + std::to_string(kBatch) +
                                  " --db " + shell_quote(db) + " " + shell_quote(corpus.string()) + " >" +
                                  shell_quote(log.string()) + " 2>" + shell_quote(log.string() + ".err");
  const int rc = run_command(incremental);
  // A fresh Searcher sees the final state on its next round.
  for (int i = 0; i < 600; ++i) {
    {
      std::lock_guard lock(obs.mutex);
      if (obs.changed_counts.count(kChanged)) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  done = true;
  for (auto& t : readers) t.join();

  BOOST_TEST(rc == 0, read_file(log));
  const auto summary = nlohmann::json::parse(read_file(log), nullptr, false);
  BOOST_TEST((summary.is_object() && summary["updated"] == kChanged && summary["unchanged"] == articles - kChanged),
             read_file(log));
  for (const auto& p : obs.problems) BOOST_TEST_ERROR(p);
  BOOST_TEST(obs.problems.empty());
  BOOST_TEST(obs.searches > 0u);
  // Each changed article brings the same quotes; every snapshot showed all of them for every visible article.
  const Xapian::Database final_db(db);
  const Xapian::doccount per_article = (final_db.get_termfreq(kMarker) - kChanged) / kChanged;
  BOOST_TEST(per_article >= 1u);
  BOOST_TEST(final_db.get_termfreq(kMarker) == kChanged * (1 + per_article));
  for (const auto& [marked_articles, marked_quotes] : bare_seen)
    BOOST_TEST(marked_quotes == per_article * marked_articles,
               marked_articles << " changed articles visible with " << marked_quotes << " of their quotes");
  // The readers really ran during the run: the bare one saw intermediate states, and the final one.
  BOOST_TEST_MESSAGE(obs.searches << " Searcher rounds, changed counts seen " << obs.changed_counts.size()
                                  << ", bare reader states " << bare_seen.size());
  BOOST_TEST(bare_seen.size() >= 3u);
  BOOST_TEST(bare_seen.count({kChanged, per_article * kChanged}) == 1u);
  BOOST_TEST(obs.changed_counts.count(kChanged) == 1u);
  std::error_code ec;
  fs::remove_all(work, ec);
}
