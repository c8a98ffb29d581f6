// How a run goes (the why of each step):
//
// 1. Take our own lock file beside the database (an flock, so a run killed with -9 leaves nothing that blocks
//    the next one), so a second run says who holds it instead of failing later inside Xapian.
// 2. A new or empty database (or --rebuild) is a full build: Xapian's writer is ~90% of the cost and a single
//    writer can't use both cores, so each worker analyses and writes its own part, and the parts are merged
//    with Xapian's compactor beside the target, which then replaces it in one atomic step. Readers never see
//    a half-built database.
// 3. An existing database is updated in place: the reading thread skips articles whose content hash is
//    unchanged (cheap, no analysis), workers analyse the rest in parallel, and this thread — the only writer —
//    replaces documents by unique id, one transaction per batch. A transaction is what makes kill -9 safe:
//    outside one, Xapian flushes on its own every 10,000 changes, possibly between an article and its quotes,
//    and the next run would then skip that article as unchanged with its quotes half written. With it, a crash
//    loses exactly the uncommitted batches, which the next run redoes.
// 4. --prune then deletes the articles this run didn't see, except those of sources it failed to read.
//
// Sharded databases (--shard year|hash:N) follow the same steps, with one Xapian database per shard and a
// Xapian stub file at --db listing them. The stub also records the rule, so later runs route each article to
// the same shard without being told; a full build writes a new generation of shards and switches to it by
// renaming a new stub over the old one.
#include "gazette/indexer.h"

#include <fcntl.h>
#include <stdio.h>  // renameat2
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <xapian.h>

#include "bounded_queue.h"
#include "gazette/document.h"
#include "gazette/error.h"
#include "gazette/facet_columns.h"
#include "gazette/schema.h"

namespace gazette {
namespace fs = std::filesystem;
namespace {

// An flock()ed file beside the database: released by the kernel if the process dies, even by kill -9, so a
// lock file left behind by a crash never blocks anything. The pid inside is only for the message.
class WriterLock {
 public:
  explicit WriterLock(const std::string& db_path) : path_(db_path + ".lock") {
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0)
      throw Error(ErrorCode::Io, "cannot create lock file " + path_ + ": " + std::strerror(errno),
                  "check that the database's directory is writable");
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      char holder[32] = {};
      const ssize_t n = ::pread(fd_, holder, sizeof holder - 1, 0);
      ::close(fd_);
      std::string pid = n > 0 ? std::string(holder, static_cast<std::size_t>(n)) : "";
      while (!pid.empty() && pid.back() == '\n') pid.pop_back();
      throw Error(ErrorCode::DatabaseLocked,
                  "another gazette-index run" + (pid.empty() ? "" : " (pid " + pid + ")") + " holds the lock on " +
                      db_path,
                  "wait for it to finish; only one writer at a time (the lock is " + path_ + ")");
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) == 0 && ::pwrite(fd_, pid.data(), pid.size(), 0) < 0) {
      // The pid is only informative; the lock itself is held.
    }
  }
  ~WriterLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  WriterLock(const WriterLock&) = delete;
  WriterLock& operator=(const WriterLock&) = delete;

 private:
  std::string path_;
  int fd_ = -1;
};

// The shard of an id must not change between runs or builds: schema::stable_hash, not std::hash.
using schema::stable_hash;

struct ShardRule {
  enum class Kind { None, Year, Hash };
  Kind kind = Kind::None;
  unsigned count = 0;  // Hash only

  static ShardRule parse(const std::string& text) {
    ShardRule r;
    if (text.empty()) return r;
    if (text == "year") {
      r.kind = Kind::Year;
      return r;
    }
    if (text.rfind("hash:", 0) == 0) {
      const std::string n = text.substr(5);
      if (!n.empty() && n.size() <= 4 && std::all_of(n.begin(), n.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        r.kind = Kind::Hash;
        r.count = static_cast<unsigned>(std::stoul(n));
        if (r.count >= 1 && r.count <= 1024) return r;
      }
    }
    throw Error(ErrorCode::Usage, "bad shard rule '" + text + "'", "use --shard year or --shard hash:N (N from 1 to 1024)");
  }

  std::string to_string() const {
    if (kind == Kind::Year) return "year";
    if (kind == Kind::Hash) return "hash:" + std::to_string(count);
    return "";
  }

  bool sharded() const { return kind != Kind::None; }
  bool operator==(const ShardRule&) const = default;

  // The shard an article belongs in. Years come from the article's own date, so an edited date can move an
  // article between shards: the writer then deletes it from the old one.
  std::string key(const Article& a) const {
    if (kind == Kind::Hash) return std::to_string(stable_hash(a.id) % count);
    if (kind == Kind::Year) {
      if (a.date.size() >= 4 && std::all_of(a.date.begin(), a.date.begin() + 4, [](char c) { return c >= '0' && c <= '9'; }))
        return a.date.substr(0, 4);
      return "undated";
    }
    return "";
  }

  // Shards that exist even when no article falls in them, so a stub always lists something openable and a
  // hash rule's N shards are all there for remote serving.
  std::vector<std::string> required_keys() const {
    if (kind == Kind::Hash) {
      std::vector<std::string> keys;
      for (unsigned i = 0; i < count; ++i) keys.push_back(std::to_string(i));
      return keys;
    }
    return {kind == Kind::Year ? "undated" : ""};
  }
};

// Shard keys in stub order: hash shards numerically, years chronologically with "undated" last.
bool key_less(const std::string& a, const std::string& b) {
  if (a.size() != b.size() && std::isdigit(static_cast<unsigned char>(a[0])) && std::isdigit(static_cast<unsigned char>(b[0])))
    return a.size() < b.size();
  return a < b;
}

constexpr std::string_view kRuleLine = "# gazette-shard-rule: ";
constexpr std::string_view kGenerationLine = "# gazette-generation: ";

// A sharded database as its stub file describes it. Shards live in "<stub>.g<generation>/<key>"; a full build
// writes the next generation, so the live one is never touched until the stub is switched.
struct ShardSet {
  ShardRule rule;
  unsigned generation = 0;
  std::vector<std::string> keys;

