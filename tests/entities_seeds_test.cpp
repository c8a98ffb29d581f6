// The shipped tagger on the two seed articles: every expected entity with its type and canonical name
// (golden file), exact spans of selected mentions, document-level identity and apposition.
#define BOOST_TEST_MODULE entities_seeds
#include <boost/test/unit_test.hpp>

#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "gazette/entities.h"

namespace {

std::string read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

const std::string kBidenCall = GAZETTE_SOURCE_DIR "/corpus/000_b35c598148b0eacd.txt";
const std::string kRedLines = GAZETTE_SOURCE_DIR "/corpus/003_10b113a26dc81203.txt";

const gazette::EntityTagger& tagger() {
  static std::unique_ptr<gazette::EntityTagger> t = gazette::load_default_tagger();
  BOOST_REQUIRE_MESSAGE(t, "no entity model in " GAZETTE_DATA_DIR "/ner");
  return *t;
}

// The mention of `name` found where `context` occurs in `text` (exact byte span), or nullptr.
const gazette::Mention* find_at(const std::vector<gazette::Mention>& mentions, const std::string& text,
                                const std::string& context, const std::string& name) {
  auto at = text.find(context);
  BOOST_REQUIRE_MESSAGE(at != std::string::npos, "context not in text: " << context);
  auto start = at + context.find(name);
  for (const auto& m : mentions) {
    if (m.start == start && m.end == start + name.size()) return &m;
  }
  return nullptr;
}

void expect(const std::vector<gazette::Mention>& mentions, const std::string& text, const std::string& context,
            const std::string& name, const char* type, const std::string& canonical) {
  const gazette::Mention* m = find_at(mentions, text, context, name);
  BOOST_TEST_CONTEXT(name << " in «" << context << "»") {
    BOOST_REQUIRE(m != nullptr);
    BOOST_TEST(m->text == name);
    BOOST_TEST(gazette::entity_type_code(m->type) == std::string(type));
    BOOST_TEST(m->canonical == canonical);
  }
}

}  // namespace

