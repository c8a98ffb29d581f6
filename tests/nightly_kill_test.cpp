// Crash safety of the nightly run: gazette-index is killed with SIGKILL at random moments, many times (32), during
// a full build and during an incremental run (changed, new, removed and re-dated articles, --prune, tiny
// batches, tiny Xapian flush threshold), unsharded and sharded by year, then re-run to completion; the database must equal the one uninterrupted runs give — same ids,
// each once, same content hashes, same quotes, same shards — and nothing killed runs left may remain. The
// seed is printed; GAZETTE_KILL_SEED=<seed> replays the same kill delays.
//
// Also here: the writer lock (a second run exits 4 and names the holder; a lock file left by a dead run
// blocks nothing).
#define BOOST_TEST_MODULE nightly_kill
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <xapian.h>

#include "gazette/error.h"
#include "gazette/schema.h"
#include "support/corpus_db.h"

namespace fs = std::filesystem;
using gazette::testing::make_temp_dir;
using gazette::testing::read_file;
using gazette::testing::run_command;
using gazette::testing::shell_quote;
using gazette::testing::write_file;
using Clock = std::chrono::steady_clock;

namespace {

// gazette-index started in the background, its output into a log file.
pid_t spawn_index(const std::vector<std::string>& args, const fs::path& log) {
  std::vector<std::string> argv{GAZETTE_INDEX_BIN, "-q"};
  argv.insert(argv.end(), args.begin(), args.end());
  const pid_t pid = fork();
  BOOST_TEST_REQUIRE(pid >= 0);
  if (pid == 0) {
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
    }
    std::vector<char*> raw;
    for (auto& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    execv(raw[0], raw.data());
    _exit(127);
  }
  return pid;
}

// Exit status, or 128 + signal.
int wait_for(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Runs to completion; returns the exit status and how long it took.
std::pair<int, double> run_index(const std::vector<std::string>& args, const fs::path& log) {
  const auto t0 = Clock::now();
  const int rc = wait_for(spawn_index(args, log));
  return {rc, std::chrono::duration<double>(Clock::now() - t0).count()};
}

// Everything that must not depend on where runs were killed: per unique id, the shard holding it and its
// content hash (articles) or parent article (quotes); the document count; the files beside the database.
struct DbState {
  std::map<std::string, std::string> docs;  // Q term → "shard|hash" or "shard|XAID term"
  std::vector<std::string> duplicates;      // Q terms seen twice
  Xapian::doccount doccount = 0;
  std::size_t articles = 0, quotes = 0;
  std::set<std::string> files;  // names in the database's directory (generation numbers blanked)
  bool operator==(const DbState& o) const {
    return docs == o.docs && duplicates == o.duplicates && doccount == o.doccount && files == o.files;
  }
};

std::string first_term_with(const Xapian::Document& doc, const std::string& prefix) {
  Xapian::TermIterator t = doc.termlist_begin();
  t.skip_to(prefix);
  return t != doc.termlist_end() && (*t).rfind(prefix, 0) == 0 ? *t : "";
}

std::string blank_digits_after_g(std::string name) {
  const auto at = name.find(".g");
  if (at == std::string::npos) return name;
  std::size_t end = at + 2;
  while (end < name.size() && std::isdigit(static_cast<unsigned char>(name[end]))) ++end;
  return end > at + 2 ? name.replace(at + 2, end - at - 2, "N") : name;
}

DbState state_of(const fs::path& db) {
  DbState s;
  std::vector<std::pair<std::string, std::string>> shards;  // key, path
  if (fs::is_regular_file(db)) {
    std::istringstream stub(read_file(db));
    for (std::string line; std::getline(stub, line);)
      if (line.rfind("auto ", 0) == 0)
        shards.emplace_back(fs::path(line.substr(5)).filename().string(), (db.parent_path() / line.substr(5)).string());
  } else {
    shards.emplace_back("", db.string());
  }
  for (const auto& [key, path] : shards) {
    Xapian::Database shard(path);
    s.doccount += shard.get_doccount();
    for (auto p = shard.postlist_begin(""); p != shard.postlist_end(""); ++p) {
      const Xapian::Document doc = shard.get_document(*p);
      const std::string q = first_term_with(doc, "Q");
      const bool article = !first_term_with(doc, std::string(gazette::schema::kKindArticle)).empty();
      std::string value = key + "|" +
                          (article ? doc.get_value(gazette::schema::slot(gazette::schema::Slot::ContentHash))
                                   : first_term_with(doc, "XAID"));
      ++(article ? s.articles : s.quotes);
      if (!s.docs.emplace(q, std::move(value)).second) s.duplicates.push_back(q);
    }
  }
  for (const auto& e : fs::directory_iterator(db.parent_path()))
    if (e.path().filename().string().rfind(db.filename().string(), 0) == 0)
      s.files.insert(blank_digits_after_g(e.path().filename().string()));
  return s;
}

// Source set A: the seeds and every sixth Wikinews article. Set B: A with articles removed, edited (with a new
// quote), re-dated to another year (another shard under --shard year), and new ones, plus a JSON Lines file.
struct Sources {
  fs::path a, b;
};

Sources make_sources(const fs::path& root) {
  Sources s{root / "A", root / "B"};
  const fs::path corpus = fs::path(GAZETTE_SOURCE_DIR) / "corpus";
  std::vector<fs::path> wikinews;
  for (const auto& e : fs::directory_iterator(corpus / "wikinews"))
    if (e.path().extension() == ".txt") wikinews.push_back(e.path());
  std::sort(wikinews.begin(), wikinews.end());
  fs::create_directories(s.a / "wikinews");
  for (const char* seed : {"000_b35c598148b0eacd.txt", "003_10b113a26dc81203.txt"}) fs::copy_file(corpus / seed, s.a / seed);
  for (std::size_t i = 0; i < wikinews.size(); i += 6) fs::copy_file(wikinews[i], s.a / "wikinews" / wikinews[i].filename());
  fs::copy(s.a, s.b, fs::copy_options::recursive);

  std::vector<fs::path> in_b;
  for (const auto& e : fs::directory_iterator(s.b / "wikinews")) in_b.push_back(e.path());
  std::sort(in_b.begin(), in_b.end());
  BOOST_TEST_REQUIRE(in_b.size() > 100u);
  for (std::size_t i = 0; i < 15; ++i) fs::remove(in_b[i * 7]);
  for (std::size_t i = 0; i < 15; ++i)
    write_file(in_b[i * 7 + 3], read_file(in_b[i * 7 + 3]) +
                                    "\nÀ la sortie de la réunion, le ministre a déclaré : « Nous reprendrons les "
                                    "discussions demain matin. »\n");
  std::size_t redated = 0;
  for (std::size_t i = 0; i < in_b.size() && redated < 5; ++i) {
    if (i % 7 == 0 || i % 7 == 3) continue;
    std::string text = read_file(in_b[i]);
    const auto at = text.find(" 2016");
    if (at == std::string::npos || at > 200) continue;
    text.replace(at, 5, " 2018");
    write_file(in_b[i], text);
    ++redated;
  }
  BOOST_TEST_REQUIRE(redated == 5u);
  for (std::size_t i = 1, added = 0; i < wikinews.size() && added < 20; i += 6, ++added)
    fs::copy_file(wikinews[i], s.b / "wikinews" / wikinews[i].filename());
  write_file(s.b / "feed.jsonl",
             R"({"id": "r1", "title": "Conseil municipal", "date": "2017-03-02", "text": "Le conseil municipal a voté le budget."})"
             "\n"
             R"({"id": "r2", "title": "Marché couvert", "text": "« Nous ouvrirons en mai », a annoncé le maire."})"
             "\n");
  return s;
}

std::uint32_t seed_from_env() {
  if (const char* s = std::getenv("GAZETTE_KILL_SEED")) return static_cast<std::uint32_t>(std::stoul(s));
  return std::random_device{}();
}

struct Phase {
  std::string name;
  std::vector<std::string> args;
};

void copy_database(const fs::path& from_dir, const fs::path& to_dir, const std::string& db_name) {
  std::error_code ec;
  fs::remove_all(to_dir, ec);
  fs::create_directories(to_dir);
  if (from_dir.empty()) return;
  for (const auto& e : fs::directory_iterator(from_dir))
    if (e.path().filename().string().rfind(db_name, 0) == 0)
      fs::copy(e.path(), to_dir / e.path().filename(), fs::copy_options::recursive);
}

// Reference: the phases run uninterrupted, in order. Then for each phase, `rounds` times: start from the
// reference state before it, kill the phase's run twice at random delays in [0, 1.2 × its uninterrupted time]
// (the second run picks up what the first left), run it to completion, and compare with the reference state.
int check_phases(const fs::path& work, const std::vector<Phase>& phases, const std::string& db_name, int rounds,
                 std::mt19937& rng) {
  const fs::path log = work / (db_name + ".log");
  std::vector<DbState> expected;
  std::vector<double> seconds;
  for (std::size_t i = 0; i < phases.size(); ++i) {
    const fs::path dir = work / (db_name + "-ref" + std::to_string(i));
    if (i > 0) copy_database(work / (db_name + "-ref" + std::to_string(i - 1)), dir, db_name);
    fs::create_directories(dir);
    std::vector<std::string> args{"--db", (dir / db_name).string()};
    args.insert(args.end(), phases[i].args.begin(), phases[i].args.end());
    const auto [rc, t] = run_index(args, log);
    BOOST_TEST_REQUIRE(rc == 0, "reference run '" << phases[i].name << "' failed; log: " << read_file(log));
    expected.push_back(state_of(dir / db_name));
    seconds.push_back(t);
  }
  BOOST_TEST_REQUIRE(expected.front().articles > 100u);
  BOOST_TEST_REQUIRE(expected.back().quotes > 0u);

  int kills = 0;
  for (std::size_t i = 0; i < phases.size(); ++i) {
    std::uniform_real_distribution<double> delay(0.0, 1.2 * seconds[i]);
    for (int round = 0; round < rounds; ++round) {
      const fs::path dir = work / (db_name + "-killed");
      if (i > 0)
        copy_database(work / (db_name + "-ref" + std::to_string(i - 1)), dir, db_name);
      else
        copy_database({}, dir, db_name);
      std::vector<std::string> args{"--db", (dir / db_name).string()};
      args.insert(args.end(), phases[i].args.begin(), phases[i].args.end());
      std::string delays;
      for (int k = 0; k < 2; ++k) {
        const double d = delay(rng);
        const pid_t pid = spawn_index(args, log);
        std::this_thread::sleep_for(std::chrono::duration<double>(d));
        kill(pid, SIGKILL);
        const int rc = wait_for(pid);
        delays += (k ? ", " : "") + std::to_string(d) + (rc == 128 + SIGKILL ? " s (killed)" : " s (had finished)");
        if (rc == 128 + SIGKILL) ++kills;
        // Finished before the kill: it must have succeeded, in particular not been locked out by a dead run.
        else
          BOOST_TEST_REQUIRE(rc == 0, db_name << " " << phases[i].name << ": run after a kill exited " << rc
                                              << "; log: " << read_file(log));
      }
      const auto [rc, t] = run_index(args, log);
      BOOST_TEST_REQUIRE(rc == 0, db_name << " " << phases[i].name << ": completion run exited " << rc << " after "
                                          << t << " s; log: " << read_file(log));
      const DbState got = state_of(dir / db_name);
      const std::string what = db_name + " " + phases[i].name + ", kills at " + delays;
      BOOST_TEST_MESSAGE(what << " (uninterrupted: " << seconds[i] << " s)");
      // Boost builds the message even when the check passes: never front() of an empty list.
      BOOST_TEST(got.duplicates.empty(),
                 what << ": ids present twice, e.g. " << (got.duplicates.empty() ? "" : got.duplicates.front()));
      BOOST_TEST(got.doccount == expected[i].doccount, what);
      BOOST_TEST(got.articles == expected[i].articles, what);
      BOOST_TEST(got.quotes == expected[i].quotes, what);
      BOOST_TEST((got.files == expected[i].files), what << ": files beside the database differ");
      std::size_t differing = 0;
      for (const auto& [q, v] : expected[i].docs) {
        auto it = got.docs.find(q);
        if ((it == got.docs.end() || it->second != v) && ++differing <= 5)
          BOOST_TEST_MESSAGE("  " << q << ": expected " << v << ", got " << (it == got.docs.end() ? "nothing" : it->second));
      }
      BOOST_TEST(differing == 0u, what << ": documents differ from the uninterrupted run's");
      BOOST_TEST(got.docs.size() == expected[i].docs.size(), what);
    }
  }
  return kills;
}

}  // namespace

BOOST_AUTO_TEST_CASE(killed_runs_converge_to_the_uninterrupted_result) {
  const std::uint32_t seed = seed_from_env();
  std::cout << "nightly_kill: seed " << seed << " (GAZETTE_KILL_SEED=" << seed << " to replay)" << std::endl;
  BOOST_TEST_MESSAGE("seed " << seed);
  std::mt19937 rng(seed);
  const fs::path work = make_temp_dir("gazette-kill");
  const Sources src = make_sources(work);
  // Small batches, so kills land between many commits; two workers even on one core, so the parallel paths run.
  const std::vector<std::string> common{"--jobs", "2", "--batch", "5"};
  auto with = [&](std::vector<std::string> extra) {
    extra.insert(extra.begin(), common.begin(), common.end());
    return extra;
  };
  // Xapian flushes by itself every XAPIAN_FLUSH_THRESHOLD changes outside a transaction; a tiny threshold makes
  // such flushes land inside an article's writes, which only transactions make safe.
  setenv("XAPIAN_FLUSH_THRESHOLD", "3", 1);
#if defined(__SANITIZE_ADDRESS__)
  const int rounds = 2;  // several times slower; the sanitizers are here for memory errors, not convergence
#else
  const int rounds = 4;
#endif
  int kills = check_phases(work,
                           {{"full build", with({src.a.string()})},
                            {"incremental --prune", with({"--prune", src.b.string()})}},
                           "plain.db", rounds, rng);
  kills += check_phases(work,
                        {{"full build", with({"--shard", "year", src.a.string()})},
                         {"incremental --prune", with({"--prune", src.b.string()})}},
                        "years.db", rounds, rng);
  BOOST_TEST_MESSAGE(kills << " runs killed");
  BOOST_TEST(kills >= 2 * rounds);  // most delays fall inside the run; a test that never kills proves nothing
  unsetenv("XAPIAN_FLUSH_THRESHOLD");
  std::error_code ec;
  fs::remove_all(work, ec);
}

BOOST_AUTO_TEST_CASE(a_second_writer_is_told_who_holds_the_lock_and_exits_4) {
  const fs::path work = make_temp_dir("gazette-lock");
  const std::string db = (work / "corpus.db").string();
  const std::string corpus = std::string(GAZETTE_SOURCE_DIR) + "/corpus";
  const std::string cmd = std::string(GAZETTE_INDEX_BIN) + " -q --db " + shell_quote(db) + " " + shell_quote(corpus) +
                          " 2>" + shell_quote((work / "err").string());

  // The lock is an flock on <db>.lock: holding it ourselves is what a running writer does.
  {
    const int fd = ::open((db + ".lock").c_str(), O_RDWR | O_CREAT, 0644);
    BOOST_TEST_REQUIRE(fd >= 0);
    BOOST_TEST_REQUIRE(flock(fd, LOCK_EX | LOCK_NB) == 0);
    const std::string pid = std::to_string(getpid()) + "\n";
    BOOST_TEST_REQUIRE(pwrite(fd, pid.data(), pid.size(), 0) == static_cast<ssize_t>(pid.size()));
    BOOST_TEST(run_command(cmd) == gazette::kExitLocked);
    BOOST_TEST(read_file(work / "err") == "gazette-index: another gazette-index run (pid " + std::to_string(getpid()) +
                                              ") holds the lock on " + db +
                                              "\nhint: wait for it to finish; only one writer at a time (the lock is " +
                                              db + ".lock)\n");
    BOOST_TEST(!fs::exists(db));
    close(fd);
  }

  // A real run, stopped while it holds the lock, then a second one.
  const pid_t first = spawn_index({"--db", db, corpus}, work / "first.log");
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (read_file(db + ".lock") != std::to_string(first) + "\n" && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  kill(first, SIGSTOP);
  BOOST_TEST_REQUIRE(read_file(db + ".lock") == std::to_string(first) + "\n");
  BOOST_TEST(run_command(cmd) == gazette::kExitLocked);
  BOOST_TEST(read_file(work / "err").starts_with("gazette-index: another gazette-index run (pid " +
                                                 std::to_string(first) + ") holds the lock on " + db + "\n"));
  kill(first, SIGCONT);
  BOOST_TEST(wait_for(first) == 0);
  BOOST_TEST(run_command(cmd) == 0);  // and free again once it is done
  std::error_code ec;
  fs::remove_all(work, ec);
}

BOOST_AUTO_TEST_CASE(a_lock_file_left_by_a_dead_run_blocks_nothing) {
  const fs::path work = make_temp_dir("gazette-lock");
  const std::string db = (work / "seeds.db").string();
  write_file(db + ".lock", "999999\n");  // the pid of a run that no longer exists, no flock held
  fs::create_directories(work / "src");
  fs::copy_file(fs::path(GAZETTE_SOURCE_DIR) / "corpus/000_b35c598148b0eacd.txt", work / "src/seed.txt");
  BOOST_TEST(run_command(std::string(GAZETTE_INDEX_BIN) + " -q --db " + shell_quote(db) + " " +
                         shell_quote((work / "src").string())) == 0);
  BOOST_TEST(Xapian::Database(db).get_doccount() > 1u);  // the article and its quotes
  std::error_code ec;
  fs::remove_all(work, ec);
}

// Everything beside a database is named by appending to its path: "x.db/" must name the same lock and the
// same .new/.old directories as "x.db", never files inside the database, for a directory and a stub alike.
BOOST_AUTO_TEST_CASE(a_trailing_slash_names_the_same_database) {
  const fs::path work = make_temp_dir("gazette-lock");
  fs::create_directories(work / "src");
  fs::copy_file(fs::path(GAZETTE_SOURCE_DIR) / "corpus/000_b35c598148b0eacd.txt", work / "src/seed.txt");
  const std::string src = (work / "src").string();
  const std::string db = (work / "ts.db").string(), stub = (work / "ts.stub").string();
  const auto index = [&](const std::string& args) {
    return run_command(std::string(GAZETTE_INDEX_BIN) + " -q " + args + " " + shell_quote(src) + " 2>" +
                       shell_quote((work / "err").string()));
  };
  BOOST_TEST(index("--db " + shell_quote(db + "/")) == 0);
  BOOST_TEST(index("--rebuild --db " + shell_quote(db + "/")) == 0, read_file(work / "err"));
  BOOST_TEST(index("--db " + shell_quote(db + "/.")) == 0);
  BOOST_TEST(index("--shard year --db " + shell_quote(stub)) == 0);
  BOOST_TEST(index("--rebuild --db " + shell_quote(stub + "/")) == 0, read_file(work / "err"));
  std::vector<std::string> beside, inside;
  for (const auto& entry : fs::directory_iterator(work)) beside.push_back(entry.path().filename().string());
  for (const auto& entry : fs::directory_iterator(db)) inside.push_back(entry.path().filename().string());
  std::sort(beside.begin(), beside.end());
  BOOST_TEST(beside == (std::vector<std::string>{"err", "src", "ts.db", "ts.db.lock", "ts.stub", "ts.stub.g2",
                                                 "ts.stub.lock"}),
             "the first generation is gone after the rebuild");
  BOOST_TEST(std::none_of(inside.begin(), inside.end(), [](const std::string& f) { return f.starts_with("."); }));

  // One writer at a time, whichever way the path is written.
  const int fd = ::open((db + ".lock").c_str(), O_RDWR | O_CREAT, 0644);
  BOOST_TEST_REQUIRE(fd >= 0);
  BOOST_TEST_REQUIRE(flock(fd, LOCK_EX | LOCK_NB) == 0);
  BOOST_TEST(index("--db " + shell_quote(db + "/")) == gazette::kExitLocked);
  close(fd);
  std::error_code ec;
  fs::remove_all(work, ec);
}