  static std::string generation_dir(const std::string& stub, unsigned generation) {
    return stub + ".g" + std::to_string(generation);
  }
  std::string dir(const std::string& stub) const { return generation_dir(stub, generation); }
  std::string path(const std::string& stub, const std::string& key) const { return dir(stub) + "/" + key; }

  static ShardSet read(const std::string& stub) {
    std::ifstream in(stub);
    if (!in)
      throw Error(ErrorCode::DatabaseOpen, "cannot read stub file " + stub + ": " + std::strerror(errno));
    ShardSet set;
    bool have_rule = false;
    const std::string expected_prefix = fs::path(stub).filename().string() + ".g";
    std::string line;
    std::uint64_t number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (line.rfind(kRuleLine, 0) == 0) {
        set.rule = ShardRule::parse(line.substr(kRuleLine.size()));
        have_rule = true;
      } else if (line.rfind(kGenerationLine, 0) == 0) {
        set.generation = static_cast<unsigned>(std::stoul(line.substr(kGenerationLine.size())));
      } else if (line.rfind("auto ", 0) == 0) {
        const fs::path p(line.substr(5));
        if (p.has_parent_path() && p.parent_path().string().rfind(expected_prefix, 0) == 0)
          set.keys.push_back(p.filename().string());
        else
          have_rule = false;  // a shard gazette-index didn't place: not ours to update
      } else if (!line.empty() && line[0] != '#') {
        have_rule = false;  // remote or other backends: served, not written, by us
      }
    }
    if (!have_rule || set.generation == 0)
      throw Error(ErrorCode::DatabaseOpen,
                  stub + " is a Xapian stub file that gazette-index did not write (or lists remote shards)",
                  "index into each shard's own database (or its gazette-index stub), not into this file");
    return set;
  }

  // Written aside then renamed over the old stub: a reader opens either the old shard list or the new one.
  void write(const std::string& stub) const {
    std::ostringstream out;
    out << "# Gazette sharded database: a Xapian stub file listing one database per shard. Written by\n"
           "# gazette-index (docs/operations.md); gazette-query --db and any Xapian program can open it.\n"
        << kRuleLine << rule.to_string() << '\n'
        << kGenerationLine << generation << '\n';
    const std::string rel = fs::path(dir(stub)).filename().string();
    for (const auto& k : keys) out << "auto " << rel << '/' << k << '\n';
    const std::string tmp = stub + ".tmp";
    const std::string text = out.str();
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw Error(ErrorCode::Io, "cannot write " + tmp + ": " + std::strerror(errno));
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), stub.c_str()) != 0)
      throw Error(ErrorCode::Io, "cannot write stub file " + stub + ": " + std::strerror(errno));
  }
};

struct Job {
  Article article;
  std::string hash;
  std::string key;                // the shard it belongs in
  std::vector<std::size_t> held;  // shards (snapshot order) that hold a version of it now
};

struct Built {
  std::string id, key;
  std::vector<std::size_t> held;
  ArticleDocuments docs;
};

void write_article(Xapian::WritableDatabase& db, const std::string& id, ArticleDocuments& docs) {
  db.replace_document(schema::safe_term("Q", id), docs.article);
  // The quotes of the previous version go first: an edited article may have fewer quotes now.
  db.delete_document(schema::safe_term("XAID", id));
  for (Xapian::Document& q : docs.quotes) db.add_document(q);
}

// A full build's first sight of an id: nothing to replace, so no look-ups of its Q and XAID terms. In a
// database being built those look-ups merge the writer's pending postings with the table for every
// article (perf: replace_document was 23 % of a full build's time, most of it not the adding).
// `articles` and `quotes` are the two halves of a full build's part.
void add_article(Xapian::WritableDatabase& articles, Xapian::WritableDatabase& quotes, ArticleDocuments& docs) {
  articles.add_document(docs.article);
  for (Xapian::Document& q : docs.quotes) quotes.add_document(q);
}

