// gazette-index: reads articles and writes (or updates) a Gazette database; --extract prints what the
// analysis understood instead. All the work is in common/core (indexer.cpp, document.cpp).
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "gazette/analyzer.h"
#include "gazette/document.h"
#include "gazette/error.h"
#include "gazette/indexer.h"
#include "gazette/readers.h"
#include "gazette/schema.h"

namespace {

void print_progress(const gazette::IndexProgress& p, double seconds) {
  const double mb = p.bytes_read / 1e6;
  std::fprintf(stderr, "\r%llu articles, %.1f MB, %.1f MB/s", static_cast<unsigned long long>(p.articles), mb,
               seconds > 0 ? mb / seconds : 0);
  if (const double eta = p.eta_seconds(seconds); eta >= 0) std::fprintf(stderr, ", ETA %.0f s   ", eta);
  std::fflush(stderr);
}

// CLI::PositiveNumber says "Value 0 not in range 0.000000 to 1797693…" (the range of a double).
std::string at_least_one(const std::string& text) {
  std::size_t end = 0;
  unsigned long long n = 0;
  try {
    n = std::stoull(text, &end);
  } catch (const std::exception&) {
    end = 0;
  }
  if (end == 0 || end != text.size() || text[0] == '-' || n == 0 || n > std::numeric_limits<std::size_t>::max())
    return "must be a whole number of at least 1, not '" + text + "'";
  return "";
}

// What a database built by this program carries: the schema and analyzer versions, which gazette-query checks,
// and the document version in every content hash (docs/SCHEMA.md).
std::string version_text() {
  return "gazette-index " GAZETTE_VERSION " (schema " + std::to_string(gazette::schema::kVersion) + ", analyzer " +
         std::to_string(gazette::FrenchAnalyzer::kVersion) + ", document " + std::to_string(gazette::kDocumentVersion) +
         ")";
}

// One line per file or source whose unseen articles --prune kept, on stderr beside the input errors.
std::string not_pruned_line(const gazette::NotPruned& n) {
  const std::string kept = n.kept == 1 ? "1 article not seen this run is kept"
                                       : std::to_string(n.kept) + " articles not seen this run are kept";
  if (n.reason == "no articles")
    return "nothing pruned: " + n.path + " holds no articles (an unmounted disk?); " + kept;
  if (n.reason == "unreadable source") return "nothing pruned: " + n.path + " could not be read; " + kept;
  return n.path + ": not pruned, as it had input errors; " + kept;
}

int extract(const std::vector<std::string>& sources, const gazette::ReadOptions& read_options) {
  auto tagger = gazette::load_default_tagger();
  gazette::ArticleAnalyser analyser(tagger.get());
  bool failed = false;
  gazette::read_sources(
      sources,
      [&](gazette::Article&& a) {
        std::cout << gazette::extraction_json(a, analyser.analyse(a)).dump(-1, ' ', false,
                                                                            nlohmann::json::error_handler_t::replace)
                  << '\n';
      },
      [&](const gazette::InputError& e) {
        failed = true;
        std::cerr << "gazette-index: " << e.to_string() << '\n';
      },
      read_options);
  return failed ? gazette::kExitPartial : gazette::kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
  // Xapian flushes a writer's pending postings every 10,000 documents by default. Gazette writes six
  // documents per article, and a smaller in-memory inverter is faster to fill than it costs to flush more
  // often: OrangeSum --jobs 2 full build 67.7 → 52.5 s at 1,000 (bench/RESULTS.md). Set before any thread
  // starts, and only when the user has not chosen a value.
  ::setenv("XAPIAN_FLUSH_THRESHOLD", "1000", 0);
  CLI::App app{"gazette-index: index French news articles (.txt, .jsonl, .jsonl.gz, .html) into a Gazette database"};
  gazette::IndexOptions options;
  options.db_path = "gazette.db";
  bool json = false, extract_only = false, quiet = false;
  app.add_option("--db", options.db_path, "database directory (created if missing)")->capture_default_str();
  app.add_option("-j,--jobs", options.jobs, "worker threads (default: one per core)");
  app.add_flag("--prune", options.prune, "remove articles whose source is gone (give all sources every run)");
  app.add_flag("--rebuild", options.rebuild, "build a new database aside and switch to it");
  app.add_option("--batch", options.batch_size, "articles per commit in incremental runs")
      ->capture_default_str()
      ->check(CLI::Validator(at_least_one, "N >= 1"));
  app.add_option("--part-size", options.part_articles, "articles per part a worker writes in full builds")
      ->capture_default_str()
      ->check(CLI::Validator(at_least_one, "N >= 1"));
  app.set_version_flag("--version", version_text(),
                       "print the version, and the schema, analyzer and document versions");
  app.add_option("--shard", options.shard,
                 "year or hash:N: --db becomes a Xapian stub file listing one database per shard (needed only when "
                 "creating or resharding with --rebuild; later runs follow the stub's rule)");
  app.add_option("--text-encoding", options.text_encoding,
                 "encoding of .txt files and of HTML pages that declare none (default: UTF-8), e.g. windows-1252")
      ->check([](const std::string& name) {
        return gazette::known_text_encoding(name) ? std::string() : "unknown encoding '" + name + "'; " +
                                                                        gazette::kTextEncodingHint;
      });
  app.add_flag("--json", json, "print the summary as JSON (with --extract: JSON Lines, the default)");
  app.add_flag("--extract", extract_only, "print each article's entities and quotes as JSON; write nothing");
  app.add_flag("-q,--quiet", quiet, "no progress, only errors and the summary");
  app.add_option("sources", options.sources, "files or directories")->required();
  // Usage errors exit 2 like every other error (CLI11's own codes are 100+); --help and --version exit 0.
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? gazette::kExitOk : gazette::kExitError;
  }

