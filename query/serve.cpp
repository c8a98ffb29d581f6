// gazette-query --serve: the search page and the JSON API (docs/web.md) over cpp-httplib.
//
// Requests run on a small thread pool. Searchers are not thread-safe, so each request borrows one from a pool
// and gives it back; a searcher whose database has been committed to since it was opened is replaced on
// borrowing, so the nightly indexer's new articles show up without a restart (a search that races a commit
// is retried inside Searcher::search).
#include "serve.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>
#include <thread>

#include <httplib.h>

#include "gazette/error.h"
#include "gazette/search.h"
#include "web/page.h"

namespace gazette {
namespace {

// Bounds on what one request may ask for: a search costs time in proportion to these.
constexpr std::size_t kMaxQueryBytes = 1000;
constexpr std::size_t kMaxIdBytes = 512;
constexpr std::size_t kMaxPage = 500;
constexpr std::size_t kMaxLimit = 100;
constexpr std::size_t kPagePerPage = 20;
constexpr std::size_t kMaxFacets = 12;
constexpr std::size_t kMaxFacetLimit = 100;
constexpr std::size_t kWorkers = 4;
constexpr time_t kIoTimeoutSeconds = 10;

// The histogram's years are summed from the months (web/page.cpp), so "year" is not asked for.
// The same in quotes mode: a quote document carries its article's entities and source (schema 7), so each
// link finds quotes.
const char* const kPageFacets[] = {"speaker", "person", "org", "place", "topic", "source", "month"};

// What identifies the committed state of the databases: the mtime and inode of each glass version file
// (rewritten at each commit; a rebuilt database swapped in is a new inode), and for a stub file the stub itself
// and every local shard it names.
using Stamp = std::vector<std::pair<std::int64_t, std::uint64_t>>;

void stamp_file(const std::filesystem::path& file, Stamp& s) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) {
    s.emplace_back(-1, 0);
    return;
  }
  s.emplace_back(static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec,
                 static_cast<std::uint64_t>(st.st_ino));
}

Stamp stamp_of(const std::vector<std::string>& paths) {
  Stamp s;
  for (const auto& p : paths) {
    const std::filesystem::path path(p);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      stamp_file(path / "iamglass", s);
      continue;
    }
    stamp_file(path, s);
    // A stub: "auto PATH", "glass PATH" or "remote …" per line, relative paths from the stub's directory.
    std::ifstream stub(path);
    std::string line;
    while (std::getline(stub, line)) {
      std::istringstream words(line);
      std::string kind, shard;
      if (!(words >> kind >> shard) || kind == "remote" || kind[0] == '#') continue;
      const std::filesystem::path dir = std::filesystem::path(shard).is_absolute() ? std::filesystem::path(shard) : path.parent_path() / shard;
      stamp_file(dir / "iamglass", s);
    }
  }
  return s;
}

class SearcherPool {
 public:
  SearcherPool(std::vector<std::string> paths, std::size_t size) : paths_(std::move(paths)), size_(size) {
    idle_.push_back(make());  // fails now, before listening, if a database can't be opened
  }

  // Runs f(searcher) on a borrowed searcher; one that hit a concurrent commit is replaced and f tried again.
  template <typename F>
  auto with(F&& f) -> decltype(f(std::declval<Searcher&>())) {
    Entry e = borrow();
    struct Return {
      SearcherPool& pool;
      Entry& entry;
      ~Return() { pool.give_back(std::move(entry)); }
    } back{*this, e};
    for (int attempt = 0;; ++attempt) {
      try {
        return f(*e.searcher);
      } catch (const Error& err) {
        if (err.code() != ErrorCode::DatabaseModified || attempt >= 2) throw;
        e = make();
      }
    }
  }

 private:
  struct Entry {
    std::unique_ptr<Searcher> searcher;
    Stamp stamp;
  };

  Entry make() {
    Entry e;
    e.stamp = stamp_of(paths_);
    e.searcher = std::make_unique<Searcher>(paths_);
    return e;
  }

  Entry borrow() {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [&] { return !idle_.empty() || made_ < size_; });
    Entry e;
    if (!idle_.empty()) {
      e = std::move(idle_.back());
      idle_.pop_back();
    } else {
      ++made_;
    }
    lock.unlock();
    if (!e.searcher || e.stamp != stamp_of(paths_)) {
      try {
        e = make();
      } catch (...) {
        // Keep the slot count right so that a failed open doesn't shrink the pool for good.
        std::lock_guard relock(mutex_);
        --made_;
        freed_.notify_one();
        throw;
      }
    }
    return e;
  }

  void give_back(Entry e) {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(e));
    freed_.notify_one();
  }

  std::vector<std::string> paths_;
  std::size_t size_;
  std::size_t made_ = 1;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<Entry> idle_;
};