void delete_article(Xapian::WritableDatabase& articles, Xapian::WritableDatabase& quotes, const std::string& id) {
  articles.delete_document(schema::safe_term("Q", id));
  quotes.delete_document(schema::safe_term("XAID", id));
}

void delete_article(Xapian::WritableDatabase& db, const std::string& id) { delete_article(db, db, id); }

// Thrown from a reader callback to stop reading when the queue it feeds was closed by a failed consumer.
struct ConsumerStopped {};

unsigned worker_count(unsigned jobs) {
  if (jobs) return jobs;
  return std::max(1u, std::thread::hardware_concurrency());
}

// The target takes the place of the freshly built `aside` in one step (renameat2 RENAME_EXCHANGE), so a
// reader opening the path finds the old database or the new one, never nothing. Readers that have the old
// one open keep their file handles and finish their query.
void switch_in(const std::string& aside, const std::string& target) {
  std::error_code ec;
  if (!fs::exists(target)) {
    fs::rename(aside, target);
    return;
  }
  if (::renameat2(AT_FDCWD, aside.c_str(), AT_FDCWD, target.c_str(), RENAME_EXCHANGE) == 0) {
    fs::remove_all(aside, ec);  // now the old database
    return;
  }
  // Filesystems without RENAME_EXCHANGE: two renames, with a moment where the path is missing.
  const std::string old = target + ".old";
  fs::remove_all(old, ec);
  fs::rename(target, old);
  fs::rename(aside, target);
  fs::remove_all(old, ec);
}

// One shard open for writing during an incremental run, with its transaction state: a batch is one
// transaction per shard it touched.
struct OpenShard {
  std::string key, path;
  Xapian::WritableDatabase db;
  bool in_transaction = false;

  void touch() {
    if (!in_transaction) {
      db.begin_transaction();
      in_transaction = true;
    }
  }
  void commit() {
    if (in_transaction) {
      db.commit_transaction();
      in_transaction = false;
    }
  }
};

// Whether `stored`, an article of the same content, was indexed from the file `read` comes from. A row moved
// to another file keeps its id and hash; skipped, its stored origin would still name the file it left, and if
// its new file then failed to read, --prune would not know that file held it and would delete it. Re-indexed
// once, it records its new file. An article indexed before the slot existed has none and is taken as it is.
bool still_in_its_file(const Xapian::Document& stored, const std::string& read_from) {
  const std::string file = stored.get_value(schema::slot(schema::Slot::OriginFile));
  return file.empty() || file == read_from;
}

// `path` names something inside the directory `dir` ("src/a/b.txt" in "src"; "srcx/b.txt" is not).
bool is_within(const std::string& path, const std::string& dir) {
  return path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/';
}

class Run {
 public:
  Run(const IndexOptions& options, const IndexCallbacks& callbacks)
      : options_(options), callbacks_(callbacks), tagger_(load_default_tagger()) {
    for (std::string source : options_.sources) {
      while (source.size() > 1 && source.back() == '/') source.pop_back();
      sources_.push_back(std::move(source));
    }
    source_articles_.assign(sources_.size(), 0);
  }

  IndexSummary run() {
    const auto t0 = std::chrono::steady_clock::now();
    // Progress compares what the readers consumed with this, both as the files are stored (compressed for
    // .gz): article text against file sizes gave an ETA far too low for .jsonl.gz and too high for HTML.
    progress_.bytes_total = input_bytes(options_.sources);
    const std::string& db = options_.db_path;
    const ShardRule requested = ShardRule::parse(options_.shard);
    const bool exists = fs::exists(db);
    if (exists && fs::is_regular_file(db)) {
      set_ = ShardSet::read(db);
      if (requested.sharded() && !(requested == set_.rule) && !options_.rebuild)
        throw Error(ErrorCode::Usage,
                    db + " is sharded by " + set_.rule.to_string() + ", not " + requested.to_string(),
                    "leave --shard out to keep the rule, or reshard with --rebuild --shard " + requested.to_string());
      rule_ = requested.sharded() ? requested : set_.rule;
    } else {
      if (exists && requested.sharded())
        throw Error(ErrorCode::Usage, db + " is a single database; a sharded one is a stub file with its shards beside it",
                    "build the sharded one at a new path (gazette-index --shard " + requested.to_string() +
                        " --db NEW SOURCE...), then point readers at NEW");
      rule_ = requested;
    }
    remove_leftovers();

    bool full = options_.rebuild || !exists;
    if (options_.rebuild && exists)
      articles_before_ = translate_xapian_errors("opening " + db, [&] {
        return Xapian::Database(db).get_termfreq(std::string(schema::kKindArticle));
      });
    if (!full) {
      Xapian::Database existing = translate_xapian_errors("opening " + db, [&] { return Xapian::Database(db); });
      schema::check_versions(existing, db);
      full = existing.get_doccount() == 0;
    }
    summary_.full_build = full;
    if (full)
      full_build();
    else
      incremental();
    summary_.shards = rule_.sharded() ? static_cast<unsigned>(set_.keys.size()) : 1;
    summary_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return summary_;
  }

