// How a run goes (the why of each step):
//
// 1. Take our own lock file beside the database, so a second run says who holds it instead of failing later
//    inside Xapian.
// 2. A new or empty database (or --rebuild) is a full build: Xapian's writer is ~90% of the cost and a single
//    writer can't use both cores, so each worker analyses and writes its own shard, and the shards are merged
//    with Xapian's compactor into a directory beside the target, which then replaces it. Readers never see
//    a half-built database.
// 3. An existing database is updated in place: the reading thread skips articles whose content hash is
//    unchanged (cheap, no analysis), workers analyse the rest in parallel, and this thread — the only writer —
//    replaces documents by unique id, committing every batch. A crash loses at most the uncommitted batch,
//    which the next run redoes: the end state doesn't depend on where a run was killed.
// 4. --prune then deletes the articles this run didn't see.
#include "gazette/indexer.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>
#include <unordered_set>

#include <xapian.h>

#include "bounded_queue.h"
#include "gazette/document.h"
#include "gazette/error.h"
#include "gazette/schema.h"

namespace gazette {
namespace fs = std::filesystem;
namespace {

// An flock()ed file beside the database: released by the kernel if the process dies, even by kill -9.
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
      std::string who = n > 0 ? " (pid " + std::string(holder, static_cast<std::size_t>(n)) + ")" : "";
      while (!who.empty() && (who.back() == '\n')) who.pop_back();
      throw Error(ErrorCode::DatabaseLocked, "another gazette-index run" + who + " is writing " + db_path,
                  "wait for it to finish; only one writer at a time");
    }
    const std::string pid = std::to_string(::getpid());
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

std::uint64_t input_size(const std::vector<std::string>& sources) {
  std::uint64_t total = 0;
  std::error_code ec;
  for (const auto& s : sources) {
    if (fs::is_regular_file(s, ec)) {
      total += fs::file_size(s, ec);
      continue;
    }
    for (auto it = fs::recursive_directory_iterator(s, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
      if (it->is_regular_file(ec)) total += it->file_size(ec);
  }
  return total;
}

struct Job {
  Article article;
  std::string hash;
  bool existed = false;
};

struct Built {
  std::string id;
  bool existed = false;
  ArticleDocuments docs;
};

void write_article(Xapian::WritableDatabase& db, const std::string& id, ArticleDocuments& docs) {
  db.replace_document(schema::safe_term("Q", id), docs.article);
  // The quotes of the previous version go first: an edited article may have fewer quotes now.
  db.delete_document(schema::safe_term("XAID", id));
  for (Xapian::Document& q : docs.quotes) db.add_document(q);
}

unsigned worker_count(unsigned jobs) {
  if (jobs) return jobs;
  return std::max(1u, std::thread::hardware_concurrency());
}

class Run {
 public:
  Run(const IndexOptions& options, const IndexCallbacks& callbacks)
      : options_(options), callbacks_(callbacks), tagger_(load_default_tagger()) {}

  IndexSummary run() {
    const auto t0 = std::chrono::steady_clock::now();
    progress_.bytes_total = input_size(options_.sources);
    bool full = options_.rebuild || !fs::exists(options_.db_path);
    if (!full) {
      Xapian::Database existing = translate_xapian_errors("opening " + options_.db_path, [&] {
        return Xapian::Database(options_.db_path);
      });
      schema::check_versions(existing, options_.db_path);
      full = existing.get_doccount() == 0;
    }
    summary_.full_build = full;
    if (full)
      full_build();
    else
      incremental();
    summary_.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return summary_;
  }

 private:
  void report_error(const InputError& e) {
    ++summary_.failed;
    if (callbacks_.on_error) callbacks_.on_error(e);
  }

  void count_read(const Article& a) {
    ++progress_.articles;
    progress_.bytes_read += a.text.size() + a.title.size();
    summary_.bytes += a.text.size() + a.title.size();
    if (callbacks_.on_progress && progress_.articles % 256 == 0) callbacks_.on_progress(progress_);
  }

  // Full build: N shards written in parallel, merged, then switched in place of the target.
  void full_build() {
    const unsigned n = worker_count(options_.jobs);
    const std::string aside = options_.db_path + ".new";
    std::error_code ec;
    fs::remove_all(aside, ec);
    std::vector<std::string> shard_paths;
    for (unsigned i = 0; i < n; ++i) {
      shard_paths.push_back(aside + ".shard" + std::to_string(i));
      fs::remove_all(shard_paths.back(), ec);
    }

    std::vector<std::unique_ptr<BoundedQueue<Article>>> queues;
    for (unsigned i = 0; i < n; ++i) queues.push_back(std::make_unique<BoundedQueue<Article>>(64));
    std::atomic<std::uint64_t> quotes{0};
    std::vector<std::exception_ptr> failures(n);
    std::vector<std::thread> workers;
    for (unsigned i = 0; i < n; ++i) {
      workers.emplace_back([&, i] {
        try {
          ArticleAnalyser analyser(tagger_.get());
          Xapian::WritableDatabase shard(shard_paths[i], Xapian::DB_CREATE_OR_OVERWRITE);
          while (auto article = queues[i]->pop()) {
            ArticleDocuments docs =
                build_documents(*article, analyser.analyse(*article), analyser.analyzer(), content_hash(*article));
            quotes += docs.quotes.size();
            // replace, not add: the same id twice in one run (a JSONL row repeated) must stay one article.
            write_article(shard, article->id, docs);
          }
          shard.commit();
        } catch (...) {
          failures[i] = std::current_exception();
          queues[i]->close();
        }
      });
    }

    std::unordered_set<std::string> ids;
    read_sources(
        options_.sources,
        [&](Article&& a) {
          count_read(a);
          if (ids.insert(a.id).second)
            ++summary_.added;
          else
            ++summary_.updated;
          // Same id → same shard, so a repeated id replaces rather than duplicates.
          const std::size_t target = std::hash<std::string>{}(a.id) % n;
          queues[target]->push(std::move(a));
        },
        [&](const InputError& e) { report_error(e); });
    for (auto& q : queues) q->close();
    for (auto& w : workers) w.join();
    for (auto& f : failures)
      if (f) std::rethrow_exception(f);
    summary_.quotes = quotes;

    translate_xapian_errors("merging shards into " + options_.db_path, [&] {
      Xapian::Database all;
      for (const auto& p : shard_paths) all.add_database(Xapian::Database(p));
      all.compact(aside);
      Xapian::WritableDatabase stamped(aside, Xapian::DB_OPEN);
      schema::stamp_versions(stamped);
      stamped.commit();
    });
    for (const auto& p : shard_paths) fs::remove_all(p, ec);
    switch_in(aside);
  }

  // Replaces the target by the freshly built database. The old one is renamed away first: open readers
  // keep their file handles and finish their query; new readers open the new one.
  void switch_in(const std::string& aside) {
    const std::string old = options_.db_path + ".old";
    std::error_code ec;
    fs::remove_all(old, ec);
    if (fs::exists(options_.db_path)) fs::rename(options_.db_path, old);
    fs::rename(aside, options_.db_path);
    fs::remove_all(old, ec);
  }

  void incremental() {
    Xapian::WritableDatabase db = translate_xapian_errors("opening " + options_.db_path + " for writing", [&] {
      return Xapian::WritableDatabase(options_.db_path, Xapian::DB_OPEN);
    });
    const unsigned n = worker_count(options_.jobs);
    BoundedQueue<Job> jobs(256);
    BoundedQueue<Built> built(256);
    std::vector<std::exception_ptr> failures(n + 1);
    std::unordered_set<std::string> seen;

    // Reading and hash checks happen on their own snapshot, while this thread writes.
    std::thread reader([&] {
      try {
        Xapian::Database snapshot(options_.db_path);
        read_sources(
            options_.sources,
            [&](Article&& a) {
              count_read(a);
              const bool repeated = !seen.insert(a.id).second;
              Job job{std::move(a), {}, false};
              job.hash = content_hash(job.article);
              Xapian::PostingIterator p = snapshot.postlist_begin(schema::safe_term("Q", job.article.id));
              if (p != snapshot.postlist_end(schema::safe_term("Q", job.article.id))) {
                job.existed = true;
                if (!repeated &&
                    snapshot.get_document(*p).get_value(schema::slot(schema::Slot::ContentHash)) == job.hash) {
                  ++summary_.unchanged;
                  return;
                }
              }
              jobs.push(std::move(job));
            },
            [&](const InputError& e) { report_error(e); });
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
            Built b{job->article.id, job->existed,
                    build_documents(job->article, analyser.analyse(job->article), analyser.analyzer(), job->hash)};
            built.push(std::move(b));
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
        write_article(db, b->id, b->docs);
        summary_.quotes += b->docs.quotes.size();
        ++(b->existed ? summary_.updated : summary_.added);
        if (++pending >= options_.batch_size) {
          db.commit();
          pending = 0;
        }
      }
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

    if (options_.prune) prune(db, seen);
    translate_xapian_errors("committing " + options_.db_path, [&] {
      schema::stamp_versions(db);
      db.commit();
    });
  }

  void prune(Xapian::WritableDatabase& db, const std::unordered_set<std::string>& seen) {
    std::vector<std::string> gone;
    const std::string kind(schema::kKindArticle);
    for (auto it = db.postlist_begin(kind); it != db.postlist_end(kind); ++it) {
      Xapian::TermIterator t = db.termlist_begin(*it);
      t.skip_to("Q");
      if (t == db.termlist_end(*it) || (*t)[0] != 'Q') continue;
      std::string id = (*t).substr(1);
      if (!seen.count(id)) gone.push_back(std::move(id));
    }
    for (const auto& id : gone) {
      db.delete_document(schema::safe_term("Q", id));
      db.delete_document(schema::safe_term("XAID", id));
      ++summary_.removed;
    }
  }

  const IndexOptions& options_;
  const IndexCallbacks& callbacks_;
  std::unique_ptr<EntityTagger> tagger_;
  IndexSummary summary_;
  IndexProgress progress_;
};

}  // namespace

IndexSummary run_index(const IndexOptions& options, const IndexCallbacks& callbacks) {
  WriterLock lock(options.db_path);
  return translate_xapian_errors("indexing into " + options.db_path, [&] { return Run(options, callbacks).run(); });
}

}  // namespace gazette