// A request parameter that is not acceptable: answered with 400 and the reason.
struct BadRequest {
  std::string message;
};

std::size_t number_param(const httplib::Request& req, const char* name, std::size_t fallback, std::size_t min,
                         std::size_t max) {
  if (!req.has_param(name)) return fallback;
  const std::string v = req.get_param_value(name);
  std::size_t n = 0;
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos)
    throw BadRequest{std::string("parameter '") + name + "' must be a number"};
  n = std::stoul(v);
  if (n < min || n > max)
    throw BadRequest{std::string("parameter '") + name + "' must be between " + std::to_string(min) + " and " +
                     std::to_string(max)};
  return n;
}

std::string query_param(const httplib::Request& req, const char* name = "q") {
  std::string q = req.has_param(name) ? req.get_param_value(name) : std::string();
  if (q.size() > kMaxQueryBytes)
    throw BadRequest{"the query is too long (" + std::to_string(q.size()) + " bytes, at most " +
                     std::to_string(kMaxQueryBytes) + ")"};
  // Trimmed so that "Ouchakov " and "Ouchakov" are the same bookmark.
  const auto a = q.find_first_not_of(" \t\r\n"), b = q.find_last_not_of(" \t\r\n");
  return a == std::string::npos ? std::string() : q.substr(a, b - a + 1);
}

SortOrder sort_param(const std::string& s) {
  if (s == "relevance" || s.empty()) return SortOrder::Relevance;
  if (s == "newest" || s == "date") return SortOrder::Newest;
  if (s == "oldest") return SortOrder::Oldest;
  throw BadRequest{"parameter 'sort' must be relevance, newest or oldest"};
}

SearchMode mode_param(const httplib::Request& req) {
  const std::string m = req.has_param("mode") ? req.get_param_value("mode") : "articles";
  if (m == "articles" || m.empty()) return SearchMode::Articles;
  if (m == "quotes") return SearchMode::Quotes;
  throw BadRequest{"parameter 'mode' must be articles or quotes"};
}

std::string dump(const nlohmann::json& j) {
  // Article text is not guaranteed to be valid UTF-8; a bad byte becomes U+FFFD rather than an exception.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void send_json(httplib::Response& res, int status, const nlohmann::json& j) {
  res.status = status;
  res.set_content(dump(j) + "\n", "application/json; charset=utf-8");
}

void send_html(httplib::Response& res, int status, const std::string& html) {
  res.status = status;
  res.set_content(html, "text/html; charset=utf-8");
}

int status_for(const Error& e) {
  return e.code() == ErrorCode::BadQuery || e.code() == ErrorCode::Usage ? 400 : 503;
}

bool is_api(const httplib::Request& req) { return req.path.rfind("/api/", 0) == 0; }

class Server {
 public:
  explicit Server(const std::vector<std::string>& dbs) : pool_(dbs, kWorkers) {}

  void routes(httplib::Server& http) {
    http.Get("/", [this](const auto& req, auto& res) { guarded(req, res, [&] { page_search(req, res); }); });
    http.Get("/speaker", [this](const auto& req, auto& res) { guarded(req, res, [&] { page_speaker(req, res); }); });
    http.Get("/article", [this](const auto& req, auto& res) { guarded(req, res, [&] { page_article(req, res); }); });
    http.Get("/api/search", [this](const auto& req, auto& res) { guarded(req, res, [&] { api_search(req, res); }); });
    http.Get("/api/article", [this](const auto& req, auto& res) { guarded(req, res, [&] { api_article(req, res); }); });
    // Static files are compiled in and looked up by exact name: there is no path to traverse.
    http.Get("/static/style.css", [](const auto&, auto& res) {
      res.set_header("Cache-Control", "max-age=3600");
      res.set_content(std::string(web::style_css()), "text/css; charset=utf-8");
    });
    http.Get("/static/app.js", [](const auto&, auto& res) {
      res.set_header("Cache-Control", "max-age=3600");
      res.set_content(std::string(web::app_js()), "text/javascript; charset=utf-8");
    });
  }

 private:
  template <typename F>
  void guarded(const httplib::Request& req, httplib::Response& res, F&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    try {
      f();
    } catch (const BadRequest& e) {
      if (is_api(req))
        send_json(res, 400, {{"error", e.message}});
      else
        send_html(res, 400, web::message_page("Requête refusée", e.message));
    } catch (const Error& e) {
      if (is_api(req))
        send_json(res, status_for(e), {{"error", e.what()}, {"hint", e.hint()}});
      else
        send_html(res, status_for(e), web::message_page("Erreur", e.what(), e.hint()));
    }
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    // Server-Timing lets a browser's devtools and bench/serve-latency read the time spent here.
    res.set_header("Server-Timing", "app;dur=" + std::to_string(ms));
  }