 private:
  // What --prune keeps this run: files and directories that failed (what came from them), and sources that
  // could not be read or held nothing (everything: prune_nothing_).
  struct Spared {
    std::string path;      // as the error named it, or the source
    std::string relative;  // relative to its source (an id prefix), or its file name
    const char* reason;    // NotPruned::reason
    std::uint64_t kept = 0;
  };

  Xapian::doccount articles_before_ = 0;  // --rebuild: the articles of the database it replaces

  void report_error(const InputError& e) {
    summary_.failed += e.count;
    protect_from_prune(e);
    if (callbacks_.on_error) callbacks_.on_error(e);
  }

  // A source that failed this time (unreadable, truncated, a directory gone with its disk) has articles we
  // did not see but must not lose: --prune keeps every article that came from it. An id alone can't say
  // where an article came from (a URL has no file in it, "feed.jsonl:12" no "#"), but its stored record's
  // origin can, so each failed path is kept both as it was given and relative to its source: a run that
  // spells the source another way ("./src", an absolute path) still recognises the file. A whole source
  // missing could hold any id, and then nothing is pruned.
  void protect_from_prune(const InputError& e) {
    bool under_a_source = false;
    for (const std::string& source : sources_) {
      if (e.file == source) {
        under_a_source = true;
        std::error_code ec;
        if (fs::is_regular_file(source, ec)) {
          spare(source, fs::path(source).filename().string(), "input errors");
        } else {
          spare(source, source, "unreadable source");
          prune_nothing_ = true;
        }
      } else if (is_within(e.file, source)) {
        under_a_source = true;
        spare(e.file, e.file.substr(source.size() + 1), "input errors");
      }
    }
    if (!under_a_source) spare(e.file, fs::path(e.file).filename().string(), "input errors");
  }

  void spare(const std::string& path, const std::string& relative, const char* reason) {
    if (std::none_of(spared_.begin(), spared_.end(), [&](const Spared& f) { return f.path == path; }))
      spared_.push_back({path, relative, reason});
  }

  // Which entry of spared_ keeps this article from --prune, or spared_.size(). `origin_file` is the file the
  // stored article was read from in its own run ("" for records without one).
  std::size_t sparing(const std::string& id, const std::string& origin_file) const {
    for (std::size_t i = 0; i < spared_.size(); ++i) {
      const Spared& f = spared_[i];
      if (whole_source(f)) continue;
      if (id.compare(0, f.relative.size(), f.relative) == 0 &&
          (id.size() == f.relative.size() || id[f.relative.size()] == '/' || id[f.relative.size()] == '#'))
        return i;
      if (origin_file.empty()) continue;
      if (origin_file == f.path || is_within(origin_file, f.path) || origin_file == f.relative ||
          is_within(origin_file, f.relative) || origin_file.ends_with("/" + f.relative) ||
          origin_file.find("/" + f.relative + "/") != std::string::npos)
        return i;
    }
    if (prune_nothing_)
      for (std::size_t i = 0; i < spared_.size(); ++i)
        if (whole_source(spared_[i])) return i;
    return spared_.size();
  }

  static bool whole_source(const Spared& f) { return f.reason != std::string_view("input errors"); }

  // An id read twice in one run is one article: the first read. Another file (dA/x.txt and dB/x.txt, both
  // "x.txt"; two feeds carrying the same URL) is as much a conflict as a row repeated inside one feed, which
  // its reader already reports: the later one overwrote the first, and since the first then differed from the
  // database at every run, each no-change run rewrote both and made a new revision. Files are read one after
  // the other, so each file's name is kept once. Each source's articles are counted here too, before the
  // check, for --prune: a source that yields none is not pruned.
  bool first_with_its_id(const Article& a) {
    const std::string file = origin_file(a.origin);
    for (std::size_t i = 0; i < sources_.size(); ++i)
      if (file == sources_[i] || is_within(file, sources_[i]))
        ++source_articles_[i];
    const std::string_view rest = std::string_view(a.origin).substr(file.size());
    const std::uint64_t line = rest.size() > 1 ? std::stoull(std::string(rest.substr(1))) : 0;
    if (files_read_.empty() || files_read_.back() != file) files_read_.push_back(file);
    const auto [first, fresh] = first_read_.try_emplace(a.id, FirstRead{files_read_.size() - 1, line});
    if (fresh) return true;
    const std::string where =
        files_read_[first->second.file] + (first->second.line ? ":" + std::to_string(first->second.line) : "");
    report_error({file, line, "duplicate id \"" + a.id + "\" (first read from " + where + "): skipped"});
    return false;
  }

