#define BOOST_TEST_MODULE readers_html
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gazette/readers.h"

namespace {

const std::string kFixtures = std::string(GAZETTE_TESTS_DIR) + "/data/readers";

gazette::Article read_one(const std::string& name) {
  std::vector<gazette::Article> articles;
  gazette::read_html_file(
      kFixtures + "/" + name, name, [&](gazette::Article&& article) { articles.push_back(std::move(article)); },
      [&](const gazette::InputError& error) { BOOST_ERROR(error.to_string()); });
  BOOST_TEST_REQUIRE(articles.size() == 1u);
  return articles.front();
}

using Strings = std::vector<std::string>;

struct Read {
  std::vector<gazette::Article> articles;
  Strings errors;
};

// Reads `bytes` saved as a page of its own, as the errors name it.
Read read_bytes(const std::string& bytes) {
  const auto path = std::filesystem::temp_directory_path() / ("gazette-html-" + std::to_string(getpid()) + ".html");
  std::ofstream(path, std::ios::binary) << bytes;
  Read read;
  gazette::read_html_file(
      path.string(), "page.html", [&](gazette::Article&& article) { read.articles.push_back(std::move(article)); },
      [&](const gazette::InputError& error) { read.errors.push_back(error.reason); });
  std::filesystem::remove(path);
  return read;
}

}  // namespace

BOOST_AUTO_TEST_CASE(open_graph_page) {
  const auto article = read_one("article.html");
  BOOST_TEST(article.id == "article.html");
  BOOST_TEST(article.title == "Municipales : Lyon bascule à gauche");  // og:title wins over <title>
  BOOST_TEST(article.date == "2020-06-28");                            // article:published_time wins over <time>
  BOOST_TEST(article.authors == Strings{"Claire Dupont"});
  BOOST_TEST(article.source == "Le Journal");
  BOOST_TEST(article.url == "https://journal.example/municipales-lyon");
  BOOST_TEST(article.section == "Politique");
  BOOST_TEST(article.tags == (Strings{"municipales", "Lyon"}));
  // Entities decoded (’ « » and no-break spaces kept), whitespace collapsed, <br> as a space, and nothing from the
  // header, nav, aside, script, form or footer.
  BOOST_TEST(article.text ==
             "Le candidat écologiste l’emporte avec 52,4\u00a0% des voix, selon les résultats définitifs.\n\n"
             "« C’est une victoire historique », a-t-il déclaré dimanche soir.\n\n"
             "La participation atteint 42\u00a0%.");
  BOOST_TEST(article.body_start == 0u);
}

BOOST_AUTO_TEST_CASE(title_element_time_element_and_main) {
  const auto article = read_one("fallbacks.htm");
  BOOST_TEST(article.title == "Titre seul sur deux lignes");
  BOOST_TEST(article.date == "2019-03-12");
  BOOST_TEST(article.authors.empty());
  BOOST_TEST(article.text == "Premier paragraphe du main.\n\nSecond, dans un div.");
}

BOOST_AUTO_TEST_CASE(page_without_paragraphs) {
  const auto article = read_one("no-paragraphs.html");
  BOOST_TEST(article.title == "");
  BOOST_TEST(article.date == "");
  BOOST_TEST(article.text == "Du texte sans paragraphe, dans un div.");
}

BOOST_AUTO_TEST_CASE(empty_page_is_an_error) {
  std::vector<std::string> errors;
  const std::string path = kFixtures + "/empty-page.html";
  gazette::read_html_file(
      path, "empty-page.html", [](gazette::Article&&) { BOOST_ERROR("no article expected"); },
      [&](const gazette::InputError& error) { errors.push_back(error.to_string()); });
  BOOST_TEST(errors == Strings{path + ": no title and no text found in the page: skipped"}, boost::test_tools::per_element());
}