  SearchResult run(const SearchRequest& r) {
    return pool_.with([&](Searcher& s) { return s.search(r); });
  }

  // The page's search: a query that fails to parse is shown with its reason above an empty result.
  void render_search(httplib::Response& res, web::SearchView& v, SearchRequest& r,
                     bool speaker, const std::string& name) {
    const auto t0 = std::chrono::steady_clock::now();
    std::optional<SearchResult> result;
    int status = 200;
    try {
      result = run(r);
    } catch (const Error& e) {
      if (e.code() != ErrorCode::BadQuery && e.code() != ErrorCode::Usage) throw;
      v.error = e.what();
      v.hint = e.hint();
      status = 400;
    }
    v.result = result ? &*result : nullptr;
    v.server_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    send_html(res, status, speaker ? web::speaker_page(name, v) : web::search_page(v));
  }

  void page_search(const httplib::Request& req, httplib::Response& res) {
    web::SearchView v;
    v.q = query_param(req);
    v.quotes = mode_param(req) == SearchMode::Quotes;
    SearchRequest r;
    r.query = v.q;
    r.mode = v.quotes ? SearchMode::Quotes : SearchMode::Articles;
    // With no query the page is the archive itself, newest first.
    const std::string sort = req.has_param("sort") ? req.get_param_value("sort") : "";
    r.sort = sort.empty() && v.q.empty() ? SortOrder::Newest : sort_param(sort);
    // The form keeps the asked-for order only: a query typed on the front page is ranked by relevance.
    v.sort = sort == "newest" || sort == "date" ? "newest" : sort == "oldest" ? "oldest" : "relevance";
    v.page = number_param(req, "page", 1, 1, kMaxPage);
    v.per_page = kPagePerPage;
    r.offset = (v.page - 1) * v.per_page;
    r.limit = v.per_page;
    r.facets.assign(std::begin(kPageFacets), std::end(kPageFacets));
    r.facet_limit = 12;
    render_search(res, v, r, false, {});
  }

  void page_speaker(const httplib::Request& req, httplib::Response& res) {
    const std::string name = query_param(req, "name");
    if (name.empty()) throw BadRequest{"which speaker? (parameter 'name')"};
    web::SearchView v;
    v.q = query_param(req);
    v.quotes = true;
    v.sort = "oldest";
    v.page = number_param(req, "page", 1, 1, kMaxPage);
    v.per_page = 50;
    SearchRequest r;
    r.query = web::facet_clause("speaker", name) + (v.q.empty() ? "" : " (" + v.q + ")");
    r.mode = SearchMode::Quotes;
    r.sort = SortOrder::Oldest;
    r.offset = (v.page - 1) * v.per_page;
    r.limit = v.per_page;
    r.facets = {"topic", "month"};  // quotes carry no entity values of their own
    r.facet_limit = 10;
    render_search(res, v, r, true, name);
  }

  void page_article(const httplib::Request& req, httplib::Response& res) {
    const std::string id = article_id(req);
    const nlohmann::json a = pool_.with([&](Searcher& s) {
      return translate_xapian_errors("reading article " + id, [&] { return s.article(id); });
    });
    if (!a.is_object()) {
      send_html(res, 404, web::message_page("Article introuvable", "Aucun article n’a l’identifiant « " + id + " ».",
                                            "L’archive a peut-être été reconstruite ; cherchez-le par son titre."));
      return;
    }
    send_html(res, 200, web::article_page(a));
  }

  void api_search(const httplib::Request& req, httplib::Response& res) {
    SearchRequest r;
    r.query = query_param(req);
    r.mode = mode_param(req);
    r.sort = sort_param(req.has_param("sort") ? req.get_param_value("sort") : "relevance");
    r.limit = number_param(req, "limit", 10, 0, kMaxLimit);
    const std::size_t page = number_param(req, "page", 1, 1, kMaxPage);
    r.offset = number_param(req, "offset", (page - 1) * r.limit, 0, kMaxPage * kMaxLimit);
    r.facet_limit = number_param(req, "facet_limit", 10, 1, kMaxFacetLimit);
    r.dedup = !(req.has_param("dedup") && req.get_param_value("dedup") == "0");
    // facet=speaker&facet=person or facet=speaker,person
    for (std::size_t i = 0; i < req.get_param_value_count("facet"); ++i) {
      const std::string list = req.get_param_value("facet", i);
      for (std::size_t at = 0; at <= list.size();) {
        const std::size_t comma = std::min(list.find(',', at), list.size());
        if (comma > at) r.facets.push_back(list.substr(at, comma - at));
        at = comma + 1;
      }
    }
    if (r.facets.size() > kMaxFacets) throw BadRequest{"at most " + std::to_string(kMaxFacets) + " facets"};
    send_json(res, 200, to_json(run(r)));
  }