  try {
    if (extract_only) return extract(options.sources, gazette::ReadOptions{options.text_encoding, {}});
    const bool tty = !quiet && isatty(STDERR_FILENO);
    const auto start = std::chrono::steady_clock::now();
    gazette::IndexCallbacks callbacks;
    callbacks.on_error = [&](const gazette::InputError& e) {
      if (tty) std::fputs("\r\033[K", stderr);
      std::cerr << "gazette-index: " << e.to_string() << '\n';
    };
    if (tty)
      callbacks.on_progress = [&](const gazette::IndexProgress& p) {
        print_progress(p, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      };
    const gazette::IndexSummary s = gazette::run_index(options, callbacks);
    if (tty) std::fputs("\r\033[K", stderr);
    for (const auto& n : s.not_pruned) std::cerr << "gazette-index: " << not_pruned_line(n) << '\n';
    if (json) {
      nlohmann::json summary{{"added", s.added},     {"updated", s.updated}, {"unchanged", s.unchanged},
                             {"removed", s.removed}, {"failed", s.failed},   {"quotes", s.quotes},
                             {"bytes", s.bytes},     {"seconds", s.seconds}, {"full_build", s.full_build},
                             {"shards", s.shards}};
      for (const auto& n : s.not_pruned)
        summary["not_pruned"].push_back({{"path", n.path}, {"reason", n.reason}, {"kept", n.kept}});
      std::cout << summary.dump() << '\n';
    } else {
      std::fprintf(stderr, "%s: %llu added, %llu updated, %llu unchanged, %llu removed, %llu failed (%llu quotes) in %.1f s\n",
                   options.db_path.c_str(), static_cast<unsigned long long>(s.added),
                   static_cast<unsigned long long>(s.updated), static_cast<unsigned long long>(s.unchanged),
                   static_cast<unsigned long long>(s.removed), static_cast<unsigned long long>(s.failed),
                   static_cast<unsigned long long>(s.quotes), s.seconds);
    }
    if (s.failed == 0) return gazette::kExitOk;
    return s.added + s.updated + s.unchanged > 0 ? gazette::kExitPartial : gazette::kExitError;
  } catch (const gazette::Error& e) {
    std::cerr << "gazette-index: " << e.what() << '\n';
    if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << '\n';
    return e.exit_code();
  } catch (const std::exception& e) {
    std::cerr << "gazette-index: " << e.what() << '\n';
    return gazette::kExitError;
  }
}