// Saved pages of older French sites are often in Latin-1 or windows-1252 and say so in a <meta>: they are
// converted from what they declare (with the HTML standard's rule that a Latin-1 label means
// windows-1252), and a page that declares nothing must be UTF-8.
BOOST_AUTO_TEST_CASE(pages_are_read_in_the_encoding_they_declare) {
  const std::string body = "<p>L\x92\x9cuvre co\xfbte 5 \x80, a d\xe9" "clar\xe9 le mus\xe9" "e.</p>";
  const std::string text = "L’œuvre coûte 5 €, a déclaré le musée.";
  const std::string utf8_page = "<title>Café</title><p>Thé à 2 €.</p>";
  struct Case {
    std::string page, title, text;
  };
  const std::vector<Case> cases = {
      {"<meta charset=\"windows-1252\"><title>Caf\xe9</title>" + body, "Café", text},
      {"<head><META HTTP-EQUIV=\"Content-Type\" CONTENT=\"text/html; charset=ISO-8859-1\"><title>Caf\xe9</title>" +
           body,
       "Café", text},
      {"<meta charset='latin1'><title>\x9cil</title>", "œil", ""},
      {"<meta charset=iso-8859-15><title>5 \xa4 l'\xbdil</title>", "5 € l'œil", ""},  // 0xA4 is € in Latin-9
      {"<meta charset=\"utf-8\">" + utf8_page, "Café", "Thé à 2 €."},
      {"<meta charset=\"UTF-16\">" + utf8_page, "Café", "Thé à 2 €."},  // read as bytes: UTF-8, says the standard
      {"\xEF\xBB\xBF" + utf8_page, "Café", "Thé à 2 €."},
      {utf8_page, "Café", "Thé à 2 €."},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.page.substr(0, 60)) {
      const Read read = read_bytes(c.page);
      BOOST_TEST(read.errors.empty());
      BOOST_TEST_REQUIRE(read.articles.size() == 1u);
      BOOST_TEST(read.articles[0].title == c.title);
      BOOST_TEST(read.articles[0].text == c.text);
    }
  }
}

BOOST_AUTO_TEST_CASE(a_page_not_in_the_encoding_it_declares_is_one_error) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"<meta charset=\"x-inconnu\"><title>Caf\xe9</title>",
       "the encoding 'x-inconnu' that the page declares is not known: skipped"},
      {"<meta charset=\"shift_jis\"><title>\x81\x20</title>", "not valid shift_jis, the encoding the page declares: skipped"},
      {"<meta charset=\"utf-8\"><title>Caf\xe9</title>", "invalid UTF-8 at byte offset 32 (byte 0xE9); the file must be UTF-8"},
      // Only the first 1,024 bytes are searched for the declaration, as browsers do.
      {"<title>Caf\xe9</title>" + std::string(1024, ' ') + "<meta charset=\"windows-1252\">",
       "invalid UTF-8 at byte offset 10 (byte 0xE9); the file must be UTF-8"},
  };
  for (const auto& [page, error] : cases) {
    BOOST_TEST_CONTEXT(page.substr(0, 60)) {
      const Read read = read_bytes(page);
      BOOST_TEST(read.articles.empty());
      BOOST_TEST(read.errors == Strings{error}, boost::test_tools::per_element());
    }
  }
}

// Many news sites describe the article in schema.org JSON-LD rather than (or beside) Open Graph: it fills
// what the meta tags leave empty, and its articleBody stands in for paragraphs a script would draw.
BOOST_AUTO_TEST_CASE(json_ld_fills_what_the_meta_tags_leave_out) {
  const auto article = read_one("json-ld.html");
  BOOST_TEST(article.title == "Inondations dans le Gard : l'état de catastrophe naturelle reconnu");  // not <title>
  BOOST_TEST(article.date == "2021-09-16");
  BOOST_TEST(article.authors == (Strings{"Marie Roux", "Luc Bernard"}));
  BOOST_TEST(article.source == "Le Courrier du Sud");
  BOOST_TEST(article.url == "https://courrier.example/gard-inondations");
  BOOST_TEST(article.section == "Société");
  BOOST_TEST(article.tags == (Strings{"inondations", "Gard", "catastrophe naturelle"}));
  BOOST_TEST(article.text ==
             "Le Premier ministre a annoncé jeudi la reconnaissance de l'état de catastrophe naturelle.\n\n"
             "« Nous serons aux côtés des sinistrés », a-t-il déclaré à Nîmes.\n\n"
             "Les dégâts sont estimés à 80 millions d'euros.");
}

