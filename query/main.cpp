// gazette-query: searches a Gazette database (or several shards) and prints hits, snippets and facets.
// Exit codes (ripgrep's): 0 hits, 1 no hits, 2 error.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>

#include "gazette/analyzer.h"
#include "gazette/error.h"
#include "gazette/schema.h"
#include "gazette/search.h"
#include "printer.h"
#if GAZETTE_WITH_SERVER
#include "serve.h"
#endif

namespace {

#if !GAZETTE_WITH_SERVER
// --serve belongs to gazette-serve, built beside this program, which stays free of the web server's
// libraries (see query/CMakeLists.txt). It gets the same arguments, and the process keeps its pid.
int run_server_program(char** argv) {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) self = argv[0];
  const std::filesystem::path server = self.parent_path() / "gazette-serve";
  ::execv(server.c_str(), argv);
  std::cerr << "gazette-query: --serve: cannot run " << server.string() << ": " << std::strerror(errno)
            << "\nhint: it is built beside gazette-query (cmake --build BUILD --target gazette-serve)\n";
  return gazette::kExitError;
}
#endif

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gazette-query: search a Gazette database of French news articles and quotes"};
  std::vector<std::string> dbs;
  gazette::SearchRequest req;
  std::vector<std::string> words;
  bool json = false, quotes = false, no_dedup = false;
  std::string sort = "relevance", colour = "auto";
  // One value per occurrence: vectors are greedy in CLI11 and would swallow the query.
  app.add_option("--db", dbs, "database, stub file or several --db (default: gazette.db)")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  // The schema and analyzer versions are those of the databases it can read (docs/SCHEMA.md).
  app.set_version_flag("--version",
                       "gazette-query " GAZETTE_VERSION " (schema " + std::to_string(gazette::schema::kVersion) +
                           ", analyzer " + std::to_string(gazette::FrenchAnalyzer::kVersion) + ")",
                       "print the version, and the schema and analyzer versions it reads");
  app.add_flag("--json", json, "print one JSON object (docs/cli.md)");
  app.add_flag("--quotes", quotes, "search quotations instead of articles");
  app.add_flag("--no-dedup", no_dedup, "quotes mode: show every reprint of the same quote");
  app.add_option("--facet", req.facets, "person, org, place, speaker, source, section, tag, year, month, topic")
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  // Counts, not offsets from the end: CLI11 reads "-1" into a size_t as 2^64 - 1, and a page end past 2^32
  // wrapped in Xapian's document counts. A million hits a page is already more than a terminal wants.
  const auto count = CLI::Range(std::size_t{0}, std::size_t{1'000'000}, "a count from 0 to 1000000");
  app.add_option("--facet-limit", req.facet_limit, "values per facet")->check(count)->capture_default_str();
  app.add_option("--sort", sort, "relevance, newest or oldest")->check(CLI::IsMember({"relevance", "newest", "oldest", "date"}))->capture_default_str();
  app.add_option("-n,--limit", req.limit, "hits to show")->check(count)->capture_default_str();
  app.add_option("--offset", req.offset, "hits to skip")->check(count)->capture_default_str();
  app.add_option("--color", colour, "auto, always or never")->check(CLI::IsMember({"auto", "always", "never"}));
  bool serve = false;
  std::string listen = "127.0.0.1:8080";
  app.add_flag("--serve", serve, "serve the search page and JSON API over HTTP instead (docs/web.md)");
  app.add_option("--listen", listen, "with --serve: address:port (loopback unless told otherwise)")
      ->capture_default_str();
  app.add_option("query", words, "the query (docs/cli.md)");
  // Usage errors exit 2 like every other error (CLI11's own codes are 100+); --help and --version exit 0.
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? gazette::kExitOk : gazette::kExitError;
  }
  if (dbs.empty()) dbs.push_back("gazette.db");
  if (serve) {
#if GAZETTE_WITH_SERVER
    try {
      return gazette::serve_http(dbs, listen);
    } catch (const gazette::Error& e) {
      std::cerr << "gazette-query: " << e.what() << '\n';
      if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << '\n';
      return gazette::kExitError;
    }
#else
    return run_server_program(argv);
#endif
  }
  if (words.empty()) {
    std::cerr << "gazette-query: no query given\nhint: gazette-query [--db PATH] QUERY (see --help)\n";
    return gazette::kExitError;
  }
  for (const auto& w : words) req.query += (req.query.empty() ? "" : " ") + w;
  req.mode = quotes ? gazette::SearchMode::Quotes : gazette::SearchMode::Articles;
  req.dedup = !no_dedup;
  req.sort = sort == "newest" || sort == "date" ? gazette::SortOrder::Newest
             : sort == "oldest"                 ? gazette::SortOrder::Oldest
                                                : gazette::SortOrder::Relevance;
  try {
    gazette::Searcher searcher(dbs);
    const gazette::SearchResult result = searcher.search(req);
    if (json)
      std::cout << gazette::to_json(result).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    else
      gazette::print_text(std::cout, result, req.offset,
                          colour == "always" || (colour == "auto" && isatty(STDOUT_FILENO)));
    return result.total > 0 ? gazette::kExitOk : gazette::kExitNoHits;
  } catch (const gazette::Error& e) {
    std::cerr << "gazette-query: " << e.what() << '\n';
    if (!e.hint().empty()) std::cerr << "hint: " << e.hint() << '\n';
    return gazette::kExitError;
  } catch (const std::exception& e) {
    std::cerr << "gazette-query: " << e.what() << '\n';
    return gazette::kExitError;
  }
}
