#define BOOST_TEST_MODULE readers_html
#include <boost/test/unit_test.hpp>

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
