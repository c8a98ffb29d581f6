#define BOOST_TEST_MODULE readers_text
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "gazette/readers.h"

namespace {

const std::string kCorpus = std::string(GAZETTE_SOURCE_DIR) + "/corpus";

std::string file_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

gazette::Article read_one(const std::string& path, const std::string& id) {
  std::vector<gazette::Article> articles;
  std::vector<std::string> errors;
  gazette::read_text_file(
      path, id, [&](gazette::Article&& article) { articles.push_back(std::move(article)); },
      [&](const gazette::InputError& error) { errors.push_back(error.to_string()); });
  BOOST_TEST_REQUIRE(errors.empty());
  BOOST_TEST_REQUIRE(articles.size() == 1u);
  return articles.front();
}

gazette::Article split(const std::string& text) {
  gazette::Article article;
  article.text = text;
  gazette::split_text_article(article);
  return article;
}

struct WikinewsCase {
  const char* file;
  const char* title;
  const char* date;
  std::uint32_t body_start;
  const char* body_begins;
};

// Offsets found by hand in the files: just after the " . – " that closes the dateline, whatever follows it.
const std::vector<WikinewsCase> kWikinews{
    // Dateline with an hour, body on the next line.
    {"2016_01_01-001.txt", "France : attaque à Valence (Drôme)", "2016-01-01", 68, "Un homme, d'origine maghrébine"},
    // A caption between title and dateline; the body continues on the dateline itself.
    {"2016_01_04-002.txt", "Irak : deux mosquées sunnites visées par des attentats et un muezzin tué", "2016-01-04",
     150, "Aujourd'hui avant l'aube"},
    // "Page actualisée : 23 mars 2016 — …" comes first but is not a dateline: the article is dated the 22nd.
    {"2016_03_23-001.txt", "Belgique : des attentats-suicides frappent Bruxelles", "2016-03-22", 361,
     "Les premières explosions"},
    // A "Sur le même sujet" box pushes the dateline to line 13.
    {"2016_07_14-003.txt",
     "Tour de France 2016 : De Gendt remporte la 12e étape, Froome garde son maillot jaune sur décision des "
     "commissaires",
     "2016-07-14", 677, "Après plus de 178 kilomètres"},
    // "1er janvier 2017, 1 h 30 UTC+3 . –" with narrow no-break spaces in the hour.
    {"2017_01_01-001.txt", "Des dizaines de morts dans l'attaque d'une boîte de nuit à Istanbul", "2017-01-01", 108,
     "Au moins 35 personnes"},
};

}  // namespace

BOOST_AUTO_TEST_CASE(wikinews_headers) {
  for (const auto& expected : kWikinews) {
    BOOST_TEST_CONTEXT(expected.file) {
      const std::string path = kCorpus + "/wikinews/" + expected.file;
      const gazette::Article article = read_one(path, expected.file);
      BOOST_TEST(article.text == file_bytes(path));
      BOOST_TEST(article.title == expected.title);
      BOOST_TEST(article.date == expected.date);
      BOOST_TEST(article.body_start == expected.body_start);
      BOOST_TEST(article.text.substr(article.body_start).starts_with(expected.body_begins));
      BOOST_TEST(article.id == expected.file);
      BOOST_TEST(article.origin == path);
    }
  }
}

BOOST_AUTO_TEST_CASE(seeds_have_no_title_and_no_date) {
  for (const char* seed : {"000_b35c598148b0eacd.txt", "003_10b113a26dc81203.txt"}) {
    BOOST_TEST_CONTEXT(seed) {
      const std::string path = kCorpus + "/" + seed;
      const gazette::Article article = read_one(path, seed);
      BOOST_TEST(article.text == file_bytes(path));
      BOOST_TEST(article.text.size() > 1000u);
      BOOST_TEST(article.title.empty());
      BOOST_TEST(article.date.empty());
      BOOST_TEST(article.body_start == 0u);
    }
  }
}

BOOST_AUTO_TEST_CASE(every_wikinews_file_gets_title_and_date) {
  std::size_t files = 0;
  std::size_t with_title_and_date = 0;
  std::size_t date_as_file_name = 0;  // the file names carry the publication day: "2016_01_04-002.txt"
  gazette::read_sources(
      {kCorpus + "/wikinews"},
      [&](gazette::Article&& article) {
        ++files;
        const bool ok = !article.title.empty() && article.date.size() == 10 && article.date >= "2016-01-01" &&
                        article.date < "2019-01-01" && article.body_start > article.title.size() &&
                        article.body_start < article.text.size() &&
                        article.text.starts_with(article.title + "\n\n");
        std::string name_date = article.id.substr(0, 10);
        std::replace(name_date.begin(), name_date.end(), '_', '-');
        if (article.date == name_date) ++date_as_file_name;
        if (ok) {
          ++with_title_and_date;
        } else {
          BOOST_TEST_MESSAGE("no header found in " << article.id);
        }
      },
      [&](const gazette::InputError& error) { BOOST_ERROR(error.to_string()); });
  BOOST_TEST_MESSAGE(with_title_and_date << " of " << files << " Wikinews files have a title and a date");
  BOOST_TEST_MESSAGE(date_as_file_name << " dates equal the date in the file name");
  BOOST_TEST(date_as_file_name == 943u);  // 2016_03_23-001 and one other are dated the day before
  BOOST_TEST(files == 945u);
  BOOST_TEST(with_title_and_date == 945u);
}