BOOST_AUTO_TEST_CASE(meta_tags_and_paragraphs_win_over_json_ld) {
  const std::string ld = R"(<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Titre LD",)"
                         R"( "datePublished": "2020-01-02", "author": "Auteur LD", "articleBody": "Corps LD"}</script>)";
  struct Case {
    std::string page, title, date, author, text;
  };
  const std::vector<Case> cases = {
      {"<meta property=\"og:title\" content=\"Titre OG\"><meta property=\"article:published_time\" "
       "content=\"2021-03-04\"><meta name=\"author\" content=\"Auteur meta\">" + ld + "<p>Corps HTML</p>",
       "Titre OG", "2021-03-04", "Auteur meta", "Corps HTML"},
      {"<title>Titre de page</title><time datetime=\"2019-05-06\"></time>" + ld, "Titre LD", "2020-01-02",
       "Auteur LD", "Corps LD"},
      // A broken block, or one that describes no article, says nothing.
      {"<title>Titre de page</title><script type=\"application/ld+json\">{\"@type\": \"NewsArticle\", </script>"
       "<p>Corps</p>", "Titre de page", "", "", "Corps"},
      {"<title>Titre de page</title><script type=\"application/ld+json\">{\"@type\": \"Recipe\", \"name\": "
       "\"Tarte\"}</script><p>Corps</p>", "Titre de page", "", "", "Corps"},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.page.substr(0, 70)) {
      const Read read = read_bytes(c.page);
      BOOST_TEST(read.errors.empty());
      BOOST_TEST_REQUIRE(read.articles.size() == 1u);
      BOOST_TEST(read.articles[0].title == c.title);
      BOOST_TEST(read.articles[0].date == c.date);
      BOOST_TEST(read.articles[0].authors == (c.author.empty() ? Strings{} : Strings{c.author}));
      BOOST_TEST(read.articles[0].text == c.text);
    }
  }
}

namespace {
std::string repeat(const std::string& piece, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += piece;
  return out;
}
}  // namespace

// 50,000 nested <div>s (550 KB) took gumbo 4 s and then overflowed the stack freeing its tree, killing the
// whole run; 500,000 ran for minutes. Such a page is one error; real pages, however many elements they
// have, are read.
BOOST_AUTO_TEST_CASE(a_page_nested_past_any_real_one_is_one_error) {
  const std::string deep = "HTML elements nested more than 2000 deep: skipped";
  const std::string text = "<p>Le texte.</p>";
  struct Case {
    std::string what, page, error;
  };
  const std::vector<Case> cases = {
      {"2,000 divs", repeat("<div>", 2000) + text + repeat("</div>", 2000), ""},
      {"2,001 divs", repeat("<div>", 2001) + text + repeat("</div>", 2001), deep},
      {"500,000 divs", repeat("<div>", 500000) + text, deep},
      {"<div/> opens a div in HTML", repeat("<div/>", 2001) + text, deep},
      {"unclosed <b>", repeat("<b>", 3000) + text, deep},
      {"SVG paths close themselves", "<svg>" + repeat("<path d=\"M0 0\"/>", 5000) + "</svg>" + text, ""},
      {"p, li, td and br close themselves", repeat("<p>un", 3000) + repeat("<li>deux", 3000) +
                                                repeat("<td>trois", 3000) + repeat("<br>", 3000) + text, ""},
      {"siblings", repeat("<div><span>x</span></div>", 10000) + text, ""},
      {"tags in comments and scripts", "<!--" + repeat("<div>", 3000) + "-->" + "<script>" + repeat("<div>", 3000) +
                                           "</script>" + text, ""},
  };
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      const Read read = read_bytes("<title>Profond</title>" + c.page);
      BOOST_TEST(read.errors == (c.error.empty() ? Strings{} : Strings{c.error}), boost::test_tools::per_element());
      BOOST_TEST(read.articles.size() == (c.error.empty() ? 1u : 0u));
    }
  }
}