  ReadOptions read_options() {
    return {options_.text_encoding, [this](std::uint64_t bytes) { progress_.bytes_read += bytes; }};
  }

  void count_read(const Article& a) {
    ++progress_.articles;
    summary_.bytes += a.text.size() + a.title.size();
    if (callbacks_.on_progress && progress_.articles % 256 == 0) callbacks_.on_progress(progress_);
  }

  // What a killed run may have left: a half-built database aside, merge parts, shard generations no stub
  // points at any more. We hold the lock, so nobody else is building them.
  void remove_leftovers() {
    std::error_code ec;
    const fs::path db(options_.db_path);
    if (!rule_.sharded() && !fs::is_regular_file(db)) {
      fs::remove_all(options_.db_path + ".new", ec);
      fs::remove_all(options_.db_path + ".old", ec);
    }
    const std::string name = db.filename().string();
    const fs::path parent = db.has_parent_path() ? db.parent_path() : fs::path(".");
    const std::string live = set_.generation ? fs::path(set_.dir(options_.db_path)).filename().string() : "";
    for (auto it = fs::directory_iterator(parent, ec); !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const std::string f = it->path().filename().string();
      const bool part = f.rfind(name + ".new.part", 0) == 0 || f == name + ".tmp";
      const bool generation = f.rfind(name + ".g", 0) == 0 && f.size() > name.size() + 2 &&
                              std::all_of(f.begin() + static_cast<std::ptrdiff_t>(name.size() + 2), f.end(),
                                          [](char c) { return c >= '0' && c <= '9'; });
      if (part || (generation && f != live)) fs::remove_all(it->path(), ec);
    }
  }

  // Full build: each worker writes its own part of every shard it meets; the parts of each shard are merged
  // by the compactor, then the result is switched in place of the target.
  void full_build() {
    const unsigned n = worker_count(options_.jobs);
    const std::string& db = options_.db_path;
    ShardSet next = set_;
    next.rule = rule_;
    next.generation = set_.generation + 1;
    const std::string target_root = rule_.sharded() ? next.dir(db) : db + ".new";
    auto target_of = [&](const std::string& key) { return rule_.sharded() ? next.path(db, key) : target_root; };
    // Worker `worker`'s part number `seq` of the shard `key`; `quotes` names the part's quote half.
    auto part_of = [&](const std::string& key, unsigned worker, std::size_t seq, bool quotes) {
      return (rule_.sharded() ? target_of(key) + ".part" : db + ".new.part") + std::to_string(worker) + "." +
             std::to_string(seq) + (quotes ? ".quotes" : "");
    };
    std::error_code ec;
    fs::remove_all(target_root, ec);
    if (rule_.sharded()) fs::create_directories(target_root);

    std::vector<std::unique_ptr<BoundedQueue<Article>>> queues;
    for (unsigned i = 0; i < n; ++i) queues.push_back(std::make_unique<BoundedQueue<Article>>(64));
    std::atomic<std::uint64_t> quotes{0};
    std::vector<std::exception_ptr> failures(n);
    // A part is written as two databases, its articles and their quotes, so that the merge can give every
    // article a lower docid than every quote: an article query (an AND with XKarticle) then ends where the
    // articles do, instead of stepping through the quotes' postings of its words (France on OrangeSum ×10:
    // 46,690 of its 169,470 postings are quotes'), and a quote query skips the articles in one seek.
    struct PartPaths {
      std::string articles, quotes;
    };
    // The parts each worker wrote, by shard key, in the order written.
    std::vector<std::map<std::string, std::vector<PartPaths>>> parts_written(n);
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < n; ++i) {
      workers.emplace_back([&, i] {
        try {
          ArticleAnalyser analyser(tagger_.get());
          struct OpenPart {
            Xapian::WritableDatabase articles, quotes;
            std::size_t count = 0;  // articles
            void commit() {
              articles.commit();
              quotes.commit();
            }
          };
          std::map<std::string, OpenPart> open;
          auto& written = parts_written[i];
          const std::size_t part_articles = std::max<std::size_t>(options_.part_articles, 1);
          // XAPIAN_FLUSH_THRESHOLD (1,000 documents, see indexer/main.cpp) counts each half on its own, so
          // the article half is flushed by hand at about the articles of 1,000 documents of the old mixed
          // parts. Left to the threshold, its inverter held 1,000 whole articles: the OrangeSum ×10 build took
          // 1,005 s instead of 796, with 297 MB instead of 257. Every 100 to 250: within the noise (×1, 71-73 s).
          constexpr std::size_t articles_per_flush = 200;
          // A part is thrown away after the merge, and a killed build starts again from nothing: its commits
          // need no fsync.
          const auto open_part = [](const std::string& path, int how) {
            return Xapian::WritableDatabase(path, how | Xapian::DB_NO_SYNC);
          };
          while (auto read = queues[i]->pop()) {
            const Article* article = &*read;
            const std::string key = rule_.key(*article);
            auto part = open.find(key);
            if (part != open.end() && part->second.count >= part_articles) {
              part->second.commit();
              open.erase(part);
              part = open.end();
            }
            if (part == open.end()) {
              std::vector<PartPaths>& paths = written[key];
              paths.push_back({part_of(key, i, paths.size(), false), part_of(key, i, paths.size(), true)});
              part = open.emplace(key, OpenPart{open_part(paths.back().articles, Xapian::DB_CREATE_OR_OVERWRITE),
                                                open_part(paths.back().quotes, Xapian::DB_CREATE_OR_OVERWRITE)})
                         .first;
            }
            ArticleDocuments docs =
                build_documents(*article, analyser.analyse(*article), analyser.analyzer(), content_hash(*article));
            quotes += docs.quotes.size();
            add_article(part->second.articles, part->second.quotes, docs);
            if (++part->second.count % articles_per_flush == 0) part->second.articles.commit();
          }
          for (auto& [key, part] : open) part.commit();
        } catch (...) {
          failures[i] = std::current_exception();
          queues[i]->close();
        }
      });
    }

