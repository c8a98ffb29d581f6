// The nightly indexing run: sources → articles → analysis → documents → one Xapian database.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gazette/readers.h"

namespace gazette {

struct IndexOptions {
  std::string db_path;
  std::vector<std::string> sources;
  unsigned jobs = 0;          // 0: one per core
  bool prune = false;         // remove articles not seen in this run
  bool rebuild = false;       // build a new database aside and switch to it (schema/analyzer change)
  std::size_t batch_size = 2000;  // articles per commit in incremental runs
  // Full builds: each worker starts a new part, a database of its own, after this many articles, and the
  // merge takes them all. Xapian's writer slows down as the database it updates grows (docs/operations.md).
  std::size_t part_articles = 4000;
  // "" (one database), "year" or "hash:N": db_path is then a Xapian stub file listing one database per shard
  // (docs/operations.md). Only needed when the sharded database is created or resharded (--rebuild): the stub
  // records the rule, and later runs follow it.
  std::string shard;
  // Encoding of .txt files and of HTML pages that declare none; empty: UTF-8 (gazette/readers.h, ReadOptions).
  std::string text_encoding;
};

// A file or a source whose articles --prune kept although this run did not see them all.
struct NotPruned {
  std::string path;
  // "input errors": the file or directory had bad input (bad lines, cut short, unreadable), so its articles
  // that this run did not see are kept. "unreadable source" (missing, or a directory that can't be read)
  // and "no articles" (a source that yielded none: an unmounted disk?): the source could have held any id,
  // so nothing at all is pruned.
  std::string reason;
  std::uint64_t kept = 0;  // articles not seen this run that were kept for it
};

struct IndexSummary {
  std::uint64_t added = 0, updated = 0, unchanged = 0, removed = 0, failed = 0;
  std::uint64_t quotes = 0;
  std::uint64_t bytes = 0;  // article text bytes read
  double seconds = 0;
  bool full_build = false;  // written as parallel parts and merged, rather than updated in place
  unsigned shards = 1;      // databases the stub lists (1 when not sharded)
  // --prune: why articles not seen were kept ("input errors" only when some were; whole sources always).
  std::vector<NotPruned> not_pruned;
};

// Both byte counts are of the input as stored (compressed bytes for a .jsonl.gz; see input_bytes), so that
// their ratio is how far the run has read.
struct IndexProgress {
  std::uint64_t articles = 0;
  std::uint64_t bytes_read = 0;   // input consumed so far
  std::uint64_t bytes_total = 0;  // all the input, 0 if unknown

  // How much of the input is read, from 0 to 1; -1 when the total is unknown.
  double fraction() const {
    if (bytes_total == 0) return -1;
    return bytes_read >= bytes_total ? 1.0 : static_cast<double>(bytes_read) / static_cast<double>(bytes_total);
  }
  // Seconds left at the pace of the `elapsed` seconds so far; -1 before there is a pace to go by.
  double eta_seconds(double elapsed) const {
    const double done = fraction();
    if (done <= 0 || elapsed <= 0) return -1;
    return elapsed * (1 - done) / done;
  }
};

struct IndexCallbacks {
  std::function<void(const InputError&)> on_error;
  std::function<void(const IndexProgress&)> on_progress;  // called now and then, from the reading thread
};

// Runs one indexing pass. Throws gazette::Error for what stops the whole run (lock held, schema mismatch,
// unwritable database, a shard rule that differs from the database's); bad inputs go to on_error and are
// counted in `failed`. Killed at any point, the next run ends in the same state as an uninterrupted one.
IndexSummary run_index(const IndexOptions& options, const IndexCallbacks& callbacks);

}  // namespace gazette
