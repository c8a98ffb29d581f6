#define BOOST_TEST_MODULE readers_jsonl
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gazette/readers.h"

namespace {

const std::string kFixtures = std::string(GAZETTE_TESTS_DIR) + "/data/readers";

struct Result {
  std::vector<gazette::Article> articles;
  std::vector<std::string> errors;
};

Result read_jsonl(const std::string& path) {
  Result result;
  gazette::read_jsonl_file(
      path, [&](gazette::Article&& article) { result.articles.push_back(std::move(article)); },
      [&](const gazette::InputError& error) { result.errors.push_back(error.to_string()); });
  return result;
}

using Strings = std::vector<std::string>;

}  // namespace

BOOST_AUTO_TEST_CASE(field_aliases) {
  const std::string path = kFixtures + "/aliases.jsonl";
  const Result result = read_jsonl(path);
  BOOST_TEST(result.errors.empty());
  BOOST_TEST_REQUIRE(result.articles.size() == 7u);

  const auto& first = result.articles[0];
  BOOST_TEST(first.id == "aliases.jsonl#7");
  BOOST_TEST(first.origin == path + ":1");
  BOOST_TEST(first.title == "Réforme des retraites : le texte adopté");
  BOOST_TEST(first.date == "2020-03-04");
  BOOST_TEST(first.authors == Strings{"AFP"});
  BOOST_TEST(first.source == "AFP");
  BOOST_TEST(first.url == "https://example.org/a");
  BOOST_TEST(first.section == "Politique");
  BOOST_TEST(first.tags == (Strings{"retraites", "Assemblée"}));
  // The heading is not in the body, so it becomes the first paragraph; empty paragraphs are dropped.
  BOOST_TEST(first.text ==
             "Le gouvernement a eu recours au 49.3.\n\n"
             "Le Premier ministre a engagé la responsabilité du gouvernement.\n\n"
             "Les oppositions ont déposé deux motions de censure.");
  BOOST_TEST(first.body_start == 0u);

  const auto& second = result.articles[1];
  BOOST_TEST(second.id == "aliases.jsonl#dépêche-42");
  BOOST_TEST(second.title == "Titre Open Graph");
  BOOST_TEST(second.date == "2020-07-02");
  BOOST_TEST(second.authors == (Strings{"Jeanne Martin", "Paul Durand"}));
  BOOST_TEST(second.source == "Le Quotidien");
  BOOST_TEST(second.tags == (Strings{"climat", "énergie", "COP26"}));
  BOOST_TEST(second.text == "Un texte d'un seul tenant.");

  const auto& third = result.articles[2];
  BOOST_TEST(third.id == "https://example.org/b");  // no id: the URL
  BOOST_TEST(third.title == "Titre schema.org");
  BOOST_TEST(third.date == "2020-07-02");  // null and unparseable values are passed over
  BOOST_TEST(third.authors == Strings{"Ana Lopez"});
  BOOST_TEST(third.source == "example.org");
  BOOST_TEST(third.text == "Corps news-please.");

  const auto& fourth = result.articles[3];  // line 5: line 4 is blank
  BOOST_TEST(fourth.id == "aliases.jsonl:5");  // no id, no URL: the line
  BOOST_TEST(fourth.origin == path + ":5");
  BOOST_TEST(fourth.date == "2020-07-02");
  BOOST_TEST(fourth.source == "Site");
  BOOST_TEST(fourth.text == "Chapeau distinct.\n\nCorps body.");

  const auto& fifth = result.articles[4];
  BOOST_TEST(fifth.date == "2020-07-02");
  BOOST_TEST(fifth.text == "La description sert de texte.");  // no body: the description

  const auto& sixth = result.articles[5];
  BOOST_TEST(sixth.text == "Le début du premier paragraphe.\n\nLa suite.");  // heading already in the body

  const auto& seventh = result.articles[6];
  BOOST_TEST(seventh.title == "Titre seul sans rien");
  BOOST_TEST(seventh.text == "");  // indexed on its title alone
}

BOOST_AUTO_TEST_CASE(gzip_gives_the_same_rows) {
  const Result plain = read_jsonl(kFixtures + "/aliases.jsonl");
  const Result compressed = read_jsonl(kFixtures + "/aliases.jsonl.gz");
  BOOST_TEST(compressed.errors.empty());
  BOOST_TEST_REQUIRE(compressed.articles.size() == plain.articles.size());
  for (std::size_t i = 0; i < plain.articles.size(); ++i) {
    BOOST_TEST(compressed.articles[i].text == plain.articles[i].text);
    const std::string& id = plain.articles[i].id;
    BOOST_TEST(compressed.articles[i].id == (id.starts_with("aliases.jsonl") ? "aliases.jsonl.gz" + id.substr(13) : id));
  }
}