  void api_article(const httplib::Request& req, httplib::Response& res) {
    const std::string id = article_id(req);
    const nlohmann::json a = pool_.with([&](Searcher& s) {
      return translate_xapian_errors("reading article " + id, [&] { return s.article(id); });
    });
    if (!a.is_object()) {
      send_json(res, 404, {{"error", "no article with id " + id}});
      return;
    }
    send_json(res, 200, a);
  }

  static std::string article_id(const httplib::Request& req) {
    const std::string id = req.has_param("id") ? req.get_param_value("id") : std::string();
    if (id.empty()) throw BadRequest{"which article? (parameter 'id')"};
    if (id.size() > kMaxIdBytes) throw BadRequest{"the article id is too long"};
    return id;
  }

  SearcherPool pool_;
};

struct Address {
  std::string host;
  int port = 0;
};

Address parse_listen(const std::string& listen) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos)
    throw Error(ErrorCode::Usage, "--listen " + listen + ": expected ADDRESS:PORT", "e.g. --listen 127.0.0.1:8080");
  Address a;
  a.host = listen.substr(0, colon);
  if (a.host.size() >= 2 && a.host.front() == '[' && a.host.back() == ']') a.host = a.host.substr(1, a.host.size() - 2);
  if (a.host.empty()) a.host = "127.0.0.1";
  const std::string port = listen.substr(colon + 1);
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(port) > 65535)
    throw Error(ErrorCode::Usage, "--listen " + listen + ": bad port '" + port + "'", "a number from 0 (any free port) to 65535");
  a.port = std::stoi(port);
  return a;
}

bool is_loopback(const std::string& host) {
  if (host == "localhost") return true;
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return false;
}

}  // namespace

int serve_http(const std::vector<std::string>& db_paths, const std::string& listen) {
  const Address addr = parse_listen(listen);
  Server app(db_paths);

  httplib::Server http;
  http.new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
  http.set_read_timeout(kIoTimeoutSeconds, 0);
  http.set_write_timeout(kIoTimeoutSeconds, 0);
  http.set_keep_alive_timeout(5);
  http.set_keep_alive_max_count(100);
  http.set_payload_max_length(64 * 1024);  // read-only: nothing worth uploading
  // httplib's default is SO_REUSEPORT, which lets a second server bind the same port and take half the
  // connections; SO_REUSEADDR alone still allows a quick restart.
  http.set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
  });
  http.set_default_headers({
      {"Content-Security-Policy",
       "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"X-Frame-Options", "DENY"},
  });
  http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response& res) {
    if (req.method == "GET" || req.method == "HEAD") return httplib::Server::HandlerResponse::Unhandled;
    res.status = 405;
    res.set_header("Allow", "GET, HEAD");
    res.set_content("read-only: only GET and HEAD are served\n", "text/plain; charset=utf-8");
    return httplib::Server::HandlerResponse::Handled;
  });
  app.routes(http);
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;  // a handler already said why
    const std::string what = res.status == 404 ? "nothing here" : "HTTP status " + std::to_string(res.status);
    if (is_api(req))
      send_json(res, res.status, {{"error", what}});
    else if (res.status == 404)
      send_html(res, 404, web::message_page("Page introuvable", "Cette adresse ne correspond à aucune page."));
    else
      send_html(res, res.status, web::message_page("Erreur", what));
  });
  http.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown error";
    try {
      std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    std::cerr << "gazette-query: " << req.method << " " << req.path << ": " << what << '\n';
    res.status = 500;
    if (is_api(req))
      send_json(res, 500, {{"error", "internal error"}});
    else
      send_html(res, 500, web::message_page("Erreur interne", "La requête a échoué ; le détail est dans le journal du serveur."));
  });

  int port = addr.port;
  const bool bound = port == 0 ? (port = http.bind_to_any_port(addr.host)) > 0 : http.bind_to_port(addr.host, port);
  if (!bound)
    throw Error(ErrorCode::Usage, "cannot listen on " + listen, "is the port in use? pick another with --listen");

  // Signals are taken by one thread with sigwait, so that stopping is ordinary code, not a signal handler.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&stop_signals, &sig);
    http.stop();
  });

  if (!is_loopback(addr.host))
    std::cerr << "gazette-query: warning: listening on " << addr.host
              << ", which is not a loopback address: anyone who can reach it can search these databases\n";
  const std::string shown = addr.host.find(':') != std::string::npos ? "[" + addr.host + "]" : addr.host;
  std::cout << "gazette-query: serving http://" << shown << ":" << port << "/ (Ctrl-C stops)" << std::endl;

  const bool ok = http.listen_after_bind();
  // listen_after_bind returned: wake the stopper if no signal did.
  ::kill(::getpid(), SIGTERM);
  stopper.join();
  return ok ? kExitOk : kExitError;
}

}  // namespace gazette