BOOST_AUTO_TEST_CASE(generic_title_without_dateline) {
  const auto article = split("Un titre court\n\nLe corps de l'article commence ici.\n");
  BOOST_TEST(article.title == "Un titre court");
  BOOST_TEST(article.date.empty());
  BOOST_TEST(article.body_start == 16u);

  // CRLF line ends and a byte-order mark are not part of the title.
  const auto windows = split("\xEF\xBB\xBFUn titre\r\n\r\n\r\nLe corps.\r\n");
  BOOST_TEST(windows.title == "Un titre");
  BOOST_TEST(windows.body_start == 17u);
}

BOOST_AUTO_TEST_CASE(no_title_when_the_first_line_is_a_sentence_or_alone) {
  BOOST_TEST(split("Le président a parlé.\n\nIl a dit beaucoup de choses.").title == "");
  BOOST_TEST(split("Le président a parlé\nsans pause.\n\nSuite.").title == "");  // no blank second line
  BOOST_TEST(split("Un titre seul\n\n").title == "");                           // nothing after it
  BOOST_TEST(split(std::string(301, 'x') + "\n\nCorps.").title == "");          // too long for a title
  BOOST_TEST(split("").title == "");
}

BOOST_AUTO_TEST_CASE(dateline_rule_details) {
  // Dateline with a place, em dash, body on the same line.
  const auto placed = split("Titre\n\n27 janvier 2017, Auschwitz, Pologne . — Le corps.");
  BOOST_TEST(placed.title == "Titre");
  BOOST_TEST(placed.date == "2017-01-27");
  BOOST_TEST(placed.text.substr(placed.body_start) == "Le corps.");

  // A date at the start of a line without " . –" is an ordinary sentence: generic title, no date.
  const auto sentence = split("Titre\n\n27 janvier 2017 : la journée commence.\n");
  BOOST_TEST(sentence.title == "Titre");
  BOOST_TEST(sentence.date == "");
  BOOST_TEST(sentence.body_start == 7u);

  // An unparseable date is not a dateline.
  const auto impossible = split("Titre\n\n31 février 2017 . – Le corps.");
  BOOST_TEST(impossible.date == "");

  // A period between the date and the dash means the line is prose, not a dateline.
  const auto prose = split("Titre\n\n3 mars 2017, il pleut. Puis . – fin.");
  BOOST_TEST(prose.date == "");
}

// --text-encoding, for archives written before UTF-8: encoding, bytes of the file → its text, or the error.
BOOST_AUTO_TEST_CASE(text_files_in_the_encoding_given) {
  struct Case {
    std::string encoding, bytes, text, error;
  };
  const std::vector<Case> cases = {
      {"windows-1252", "L'\x9cuvre co\xfbte 5 \x80.", "L'œuvre coûte 5 €.", ""},
      {"latin1", "L\x92\x9cuvre.", "L’œuvre.", ""},  // every Latin-1 name means windows-1252
      {"ISO-8859-1", "\xab Oui \xbb", "« Oui »", ""},
      {"iso-8859-15", "5 \xa4, l'\xbdil", "5 €, l'œil", ""},
      {"macintosh", "caf\x8e", "café", ""},
      {"shift_jis", "\x81\x20", "", "not valid shift_jis, the encoding --text-encoding gives: skipped"},
  };
  const auto path = std::filesystem::temp_directory_path() / ("gazette-encoding-" + std::to_string(getpid()) + ".txt");
  for (const Case& c : cases) {
    BOOST_TEST_CONTEXT(c.encoding) {
      std::ofstream(path, std::ios::binary) << c.bytes;
      std::vector<gazette::Article> articles;
      std::vector<std::string> errors;
      gazette::read_text_file(
          path.string(), "x.txt", [&](gazette::Article&& article) { articles.push_back(std::move(article)); },
          [&](const gazette::InputError& error) { errors.push_back(error.reason); },
          gazette::ReadOptions{c.encoding, {}});
      BOOST_TEST(errors == (c.error.empty() ? std::vector<std::string>{} : std::vector<std::string>{c.error}),
                 boost::test_tools::per_element());
      BOOST_TEST_REQUIRE(articles.size() == (c.error.empty() ? 1u : 0u));
      if (!articles.empty()) BOOST_TEST(articles[0].text == c.text);
    }
  }
  std::filesystem::remove(path);
  BOOST_TEST(gazette::known_text_encoding("Windows-1252"));
  BOOST_TEST(!gazette::known_text_encoding("klingon-8"));
}