// Feeds exported from a CMS: HTML in the text fields (WordPress's REST API wraps them in {"rendered": …}),
// its link as the URL, and dates as Unix times. Row → title, date, url, text.
BOOST_AUTO_TEST_CASE(cms_exports_html_fields_and_unix_times) {
  struct Case {
    std::string row, title, date, url, text;
  };
  const std::vector<Case> cases = {
      {R"({"id": 1, "title": {"rendered": "L&#8217;&#339;uvre de <em>Monet</em>"}, "date": "2020-06-28T10:00:00",)"
       R"( "link": "https://blog.example/monet", "content": {"rendered": "<p>Le mus&eacute;e a d&eacute;clar&eacute; :)"
       R"( &laquo;&nbsp;Nous sommes ravis&nbsp;&raquo;.</p>\n<p>Deuxi&egrave;me &amp; dernier<br/>paragraphe.</p>"}})",
       "L’œuvre de Monet", "2020-06-28", "https://blog.example/monet",
       "Le musée a déclaré : «\u00a0Nous sommes ravis\u00a0».\n\nDeuxième & dernier paragraphe."},
      // Block elements cut paragraphs; scripts, styles and "Lire aussi" asides are left out; text outside any
      // element is kept.
      {R"({"id": 2, "title": "Sans balise", "text": "Chapeau libre<br><h2>Intertitre</h2><ul><li>un</li><li>deux</li></ul>)"
       R"(<script>var x = 1;</script><style>p {}</style><aside>Lire aussi</aside><blockquote>Citation</blockquote>fin"})",
       "Sans balise", "", "", "Chapeau libre\n\nIntertitre\n\nun\n\ndeux\n\nCitation\n\nfin"},
      // Text that only looks like markup stays as it is, and so does plain text naming tags; character
      // references alone are decoded, and nothing else is touched.
      {R"({"id": 3, "title": "Tom & Jerry", "text": "Si a < b et c > d, alors <3 & co. ; AT&T"})", "Tom & Jerry", "", "",
       "Si a < b et c > d, alors <3 & co. ; AT&T"},
      {R"({"id": 10, "title": "Sécurité", "text": "La faille passe par <img onerror=…> et <script>, dit-il."})",
       "Sécurité", "", "", "La faille passe par <img onerror=…> et <script>, dit-il."},
      {R"({"id": 11, "title": "Jacob &amp; Co.", "text": "Kaba&#328; &amp; <b>associés</b>\n\nSecond &eacute;t&eacute;."})",
       "Jacob & Co.", "", "", "Kabaň & <b>associés</b>\n\nSecond été."},
      {R"({"id": 4, "title": "Paragraphes", "paragraphs": ["<p>Un &amp; deux</p>", "Trois"]})", "Paragraphes", "", "",
       "Un & deux\n\nTrois"},
      {R"({"id": 5, "title": "Secondes", "date": 1593331200, "text": "x"})", "Secondes", "2020-06-28", "", "x"},
      {R"({"id": 6, "title": "Millisecondes", "date": 1593388799999, "text": "x"})", "Millisecondes", "2020-06-28", "",
       "x"},
      {R"({"id": 7, "title": "Avant 1970", "date": -86400, "text": "x"})", "Avant 1970", "1969-12-31", "", "x"},
      {R"({"id": 8, "title": "Hors limites", "date": 1e300, "published": "2019-01-02", "text": "x"})", "Hors limites",
       "2019-01-02", "", "x"},
      {R"({"id": 9, "title": "Extrait", "excerpt": {"rendered": "<p>R&eacute;sum&eacute; seul</p>"}})", "Extrait", "", "",
       "Résumé seul"},
  };
  const auto path = std::filesystem::temp_directory_path() / ("gazette-cms-" + std::to_string(getpid()) + ".jsonl");
  {
    std::ofstream out(path);
    for (const Case& c : cases) out << c.row << "\n";
  }
  const Result result = read_jsonl(path.string());
  std::filesystem::remove(path);
  BOOST_TEST(result.errors.empty());
  BOOST_TEST_REQUIRE(result.articles.size() == cases.size());
  for (std::size_t i = 0; i < cases.size(); ++i) {
    BOOST_TEST_CONTEXT(cases[i].row) {
      BOOST_TEST(result.articles[i].title == cases[i].title);
      BOOST_TEST(result.articles[i].date == cases[i].date);
      BOOST_TEST(result.articles[i].url == cases[i].url);
      BOOST_TEST(result.articles[i].text == cases[i].text);
    }
  }
}
