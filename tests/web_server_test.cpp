// gazette-query --serve as a client sees it: the real binary on a free loopback port over the corpus database
// (and over a small database of hostile articles), asked through cpp-httplib's client.
#define BOOST_TEST_MODULE web_server
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <regex>
#include <string>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "support/corpus_db.h"
#include "web/page.h"

namespace gt = gazette::testing;
using nlohmann::json;

namespace {

const std::string kSeedA = "000_b35c598148b0eacd.txt";
const std::string kSeedB = "003_10b113a26dc81203.txt";

// The server as a child process; the port is the one it prints once it listens (--listen 127.0.0.1:0).
class ServerProcess {
 public:
  explicit ServerProcess(const std::string& db) {
    int out[2];
    if (pipe(out) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
      dup2(out[1], STDOUT_FILENO);
      close(out[0]);
      close(out[1]);
      execl(GAZETTE_QUERY_BIN, GAZETTE_QUERY_BIN, "--serve", "--listen", "127.0.0.1:0", "--db", db.c_str(),
            static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    std::string line;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (line.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{out[0], POLLIN, 0};
      if (poll(&p, 1, 1000) <= 0) continue;
      char buf[256];
      const ssize_t n = read(out[0], buf, sizeof buf);
      if (n <= 0) break;
      line.append(buf, static_cast<std::size_t>(n));
    }
    close(out[0]);
    std::smatch m;
    if (!std::regex_search(line, m, std::regex(R"(serving http://127\.0\.0\.1:(\d+)/)")))
      throw std::runtime_error("the server did not say where it listens: '" + line + "'");
    port_ = std::stoi(m[1]);
  }
  ~ServerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  // SIGTERM, then the exit status (or -1 if it had to be killed).
  int stop() {
    kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      }
      usleep(100 * 1000);
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

struct Corpus {
  gt::CorpusDb db;
  ServerProcess server{db.path()};
};

Corpus& corpus() {
  static Corpus c;
  return c;
}

struct Reply {
  int status = 0;
  std::string body, content_type;
  httplib::Headers headers;
};

Reply get(int port, const std::string& path, const std::string& method = "GET") {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(60, 0);
  client.set_url_encode(false);  // paths go out as written, ../ and all
  httplib::Result r = method == "POST" ? client.Post(path.c_str(), "x", "text/plain") : client.Get(path.c_str());
  BOOST_REQUIRE_MESSAGE(r, "no answer to " + path + ": " + httplib::to_string(r.error()));
  return {r->status, r->body, r->get_header_value("Content-Type"), r->headers};
}

Reply get(const std::string& path) { return get(corpus().server.port(), path); }

json get_json(const std::string& path, int expected_status = 200) {
  const Reply r = get(path);
  BOOST_TEST_INFO(path);
  BOOST_TEST(r.status == expected_status);
  BOOST_TEST(r.content_type == "application/json; charset=utf-8");
  return json::parse(r.body);
}

std::string run_output(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::string out;
  std::array<char, 4096> buf{};
  std::size_t n = 0;
  while ((n = fread(buf.data(), 1, buf.size(), pipe.get())) > 0) out.append(buf.data(), n);
  return out;
}

std::size_t count_of(const std::string& hay, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(clauses)

BOOST_AUTO_TEST_CASE(facet_values_become_query_clauses) {
  using namespace gazette::web;
  BOOST_TEST(facet_clause("speaker", "Youri Ouchakov") == "speaker:\"Youri Ouchakov\"");
  BOOST_TEST(facet_clause("org", "Fédération \"de\" Russie") == "org:\"Fédération de Russie\"");
  BOOST_TEST(facet_clause("month", "2018-11") == "date:2018-11");
  BOOST_TEST(facet_clause("year", "2017") == "date:2017");
  BOOST_TEST(facet_clause("topic", "sanctions") == "sanctions");
  BOOST_TEST(toggle_clause("Ouchakov sanctions", "speaker:\"Youri Ouchakov\"") ==
             "Ouchakov sanctions speaker:\"Youri Ouchakov\"");
  BOOST_TEST(toggle_clause("Ouchakov speaker:\"Youri Ouchakov\" sanctions", "speaker:\"Youri Ouchakov\"") ==
             "Ouchakov sanctions");
  BOOST_TEST(toggle_clause("", "date:2018") == "date:2018");
  BOOST_TEST(toggle_clause("date:2018-11", "date:2018") == "date:2018-11 date:2018");  // whole tokens only
  BOOST_TEST(has_clause("a date:2018 b", "date:2018"));
  BOOST_TEST(!has_clause("a date:2018-11", "date:2018"));
  BOOST_TEST(html_escape("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  BOOST_TEST(url_encode("speaker:\"Ouchakov\" é/&") == "speaker%3A%22Ouchakov%22%20%C3%A9%2F%26");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(api)

BOOST_AUTO_TEST_CASE(search_answers_the_same_json_as_the_command_line) {
  const json api = get_json("/api/search?q=Ouchakov%20sanctions&facet=speaker&facet=person");
  const json cli = json::parse(run_output(std::string(GAZETTE_QUERY_BIN) + " --json --db " +
                                          gt::shell_quote(corpus().db.path()) +
                                          " --facet speaker --facet person Ouchakov sanctions"));
  BOOST_TEST(api == cli);
  BOOST_TEST(api["total"] == 2);
  BOOST_REQUIRE(api["results"].size() == 2u);
  BOOST_TEST(api["results"][0]["id"] == kSeedB);
  BOOST_TEST(api["results"][1]["id"] == kSeedA);
  // Both seeds quote Ouchakov (who else speaks depends on the quote extractor's current reach).
  BOOST_TEST(api["facets"]["speaker"][0].dump() == R"({"count":2,"value":"Youri Ouchakov"})");
}

BOOST_AUTO_TEST_CASE(quotes_mode_pages_and_facets) {
  const std::string q = "/api/search?q=speaker%3A%22Youri%20Ouchakov%22&mode=quotes&facet=speaker&limit=5";
  const json first = get_json(q);
  const json second = get_json(q + "&page=2");
  BOOST_TEST(first["mode"] == "quotes");
  BOOST_TEST(first["total"].get<int>() > 10);
  BOOST_TEST(first["total"] == second["total"]);
  BOOST_REQUIRE(first["quotes"].size() == 5u);
  BOOST_REQUIRE(second["quotes"].size() == 5u);
  for (const auto& page : {first, second})
    for (const auto& quote : page["quotes"]) BOOST_TEST(quote["speaker"] == "Youri Ouchakov");
  BOOST_TEST(first["quotes"][0]["id"] != second["quotes"][0]["id"]);
  BOOST_TEST(first["facets"]["speaker"][0]["value"] == "Youri Ouchakov");
  // offset= is the same as the page it lands on
  BOOST_TEST(get_json(q + "&offset=5")["quotes"] == second["quotes"]);
}

// The page in quotes mode asks only for the facets whose links find quotes: asking for the article's entities
// too gave every quotes page two notes that they count articles, not quotes, and a source link found none.
// The quotes page has the article page's facets, and each link finds quotes: a place link narrows the
// quotes to those of the articles about that place (schema 7; the quotes page once showed speaker, topic
// and month only, since its other links found no quote).
BOOST_AUTO_TEST_CASE(the_quotes_page_shows_no_note_on_an_ordinary_search) {
  const Reply r = get("/?q=Poutine&mode=quotes");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body.find("class=\"note\"") == std::string::npos, r.body.substr(0, 2000));
  BOOST_TEST(r.body.find("Youri Ouchakov") != std::string::npos);
  BOOST_TEST(r.body.find("place%3A%22Moscou%22") != std::string::npos);
  const json narrowed = get_json("/api/search?mode=quotes&q=Poutine%20place%3A%22Moscou%22&facet=place");
  BOOST_TEST(narrowed["total"].get<int>() > 0);
  BOOST_TEST(narrowed["total"].get<int>() < get_json("/api/search?mode=quotes&q=Poutine")["total"].get<int>());
  bool every_quote_in_moscow = false;
  for (const auto& v : narrowed["facets"]["place"])
    if (v["value"] == "Moscou") every_quote_in_moscow = v["count"] == narrowed["total"];
  BOOST_TEST(every_quote_in_moscow);
}

BOOST_AUTO_TEST_CASE(article_is_the_stored_record) {
  const json a = get_json("/api/article?id=" + kSeedA);
  BOOST_TEST(a["id"] == kSeedA);
  BOOST_TEST(a["text"].get<std::string>().rfind("Le président américain Joe Biden et son homologue russe", 0) == 0);
  bool ouchakov_quoted = false;
  for (const auto& q : a["quotes"]) ouchakov_quoted = ouchakov_quoted || q["speaker"] == "Youri Ouchakov";
  BOOST_TEST(ouchakov_quoted);
  BOOST_TEST(a["entities"][0]["canonical"] == "Joe Biden");
}

BOOST_AUTO_TEST_CASE(errors_are_json_with_a_reason) {
  BOOST_TEST(get_json("/api/article?id=nope.txt", 404)["error"] == "no article with id nope.txt");
  BOOST_TEST(get_json("/api/nope", 404)["error"] == "nothing here");
  BOOST_TEST(get_json("/api/search?q=%22Ouchakov", 400)["error"] == "unclosed \" opened at column 1");
  BOOST_TEST(get_json("/api/search?q=x&facet=bogus", 400)["error"] == "unknown facet 'bogus'");
  BOOST_TEST(get_json("/api/article", 400)["error"] == "which article? (parameter 'id')");
  BOOST_TEST(get_json("/api/search?q=x&mode=everything", 400)["error"] == "parameter 'mode' must be articles or quotes");
}

BOOST_AUTO_TEST_CASE(requests_are_bounded) {
  BOOST_TEST(get_json("/api/search?q=" + std::string(1001, 'a'), 400)["error"] ==
             "the query is too long (1001 bytes, at most 1000)");
  BOOST_TEST(get_json("/api/search?q=" + std::string(1000, 'a'), 200)["total"] == 0);
  BOOST_TEST(get_json("/api/search?q=x&limit=101", 400)["error"] == "parameter 'limit' must be between 0 and 100");
  BOOST_TEST(get_json("/api/search?q=x&page=501", 400)["error"] == "parameter 'page' must be between 1 and 500");
  BOOST_TEST(get_json("/api/search?q=x&page=-1", 400)["error"] == "parameter 'page' must be a number");
  BOOST_TEST(get_json("/api/search?q=x&facet_limit=1000", 400)["error"] ==
             "parameter 'facet_limit' must be between 1 and 100");
  BOOST_TEST(get_json("/api/search?q=x&facet=person,org,place,speaker,source,section,tag,year,month,topic,person,org,place",
                      400)["error"] == "at most 12 facets");
  BOOST_TEST(get_json("/api/article?id=" + std::string(513, 'x'), 400)["error"] == "the article id is too long");
  const Reply post = get(corpus().server.port(), "/api/search?q=x", "POST");
  BOOST_TEST(post.status == 405);
  BOOST_TEST(httplib::detail::get_header_value(post.headers, "Allow", 0, "") == std::string("GET, HEAD"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(pages)

BOOST_AUTO_TEST_CASE(search_page_lists_the_seeds_with_clickable_facets) {
  const Reply r = get("/?q=Ouchakov+sanctions");
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.content_type == "text/html; charset=utf-8");
  const auto a = r.body.find("href=\"/article?id=" + kSeedA + "\"");
  const auto b = r.body.find("href=\"/article?id=" + kSeedB + "\"");
  BOOST_TEST(b != std::string::npos);
  BOOST_TEST(a != std::string::npos);
  BOOST_TEST(b < a);  // the same ranking as the API
  BOOST_TEST(r.body.find("<span class=\"count\">2 articles</span>") != std::string::npos);
  // The speaker facet adds its clause to the query, and leads to the speaker's page.
  BOOST_TEST(r.body.find("href=\"/?q=Ouchakov%20sanctions%20speaker%3A%22Youri%20Ouchakov%22\"") != std::string::npos);
  BOOST_TEST(r.body.find("href=\"/speaker?name=Youri%20Ouchakov\"") != std::string::npos);
  BOOST_TEST(r.body.find("<mark>Youri Ouchakov</mark>") != std::string::npos);
  BOOST_TEST(r.body.find("value=\"Ouchakov sanctions\"") != std::string::npos);
  BOOST_TEST(httplib::detail::get_header_value(r.headers, "Content-Security-Policy", 0, "") ==
             std::string("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                         "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"));
}

BOOST_AUTO_TEST_CASE(an_active_facet_is_marked_and_removable) {
  const std::string q = "?q=Ouchakov%20sanctions%20speaker%3A%22Youri%20Ouchakov%22&mode=quotes";
  const Reply r = get("/" + q);
  const json api = get_json("/api/search" + q);
  BOOST_TEST(r.status == 200);
  BOOST_TEST(api["total"].get<int>() >= 1);
  BOOST_TEST(count_of(r.body, "<li class=\"qhit\">") == api["quotes"].size());
  for (const auto& quote : api["quotes"]) BOOST_TEST(quote["speaker"] == "Youri Ouchakov");
  BOOST_TEST(r.body.find("<span class=\"count\">" + std::to_string(api["total"].get<int>()) + " citation") !=
             std::string::npos);
  BOOST_TEST(r.body.find("<li class=\"active\"><a href=\"/?q=Ouchakov%20sanctions&amp;mode=quotes\"") != std::string::npos);
  BOOST_TEST(r.body.find("class=\"chip\"") != std::string::npos);
  BOOST_TEST(r.body.find("<a class=\"speaker\" href=\"/speaker?name=Youri%20Ouchakov\">Youri Ouchakov</a>") !=
             std::string::npos);
  BOOST_TEST(r.body.find("mesures de <mark>sanctions</mark>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(article_page_marks_entities_and_quotes) {
  const Reply r = get("/article?id=" + kSeedA);
  BOOST_TEST(r.status == 200);
  BOOST_TEST(r.body.find("<a class=\"e per\" href=\"/?q=person%3A%22Joe%20Biden%22\" title=\"Personne : Joe Biden\">Joe Biden</a>") !=
             std::string::npos);
  BOOST_TEST(r.body.find("<span class=\"q direct\" id=\"q1\" title=\"Youri Ouchakov — citation directe\">Nous sommes, en principe") !=
             std::string::npos);
  // The speaker's tag follows the closing guillemet.
  BOOST_TEST(r.body.find("assez constructif</span> »<a class=\"qs\" href=\"/speaker?name=Youri%20Ouchakov\">Youri Ouchakov</a>") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(speaker_page_is_searchable) {
  const Reply all = get("/speaker?name=Youri%20Ouchakov");
  const Reply some = get("/speaker?name=Youri%20Ouchakov&q=sanctions");
  BOOST_TEST(all.status == 200);
  BOOST_TEST(some.status == 200);
  const json api = get_json("/api/search?q=speaker%3A%22Youri%20Ouchakov%22%20sanctions&mode=quotes&limit=50");
  const auto n = api["quotes"].size();
  BOOST_TEST(n >= 1u);
  BOOST_TEST(some.body.find("<h1>Youri Ouchakov</h1><p>" + std::to_string(n) + (n > 1 ? " citations" : " citation") +
                            " sur « sanctions »") != std::string::npos);
  BOOST_TEST(count_of(some.body, "<li class=\"qhit\">") == n);
  BOOST_TEST(count_of(all.body, "<li class=\"qhit\">") > 10u);
  BOOST_TEST(get("/speaker").status == 400);
}

BOOST_AUTO_TEST_CASE(a_script_in_the_query_is_text) {
  const Reply r = get("/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
  BOOST_TEST(r.body.find("<script>alert") == std::string::npos);
  BOOST_TEST(r.body.find("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\"") != std::string::npos);
  BOOST_TEST(r.body.find("<title>&lt;script&gt;alert(1)&lt;/script&gt; — Gazette</title>") != std::string::npos);
  const Reply quoted = get("/?q=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E");
  BOOST_TEST(quoted.body.find("<img") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_pages_and_static_traversal_are_404) {
  for (const char* path : {"/nope", "/static/../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd",
                                 "/static/style.css/../../../etc/passwd", "/static/", "/static/page.cpp",
                                 "/../../etc/passwd"}) {
    const Reply r = get(path);
    BOOST_TEST_INFO(path);
    BOOST_TEST(r.status == 404);
    BOOST_TEST(r.body.find("root:") == std::string::npos);
  }
  const Reply article = get("/article?id=nope.txt");
  BOOST_TEST(article.status == 404);
  BOOST_TEST(article.body.find("Aucun article n’a l’identifiant « nope.txt »") != std::string::npos);
  const Reply css = get("/static/style.css");
  BOOST_TEST(css.status == 200);
  BOOST_TEST(css.content_type == "text/css; charset=utf-8");
  BOOST_TEST(css.body.find("--accent") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

// A database whose articles try to inject markup: everything must come back as text.
BOOST_AUTO_TEST_CASE(hostile_articles_are_escaped) {
  const auto dir = gt::make_temp_dir("gazette-web-hostile");
  {
    std::ofstream rows(dir / "hostile.jsonl");
    rows << json{{"id", "evil"},
                 {"title", "<script>alert('titre')</script> Menace sur Paris"},
                 {"date", "2021-12-07"},
                 {"source", "<b>Le Faux</b>"},
                 {"url", "javascript:alert(1)"},
                 {"text", "Le ministre Emmanuel Macron a parlé à Paris. « Le <script>alert('x')</script> et "
                          "<img src=x onerror=alert(2)> sont une menace », a déclaré Emmanuel Macron devant "
                          "l'Assemblée nationale.\n\nUn second paragraphe avec & et \" et '."}}
                .dump()
         << "\n";
  }
  const std::string db = (dir / "hostile.db").string();
  BOOST_REQUIRE(gt::run_command(std::string(GAZETTE_INDEX_BIN) + " -q --db " + gt::shell_quote(db) + " " +
                                gt::shell_quote((dir / "hostile.jsonl").string())) == 0);
  ServerProcess server(db);
  const std::string id = "hostile.jsonl%23evil";
  for (const std::string& path : {"/article?id=" + id, std::string("/?q=menace"), std::string("/?q=menace&mode=quotes"),
                                 std::string("/?q="), std::string("/speaker?name=Emmanuel%20Macron")}) {
    const Reply r = get(server.port(), path);
    BOOST_TEST_INFO(path);
    BOOST_TEST(r.status == 200);
    BOOST_TEST(r.body.find("<script>alert") == std::string::npos);
    BOOST_TEST(r.body.find("<img") == std::string::npos);
    BOOST_TEST(r.body.find("<b>Le Faux") == std::string::npos);
    BOOST_TEST(r.body.find("javascript:") == std::string::npos);
  }
  const Reply article = get(server.port(), "/article?id=" + id);
  BOOST_TEST(article.body.find("<h1>&lt;script&gt;alert(&#39;titre&#39;)&lt;/script&gt; Menace sur Paris</h1>") !=
             std::string::npos);
  BOOST_TEST(article.body.find("&lt;img src=x onerror=alert(2)&gt;") != std::string::npos);
  BOOST_TEST(article.body.find("avec &amp; et &quot; et &#39;.") != std::string::npos);
  const Reply quotes = get(server.port(), "/?q=menace&mode=quotes");
  BOOST_TEST(quotes.body.find("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;") != std::string::npos);
  // The API carries the text as JSON strings: the markup is data there, for the client to escape.
  const Reply api = get(server.port(), "/api/article?id=" + id);
  BOOST_TEST(json::parse(api.body)["title"] == "<script>alert('titre')</script> Menace sur Paris");
  BOOST_TEST(server.stop() == 0);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// The nightly indexer commits while people search: no request fails, and the new articles show up without a
// restart.
BOOST_AUTO_TEST_CASE(new_articles_show_up_while_the_indexer_commits) {
  namespace fs = std::filesystem;
  const auto dir = gt::make_temp_dir("gazette-web-live");
  const fs::path in = dir / "in";
  fs::create_directories(in / "wikinews");
  for (const std::string& seed : {kSeedA, kSeedB}) fs::copy_file(fs::path(GAZETTE_SOURCE_DIR) / "corpus" / seed, in / seed);
  const std::string db = (dir / "live.db").string();
  const std::string index = std::string(GAZETTE_INDEX_BIN) + " -q --db " + gt::shell_quote(db) + " " +
                            gt::shell_quote(in.string()) + " 2>/dev/null";
  BOOST_REQUIRE(gt::run_command(index) == 0);
  ServerProcess server(db);
  auto total = [&] { return json::parse(get(server.port(), "/api/search?q=&limit=0").body)["total"].get<int>(); };
  BOOST_TEST(total() == 2);

  std::vector<fs::path> news;
  for (const auto& e : fs::directory_iterator(fs::path(GAZETTE_SOURCE_DIR) / "corpus" / "wikinews"))
    if (e.path().extension() == ".txt") news.push_back(e.path());
  std::sort(news.begin(), news.end());
  news.resize(std::min<std::size_t>(news.size(), 60));
  for (const auto& f : news) fs::copy_file(f, in / "wikinews" / f.filename());

  std::atomic<bool> done{false};
  int index_status = -1;
  std::thread writer([&] {
    index_status = gt::run_command(index);
    done = true;
  });
  int requests = 0, answered = 0;
  while (!done || requests == 0) {
    const Reply r = get(server.port(), requests % 2 ? "/?q=Ouchakov&mode=quotes" : "/api/search?q=Poutine&facet=speaker");
    ++requests;
    answered += r.status == 200;
  }
  writer.join();
  BOOST_TEST_MESSAGE(requests << " requests answered while the indexer ran");
  BOOST_TEST(index_status == 0);
  BOOST_TEST(answered == requests);
  BOOST_TEST(total() == static_cast<int>(2 + news.size()));
  BOOST_TEST(server.stop() == 0);
  std::error_code ec;
  fs::remove_all(dir, ec);
}

BOOST_AUTO_TEST_CASE(bad_listen_addresses_are_refused) {
  const std::string bin = GAZETTE_QUERY_BIN;
  const std::string db = gt::shell_quote(corpus().db.path());
  BOOST_TEST(gt::run_command(bin + " --serve --listen nowhere --db " + db + " 2>/dev/null") == 2);
  BOOST_TEST(gt::run_command(bin + " --serve --listen 127.0.0.1:99999 --db " + db + " 2>/dev/null") == 2);
  BOOST_TEST(gt::run_command(bin + " --serve --listen 127.0.0.1:0 --db /nonexistent/x.db 2>/dev/null") == 2);
  BOOST_TEST(run_output(bin + " --serve --listen 127.0.0.1:" + std::to_string(corpus().server.port()) + " --db " + db +
                        " 2>&1") ==
             "gazette-query: cannot listen on 127.0.0.1:" + std::to_string(corpus().server.port()) +
                 "\nhint: is the port in use? pick another with --listen\n");
}

// The server these tests talk to was started as `gazette-query --serve`, which runs gazette-serve. A
// regression would be gazette-query linking the web server again, and with it OpenSSL and Brotli, which
// cost every one-query process their loading (query/CMakeLists.txt).
BOOST_AUTO_TEST_CASE(gazette_query_itself_links_no_web_server) {
  BOOST_TEST_REQUIRE(corpus().server.port() > 0);
  const std::string libraries = run_output("ldd " GAZETTE_QUERY_BIN);
  BOOST_TEST_REQUIRE(libraries.find("libxapian") != std::string::npos, libraries);
  for (const char* heavy : {"libcpp-httplib", "libssl", "libcrypto", "libbrotli"})
    BOOST_TEST(libraries.find(heavy) == std::string::npos, heavy << " in:\n" << libraries);
}