BOOST_AUTO_TEST_CASE(golden_entities_of_the_seeds) {
  std::set<std::pair<std::string, std::string>> found;
  for (const auto& file : {kBidenCall, kRedLines}) {
    for (const auto& m : tagger().tag(read(file))) found.insert({gazette::entity_type_code(m.type), m.canonical});
  }
  std::istringstream golden(read(GAZETTE_TESTS_DIR "/golden/entities/seeds.tsv"));
  std::string line;
  int expected = 0;
  while (std::getline(golden, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto tab = line.find('\t');
    std::pair<std::string, std::string> entity{line.substr(0, tab), line.substr(tab + 1)};
    ++expected;
    BOOST_TEST(found.count(entity) == 1, entity.first << " " << entity.second << " is tagged");
  }
  BOOST_TEST(expected == 13);
}

BOOST_AUTO_TEST_CASE(exact_spans_and_document_level_identity) {
  std::string text = read(kBidenCall);
  auto mentions = tagger().tag(text);
  expect(mentions, text, "président américain Joe Biden et", "Joe Biden", "PER", "Joe Biden");
  expect(mentions, text, "homologue russe Vladimir Poutine ont", "Vladimir Poutine", "PER", "Vladimir Poutine");
  expect(mentions, text, "l'assistant présidentiel Youri Ouchakov.", "Youri Ouchakov", "PER", "Youri Ouchakov");
  // Later short mentions are the same persons.
  expect(mentions, text, "a expliqué Ouchakov", "Ouchakov", "PER", "Youri Ouchakov");
  expect(mentions, text, "Poutine a ajouté", "Poutine", "PER", "Vladimir Poutine");
  expect(mentions, text, "déclaré que Biden avait", "Biden", "PER", "Joe Biden");
  expect(mentions, text, "Le Kremlin est satisfait", "Kremlin", "ORG", "Kremlin");
  expect(mentions, text, "invasion russe de l’Ukraine", "Ukraine", "LOC", "Ukraine");
  expect(mentions, text, "par les États-Unis et l'OTAN", "États-Unis", "LOC", "États-Unis");
  expect(mentions, text, "par les États-Unis et l'OTAN", "OTAN", "ORG", "OTAN");

  // Every mention of an expected person has that person's type, canonical name and key.
  for (const auto& m : mentions) {
    if (m.text == "Ouchakov" || m.text == "Youri Ouchakov") {
      BOOST_TEST(gazette::entity_type_code(m.type) == std::string("PER"));
      BOOST_TEST(m.key == tagger().key_for("Youri Ouchakov"));
    }
  }
  // Sorted, non-overlapping, spans matching their text.
  for (std::size_t i = 0; i < mentions.size(); ++i) {
    BOOST_TEST(text.substr(mentions[i].start, mentions[i].end - mentions[i].start) == mentions[i].text);
    if (i > 0) BOOST_TEST(mentions[i - 1].end <= mentions[i].start);
  }
}

BOOST_AUTO_TEST_CASE(apposition_links_descriptor_to_name) {
  std::string text = read(kBidenCall);
  auto mentions = tagger().tag(text);
  const auto* ouchakov = find_at(mentions, text, "l'assistant présidentiel Youri Ouchakov.", "Youri Ouchakov");
  BOOST_REQUIRE(ouchakov != nullptr);
  BOOST_TEST(ouchakov->descriptor == "assistant présidentiel");
  const auto* biden = find_at(mentions, text, "Le président américain Joe Biden", "Joe Biden");
  BOOST_REQUIRE(biden != nullptr);
  BOOST_TEST(biden->descriptor == "président américain");
}

BOOST_AUTO_TEST_CASE(second_seed_places_and_organisations) {
  std::string text = read(kRedLines);
  auto mentions = tagger().tag(text);
  expect(mentions, text, "non-respect par Kiev des accords", "Kiev", "LOC", "Kiev");
  expect(mentions, text, "Le chef de la Maison Blanche", "Maison Blanche", "ORG", "Maison Blanche");
  expect(mentions, text, "Le ministère des Affaires étrangères a noté", "ministère des Affaires étrangères", "ORG",
         "ministère des Affaires étrangères");
  expect(mentions, text, "si Washington s’inquiétait", "Washington", "LOC", "Washington");
  expect(mentions, text, "qui inquiètent Moscou,", "Moscou", "LOC", "Moscou");
  expect(mentions, text, "exprimé à Biden sa", "Biden", "PER", "Joe Biden");
}

// Regressions found on the Wikinews corpus: a mention never begins with a separator, nor ends with an
// invisible direction mark, whatever the model's tags say.
BOOST_AUTO_TEST_CASE(mentions_have_no_edge_punctuation) {
  const std::string scores =
      read(GAZETTE_SOURCE_DIR "/corpus/wikinews/2016_06_12-013.txt");  // "Groupe B : Angleterre - Russie"
  const std::string rlm = "Le fondateur de Wikipédia, Jimmy Wales\u200F, a annoncé lundi un nouveau projet.";
  for (const std::string* text : {&scores, &rlm}) {
    for (const auto& m : tagger().tag(*text)) {
      BOOST_TEST_CONTEXT("mention «" << m.text << "»") {
        const unsigned char first = static_cast<unsigned char>(m.text.front());
        BOOST_TEST((std::isalnum(first) != 0 || first >= 0x80));
        BOOST_TEST(m.text.find("\u200F") == std::string::npos);
        BOOST_TEST(m.canonical.find(": ") != 0u);
      }
    }
  }
  bool angleterre = false;
  for (const auto& m : tagger().tag(scores)) angleterre = angleterre || m.text == "Angleterre";
  BOOST_TEST(angleterre);
}

// A short mention takes the canonical name of the longest full mention it ends, in a document of any length:
// each mention was compared with every other (quadratic: a 15 MB text of capitals without a full stop ran
// for more than five minutes, bench/pathological), and now looks its words up once.
BOOST_AUTO_TEST_CASE(short_mentions_take_the_full_name_in_a_long_document) {
  std::string text = "Le président russe Vladimir Poutine a parlé à Moscou.";
  for (int i = 0; i < 20000; ++i) text += " Poutine a répondu.";
  const auto mentions = tagger().tag(text);
  std::size_t poutine = 0;
  for (const auto& m : mentions) {
    if (m.text != "Poutine") continue;
    ++poutine;
    if (m.canonical != "Vladimir Poutine") BOOST_ERROR("mention at " << m.start << ": " << m.canonical);
  }
  BOOST_TEST(poutine == 20000u);
}