    try {
      read_sources(
          options_.sources,
          [&](Article&& a) {
            if (!first_with_its_id(a)) return;
            count_read(a);
            ++summary_.added;
            const std::size_t target = stable_hash(a.id) % n;
            if (!queues[target]->push(std::move(a))) throw ConsumerStopped{};
          },
          [&](const InputError& e) { report_error(e); }, read_options());
    } catch (const ConsumerStopped&) {
      // A worker failed and closed its queue; its error is rethrown below, after the others finish.
    }
    for (auto& q : queues) q->close();
    for (auto& w : workers) w.join();
    for (auto& f : failures)
      if (f) std::rethrow_exception(f);
    summary_.quotes = quotes;

    std::set<std::string, decltype(&key_less)> keys(&key_less);
    for (const auto& k : rule_.required_keys()) keys.insert(k);
    for (const auto& written : parts_written)
      for (const auto& [key, paths] : written) keys.insert(key);
    // The year rule needs "undated" only when an article has no date, or when there is nothing else at all.
    if (rule_.kind == ShardRule::Kind::Year && keys.size() > 1 &&
        std::none_of(parts_written.begin(), parts_written.end(), [](auto& w) { return w.count("undated") > 0; }))
      keys.erase("undated");

    for (const auto& key : keys) {
      translate_xapian_errors("merging into " + target_of(key), [&] {
        Xapian::Database all;
        // Every article part first, then every quote part (see PartPaths).
        std::vector<std::string> parts;
        for (const bool quote_half : {false, true})
          for (const auto& written : parts_written)
            if (const auto it = written.find(key); it != written.end())
              for (const PartPaths& p : it->second) parts.push_back(quote_half ? p.quotes : p.articles);
        for (const auto& p : parts) all.add_database(Xapian::Database(p));
        if (parts.empty()) {
          Xapian::WritableDatabase empty(target_of(key), Xapian::DB_CREATE_OR_OVERWRITE);
          schema::stamp_versions(empty);
          empty.commit();
        } else {
          all.compact(target_of(key));
          Xapian::WritableDatabase stamped(target_of(key), Xapian::DB_OPEN);
          schema::stamp_versions(stamped);
          stamped.commit();
        }
        facet_columns::refresh(target_of(key));
        for (const auto& p : parts) fs::remove_all(p, ec);
      });
    }

