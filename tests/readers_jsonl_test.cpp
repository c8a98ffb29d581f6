#define BOOST_TEST_MODULE readers_jsonl
#include <boost/test/unit_test.hpp>

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