    // A rebuild that read nothing (a source on a disk that isn't mounted) would put an empty database in
    // place of the archive: it is left aside and removed, and the run fails.
    if (summary_.added == 0 && articles_before_ > 0) {
      fs::remove_all(target_root, ec);
      throw Error(ErrorCode::BadInput,
                  "the rebuild read no articles, so " + db + " was kept as it was (" +
                      std::to_string(articles_before_) + " articles)",
                  "check that the sources are there (an unmounted disk?)");
    }
    if (!rule_.sharded()) {
      switch_in(target_root, db);
      return;
    }
    next.keys.assign(keys.begin(), keys.end());
    const ShardSet previous = set_;
    next.write(db);  // the switch
    set_ = next;
    if (previous.generation) fs::remove_all(previous.dir(db), ec);
  }

  // The shard for `key`, created (empty, stamped, listed in the stub) if this is its first article.
  std::size_t shard_index(const std::string& key) {
    for (std::size_t i = 0; i < shards_.size(); ++i)
      if (shards_[i].key == key) return i;
    const std::string path = set_.path(options_.db_path, key);
    // Not listed in the stub, so nothing in it was ever visible: a leftover of a killed run is overwritten.
    Xapian::WritableDatabase created(path, Xapian::DB_CREATE_OR_OVERWRITE);
    schema::stamp_versions(created);
    created.commit();
    shards_.push_back({key, path, created});
    set_.keys.push_back(key);
    std::sort(set_.keys.begin(), set_.keys.end(), key_less);
    set_.write(options_.db_path);
    return shards_.size() - 1;
  }

  void commit_batch() {
    for (auto& s : shards_) s.commit();
  }

  void incremental() {
    const std::string& db = options_.db_path;
    if (rule_.sharded()) {
      for (const auto& key : set_.keys) shards_.push_back({key, set_.path(db, key), {}});
    } else {
      shards_.push_back({"", db, {}});
    }
    for (auto& s : shards_)
      s.db = translate_xapian_errors("opening " + s.path + " for writing", [&] {
        return Xapian::WritableDatabase(s.path, Xapian::DB_OPEN);
      });
    const unsigned n = worker_count(options_.jobs);
    BoundedQueue<Job> jobs(256);
    BoundedQueue<Built> built(256);
    std::vector<std::exception_ptr> failures(n + 1);

    // Reading and hash checks happen on their own snapshot of the shards (in the same order as shards_, so a
    // combined docid tells which shard holds it), while this thread writes. The reader keeps its own copy of
    // the shards' keys and paths: shard_index() appends to shards_ when an article opens a new shard (a new
    // year), and that reallocation under the reader's feet was a data race.
    std::vector<std::string> snapshot_keys, snapshot_paths;
    for (const OpenShard& s : shards_) {
      snapshot_keys.push_back(s.key);
      snapshot_paths.push_back(s.path);
    }
    std::thread reader([&] {
      try {
        Xapian::Database snapshot;
        for (const std::string& path : snapshot_paths) snapshot.add_database(Xapian::Database(path));
        read_sources(
            options_.sources,
            [&](Article&& a) {
              if (!first_with_its_id(a)) return;
              count_read(a);
              // first_with_its_id has just kept this article's origin_file() there: not worked out twice.
              const std::string& read_from = files_read_.back();
              Job job{std::move(a), {}, {}, {}};
              job.hash = content_hash(job.article);
              job.key = rule_.key(job.article);
              const std::string term = schema::safe_term("Q", job.article.id);
              bool same = false;
              // The writer commits while we read: a snapshot more than one revision old may find its blocks
              // reused, and then only a reopen helps. What was committed since is this run's own work.
              for (int attempt = 0;; ++attempt) {
                try {
                  job.held.clear();
                  same = false;
                  for (auto p = snapshot.postlist_begin(term); p != snapshot.postlist_end(term); ++p) {
                    const std::size_t shard = (*p - 1) % snapshot_paths.size();
                    job.held.push_back(shard);
                    if (snapshot_keys[shard] == job.key) {
                      const Xapian::Document stored = snapshot.get_document(*p);
                      same = stored.get_value(schema::slot(schema::Slot::ContentHash)) == job.hash &&
                             still_in_its_file(stored, read_from);
                    }
                  }
                  break;
                } catch (const Xapian::DatabaseModifiedError&) {
                  if (attempt == 10) throw;
                  snapshot.reopen();
                }
              }
              if (same && job.held.size() == 1) {
                ++summary_.unchanged;
                return;
              }
              if (!jobs.push(std::move(job))) throw ConsumerStopped{};
            },
            [&](const InputError& e) { report_error(e); }, read_options());
      } catch (const ConsumerStopped&) {
        // The workers or the writer stopped on an error, which is rethrown once every thread has joined.
      } catch (...) {
        failures[n] = std::current_exception();
      }
      jobs.close();
    });

    std::atomic<unsigned> running{n};
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < n; ++i) {
      workers.emplace_back([&, i] {
        try {
          ArticleAnalyser analyser(tagger_.get());
          while (auto job = jobs.pop()) {
            Built b{job->article.id, job->key, std::move(job->held),
                    build_documents(job->article, analyser.analyse(job->article), analyser.analyzer(), job->hash)};
            if (!built.push(std::move(b))) break;  // the writer failed
          }
        } catch (...) {
          failures[i] = std::current_exception();
          jobs.close();
        }
        if (--running == 0) built.close();
      });
    }

    std::size_t pending = 0;
    std::exception_ptr write_failure;
    try {
      while (auto b = built.pop()) {
        const std::size_t target = shard_index(b->key);
        OpenShard& shard = shards_[target];
        shard.touch();
        write_article(shard.db, b->id, b->docs);
        // A copy in another shard (moved year, or a crash between two shards' commits) goes in the same batch.
        for (std::size_t s : b->held)
          if (s != target) {
            shards_[s].touch();
            delete_article(shards_[s].db, b->id);
          }
        summary_.quotes += b->docs.quotes.size();
        ++(b->held.empty() ? summary_.added : summary_.updated);
        if (++pending >= options_.batch_size) {
          commit_batch();
          pending = 0;
        }
      }
      commit_batch();
    } catch (...) {
      write_failure = std::current_exception();
      jobs.close();
      built.close();
    }
    reader.join();
    for (auto& w : workers) w.join();
    if (write_failure) std::rethrow_exception(write_failure);
    for (auto& f : failures)
      if (f) std::rethrow_exception(f);

    if (options_.prune) prune();
    translate_xapian_errors("committing " + db, [&] {
      for (auto& s : shards_) {
        schema::stamp_versions(s.db);
        s.db.commit();
        // Readers count facets from value streams until this is done: a run killed here only leaves them
        // slower, and the next run writes the file (a run that changes nothing commits no new revision).
        facet_columns::refresh(s.path);
      }
    });
  }

  void prune() {
    // A source that yielded nothing at all, without failing (an empty mount point: the disk is not mounted),
    // would otherwise lose every article: it could have held any id, like a missing source.
    for (std::size_t i = 0; i < sources_.size(); ++i)
      if (source_articles_[i] == 0 &&
          std::none_of(spared_.begin(), spared_.end(), [&](const Spared& f) { return f.path == sources_[i]; })) {
        spared_.push_back({sources_[i], sources_[i], "no articles"});
        prune_nothing_ = true;
      }
    const std::string kind(schema::kKindArticle);
    // Compared as terms: an id too long for a term is stored cut and hashed (schema::safe_term).
    std::unordered_set<std::string> seen_terms;
    for (const auto& [id, first] : first_read_) seen_terms.insert(schema::safe_term("Q", id));
    for (auto& s : shards_) {
      std::vector<std::pair<std::string, std::string>> gone;  // id, origin file
      for (auto it = s.db.postlist_begin(kind); it != s.db.postlist_end(kind); ++it) {
        Xapian::TermIterator t = s.db.termlist_begin(*it);
        t.skip_to("Q");
        if (t == s.db.termlist_end(*it) || (*t)[0] != 'Q' || seen_terms.count(*t)) continue;
        // The whole id (for its quotes' XAID term) and the file it came from are in the stored record.
        const nlohmann::json data = nlohmann::json::parse(s.db.get_document(*it).get_data(), nullptr, false);
        const auto field = [&](const char* name) {
          return data.is_object() && data.contains(name) && data[name].is_string() ? data[name].get<std::string>()
                                                                                   : std::string();
        };
        std::string id = field("id");
        if (id.empty()) id = (*t).substr(1);
        gone.push_back({std::move(id), origin_file(field("origin"))});
      }
      s.touch();
      for (const auto& [id, origin] : gone) {
        if (const std::size_t i = sparing(id, origin); i < spared_.size()) {
          ++spared_[i].kept;
          continue;
        }
        delete_article(s.db, id);
        ++summary_.removed;
      }
      s.commit();
    }
    // Said, not silent: an operator should know why a file's removed rows are still found.
    for (const Spared& f : spared_)
      if (f.kept > 0 || whole_source(f)) summary_.not_pruned.push_back({f.path, f.reason, f.kept});
  }

  const IndexOptions& options_;
  const IndexCallbacks& callbacks_;
  std::unique_ptr<EntityTagger> tagger_;
  ShardRule rule_;
  ShardSet set_;
  std::vector<OpenShard> shards_;
  std::vector<std::string> sources_;  // as given, without trailing slashes
  std::vector<std::uint64_t> source_articles_;  // articles read from each
  std::vector<Spared> spared_;
  bool prune_nothing_ = false;
  // Every id of this run, with where it was first read: for duplicates, and what --prune keeps.
  struct FirstRead {
    std::size_t file;   // in files_read_
    std::uint64_t line;  // 0 for a whole file
  };
  std::unordered_map<std::string, FirstRead> first_read_;
  std::vector<std::string> files_read_;
  IndexSummary summary_;
  IndexProgress progress_;
};

// Everything beside the database is named by appending to its path (".lock", ".new", ".old", ".g1"): with
// "x.db/" they went inside the database, so a run with the slash and one without took different locks, and
// a rebuild could not rename the directory into itself. "x.db/" and "x.db/." name x.db.
std::string database_path(std::string path) {
  while (path.size() > 1 && (path.back() == '/' || path.ends_with("/."))) path.pop_back();
  return path;
}

}  // namespace

IndexSummary run_index(const IndexOptions& given, const IndexCallbacks& callbacks) {
  IndexOptions options = given;
  options.db_path = database_path(given.db_path);
  // Usage errors first: a run refused for its arguments must leave nothing behind, not even PATH.lock.
  if (!options.text_encoding.empty() && !known_text_encoding(options.text_encoding))
    throw Error(ErrorCode::Usage, "unknown text encoding '" + options.text_encoding + "'", kTextEncodingHint);
  ShardRule::parse(options.shard);
  WriterLock lock(options.db_path);
  return translate_xapian_errors("indexing into " + options.db_path, [&] { return Run(options, callbacks).run(); });
}

}  // namespace gazette
