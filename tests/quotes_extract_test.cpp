// Quotation extraction and attribution: pattern tables on real French sentences, then the two seed articles against
// their hand-read golden files.
#define BOOST_TEST_MODULE quotes_extract
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gazette/quotes.h"

using gazette::EntityType;
using gazette::Mention;
using gazette::Quote;
using gazette::QuoteKind;

namespace {

struct Name {
  std::string surface, canonical;
  EntityType type = EntityType::Person;
};

bool is_word_byte(char c) { return std::isalnum(static_cast<unsigned char>(c)) || (static_cast<unsigned char>(c) & 0x80); }

// Stands in for the entity tagger: every whole-word occurrence of each surface form, longest forms first.
std::vector<Mention> mentions_for(const std::string& text, std::vector<Name> names) {
  std::sort(names.begin(), names.end(), [](const Name& a, const Name& b) { return a.surface.size() > b.surface.size(); });
  std::vector<Mention> out;
  for (const auto& n : names) {
    for (std::size_t at = text.find(n.surface); at != std::string::npos; at = text.find(n.surface, at + 1)) {
      std::size_t end = at + n.surface.size();
      if ((at > 0 && is_word_byte(text[at - 1])) || (end < text.size() && is_word_byte(text[end]))) continue;
      bool overlaps = false;
      for (const auto& m : out) overlaps = overlaps || (at < m.end && m.start < end);
      if (overlaps) continue;
      Mention m;
      m.type = n.type;
      m.start = static_cast<std::uint32_t>(at);
      m.end = static_cast<std::uint32_t>(end);
      m.text = n.surface;
      m.canonical = n.canonical;
      std::string key;
      for (char c : n.canonical) key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      m.key = key;
      out.push_back(m);
    }
  }
  std::sort(out.begin(), out.end(), [](const Mention& a, const Mention& b) { return a.start < b.start; });
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  BOOST_REQUIRE_MESSAGE(in, "cannot read " << path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Expected {
  std::string kind, speaker, text;
};

std::vector<Expected> read_golden(const std::string& path) {
  std::vector<Expected> rows;
  std::istringstream in(read_file(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto t1 = line.find('\t'), t2 = line.find('\t', t1 + 1);
    rows.push_back({line.substr(0, t1), line.substr(t1 + 1, t2 - t1 - 1), line.substr(t2 + 1)});
  }
  return rows;
}

const Quote* find_text(const std::vector<Quote>& quotes, const std::string& text) {
  for (const auto& q : quotes) {
    if (q.text == text) return &q;
  }
  return nullptr;
}

const std::vector<Name> kSeedNames = {
    {"Vladimir Poutine", "Vladimir Poutine"}, {"Poutine", "Poutine"},
    {"Joe Biden", "Joe Biden"},               {"Biden", "Biden"},
    {"Youri Ouchakov", "Youri Ouchakov"},     {"Ouchakov", "Ouchakov"},
    {"Kremlin", "Kremlin", EntityType::Organisation}, {"OTAN", "OTAN", EntityType::Organisation},
    {"Maison Blanche", "Maison Blanche", EntityType::Organisation},
    {"Russie", "Russie", EntityType::Place},  {"Ukraine", "Ukraine", EntityType::Place},
    {"Moscou", "Moscou", EntityType::Place},  {"États-Unis", "États-Unis", EntityType::Place},
    {"Washington", "Washington", EntityType::Place}, {"Kiev", "Kiev", EntityType::Place}};

}  // namespace

BOOST_AUTO_TEST_CASE(quote_marks_and_kinds) {
  struct Case {
    std::string text, quote, kind;
  };
  const std::vector<Case> cases = {
      {"« Nous sommes satisfaits du contact », a expliqué Ouchakov.", "Nous sommes satisfaits du contact", "direct"},
      {"«\u00a0Nous sommes satisfaits\u00a0», a-t-il dit.", "Nous sommes satisfaits", "direct"},
      {"“Nous sommes satisfaits du contact”, a expliqué Ouchakov.", "Nous sommes satisfaits du contact", "direct"},
      {"\"Nous sommes satisfaits du contact\", a expliqué Ouchakov.", "Nous sommes satisfaits du contact", "direct"},
      {"‹ Nous sommes satisfaits du contact ›, a expliqué Ouchakov.", "Nous sommes satisfaits du contact", "direct"},
      {"Le sujet a pris « très longtemps« , a déclaré Ouchakov. « Tout va bien », a-t-il ajouté.", "Tout va bien",
       "direct"},
      {"Le sujet a pris « très longtemps« , a déclaré Ouchakov.", "très longtemps", "partial"},
      {"Les accusations d' »actions agressives » sont ridicules.", "actions agressives", "partial"},
      {"Les déclarations sur «l’agression russe» sont ridicules.", "l’agression russe", "partial"},
      {"Poutine a fait part des « lignes rouges » et des menaces.", "lignes rouges", "partial"},
      {"Il a dit : « C’est le résultat» , a-t-il déclaré. Puis « fin ».", "fin", "partial"},
  };
  for (const auto& c : cases) {
    auto quotes = gazette::extract_quotes(c.text, {});
    const Quote* q = find_text(quotes, c.quote);
    BOOST_TEST_CONTEXT(c.text) {
      BOOST_REQUIRE(q != nullptr);
      BOOST_TEST(gazette::quote_kind_name(q->kind) == c.kind);
      BOOST_TEST(c.text.substr(q->start, q->end - q->start) == c.quote);
    }
  }
}

BOOST_AUTO_TEST_CASE(attribution_patterns) {
  struct Case {
    std::string text, quote, speaker, cue;
  };
  const std::vector<Name> names = {{"Youri Ouchakov", "Youri Ouchakov"}, {"Ouchakov", "Ouchakov"},
                                   {"Vladimir Poutine", "Vladimir Poutine"}, {"Poutine", "Poutine"},
                                   {"Anne Hidalgo", "Anne Hidalgo"}, {"Hidalgo", "Hidalgo"}};
  const std::string intro = "L'assistant présidentiel Youri Ouchakov a rencontré Vladimir Poutine. ";
  const std::vector<Case> cases = {
      {intro + "« Nous sommes satisfaits », a expliqué Ouchakov.", "Nous sommes satisfaits", "Youri Ouchakov",
       "a expliqué"},
      {intro + "« Nous sommes satisfaits », a-t-il souligné.", "Nous sommes satisfaits", "Youri Ouchakov",
       "a-t-il souligné"},
      {intro + "« Nous sommes satisfaits », a déclaré l'assistant présidentiel.", "Nous sommes satisfaits",
       "Youri Ouchakov", "a déclaré"},
      {intro + "« Nous sommes satisfaits », a ajouté le diplomate russe.", "Nous sommes satisfaits", "", "a ajouté"},
      {intro + "« Nous sommes satisfaits », a dit Ouchakov. « Tout va bien », a ajouté le diplomate russe.",
       "Tout va bien", "Youri Ouchakov", "a ajouté"},
      {intro + "« Nous sommes satisfaits, a-t-il poursuivi, et nous continuerons »", "Nous sommes satisfaits, et nous continuerons",
       "Youri Ouchakov", "a-t-il poursuivi"},
      {intro + "Ouchakov a déclaré : « Nous sommes satisfaits du contact. »", "Nous sommes satisfaits du contact.",
       "Youri Ouchakov", "a déclaré"},
      {intro + "Ouchakov a déclaré que « les troupes sont chez elles ».", "les troupes sont chez elles",
       "Youri Ouchakov", "a déclaré"},
      {intro + "Poutine a ajouté que les restrictions entraîneraient des conséquences graves.",
       "les restrictions entraîneraient des conséquences graves", "Vladimir Poutine", "a ajouté"},
      {intro + "Selon Ouchakov, les présidents ont convenu d'entamer un dialogue.",
       "les présidents ont convenu d'entamer un dialogue", "Youri Ouchakov", "Selon"},
      {intro + "D'après Ouchakov, les présidents ont convenu d'entamer un dialogue.",
       "les présidents ont convenu d'entamer un dialogue", "Youri Ouchakov", "D'après"},
      {intro + "Comme l’a dit Ouchakov, Poutine a marqué les lignes rouges de la Russie.",
       "Poutine a marqué les lignes rouges de la Russie", "Youri Ouchakov", "Comme l’a dit"},
      {intro + "Les présidents ont convenu d'entamer un dialogue, a ajouté Ouchakov.",
       "Les présidents ont convenu d'entamer un dialogue", "Youri Ouchakov", "a ajouté"},
      {intro + "La maire de Paris Anne Hidalgo était là. « Nous sommes prêts », a-t-elle dit.", "Nous sommes prêts",
       "Anne Hidalgo", "a-t-elle dit"},
      {intro + "Anne Hidalgo est arrivée. Hidalgo s'est félicitée : « Nous sommes prêts. »", "Nous sommes prêts.", "Anne Hidalgo",
       "s'est félicitée"},
  };
  for (const auto& c : cases) {
    auto quotes = gazette::extract_quotes(c.text, mentions_for(c.text, names));
    const Quote* q = find_text(quotes, c.quote);
    BOOST_TEST_CONTEXT(c.text) {
      BOOST_REQUIRE(q != nullptr);
      BOOST_TEST(q->speaker == c.speaker);
      BOOST_TEST(q->cue == c.cue);
    }
  }
}

BOOST_AUTO_TEST_CASE(continuation_and_paragraphs) {
  const std::string text =
      "Youri Ouchakov a parlé longuement.\n« Nous sommes satisfaits », a déclaré Ouchakov. « Nous continuerons "
      "le dialogue avec Washington. »\n« Le premier paragraphe continue\n« et se termine ici », a-t-il conclu.";
  auto quotes = gazette::extract_quotes(text, mentions_for(text, {{"Youri Ouchakov", "Youri Ouchakov"},
                                                                  {"Ouchakov", "Ouchakov"}}));
  const Quote* continued = find_text(quotes, "Nous continuerons le dialogue avec Washington.");
  BOOST_REQUIRE(continued != nullptr);
  BOOST_TEST(continued->speaker == "Youri Ouchakov");
  BOOST_TEST(continued->confidence < 0.7);
  const Quote* spanning = find_text(quotes, "Le premier paragraphe continue\net se termine ici");
  BOOST_REQUIRE(spanning != nullptr);
  BOOST_TEST(spanning->speaker == "Youri Ouchakov");
  BOOST_TEST(text.substr(spanning->start, 7) == "Le prem");
}

BOOST_AUTO_TEST_CASE(without_entities_names_become_mentions) {
  const std::string text = "« Nous sommes satisfaits », a expliqué Youri Ouchakov. « Tout va bien », a-t-il ajouté.";
  auto quotes = gazette::extract_quotes(text, {});
  BOOST_REQUIRE_EQUAL(quotes.size(), 2u);
  BOOST_TEST(quotes[0].speaker.empty());
  BOOST_TEST(quotes[0].speaker_mention == "Youri Ouchakov");
  BOOST_TEST(quotes[1].speaker_mention == "Youri Ouchakov");
  BOOST_TEST(quotes[0].confidence < 0.9);
}

BOOST_AUTO_TEST_CASE(fingerprint_folds_accents_case_and_punctuation) {
  BOOST_TEST(gazette::quote_fingerprint("Les conséquences les plus graves") ==
             gazette::quote_fingerprint("les consequences, les plus  GRAVES…"));
  BOOST_TEST(gazette::quote_fingerprint("Les conséquences les plus graves") !=
             gazette::quote_fingerprint("Les conséquences les moins graves"));
  BOOST_TEST(gazette::quote_normal_form("L’agression russe\u00a0!") == "l agression russe");
  BOOST_TEST(gazette::quote_normal_form("Cœur") == "coeur");
  BOOST_TEST(gazette::quote_fingerprint("").size() == 16u);
}

namespace {

void check_seed(const std::string& name) {
  const std::string text = read_file(std::string(GAZETTE_SOURCE_DIR) + "/corpus/" + name + ".txt");
  const auto golden = read_golden(std::string(GAZETTE_TESTS_DIR) + "/golden/quotes/" + name + ".tsv");
  const auto quotes = gazette::extract_quotes(text, mentions_for(text, kSeedNames));
  int indirect_total = 0, indirect_found = 0, indirect_speaker_right = 0;
  std::vector<bool> used(quotes.size(), false);
  for (const auto& g : golden) {
    BOOST_TEST_CONTEXT(name << ": " << g.kind << " " << g.text.substr(0, 60)) {
      if (g.kind != "indirect") {
        // Direct and partial quotes: exact text, kind and speaker.
        const Quote* match = nullptr;
        for (std::size_t i = 0; i < quotes.size(); ++i) {
          if (!used[i] && quotes[i].text == g.text) {
            match = &quotes[i];
            used[i] = true;
            break;
          }
        }
        BOOST_REQUIRE(match != nullptr);
        BOOST_TEST(gazette::quote_kind_name(match->kind) == g.kind);
        BOOST_TEST(match->speaker == g.speaker);
        BOOST_TEST(text.substr(match->start, match->end - match->start) == g.text);
        continue;
      }
      ++indirect_total;
      // Reported speech has no marks: a span overlapping the golden one by half or more, then its speaker.
      auto at = text.find(g.text);
      for (std::size_t i = 0; i < quotes.size(); ++i) {
        if (used[i] || quotes[i].kind != QuoteKind::Indirect) continue;
        std::size_t lo = std::max<std::size_t>(at, quotes[i].start);
        std::size_t hi = std::min<std::size_t>(at + g.text.size(), quotes[i].end);
        if (hi > lo && (hi - lo) * 2 >= g.text.size()) {
          used[i] = true;
          ++indirect_found;
          if (quotes[i].speaker == g.speaker) {
            ++indirect_speaker_right;
          } else {
            BOOST_TEST_MESSAGE("speaker miss: " << quotes[i].speaker << " for " << g.speaker << ": " << g.text);
          }
          break;
        }
      }
    }
  }
  // Every quotation the extractor reports must be in the golden file.
  for (std::size_t i = 0; i < quotes.size(); ++i) {
    BOOST_TEST_CONTEXT(name << ": unexpected " << gazette::quote_kind_name(quotes[i].kind) << " " << quotes[i].text) {
      BOOST_TEST(used[i]);
    }
  }
  BOOST_TEST_MESSAGE(name << ": indirect found " << indirect_found << "/" << indirect_total << ", speaker right "
                          << indirect_speaker_right);
  // Known misses (docs/QUOTES.md): a gerund report ("déclarant que"); "le chef de la Maison Blanche" is not
  // resolved to Biden.
  BOOST_TEST(indirect_found >= indirect_total - 1);
  BOOST_TEST(indirect_speaker_right >= indirect_found - 1);
}

}  // namespace

BOOST_AUTO_TEST_CASE(seed_000_golden) { check_seed("000_b35c598148b0eacd"); }
BOOST_AUTO_TEST_CASE(seed_003_golden) { check_seed("003_10b113a26dc81203"); }

// Pronouns and "ajoute-t-il" find the last speaker before them however long the document: events were kept in a
// sorted vector, searched from its end (quadratic: 15 MB of quotes took 163 s, 16 s now, bench/pathological).
BOOST_AUTO_TEST_CASE(pronouns_find_the_last_speaker_in_a_long_document) {
  const std::string paragraph =
      "« Nous signerons », a déclaré Youri Ouchakov. « Demain », a-t-il ajouté.\n\n"
      "« Nous refuserons », a déclaré Marie Roux. « Jamais », a-t-elle ajouté.\n\n";
  std::string text;
  for (int i = 0; i < 3000; ++i) text += paragraph;
  const auto quotes = gazette::extract_quotes(text, {});
  BOOST_REQUIRE_EQUAL(quotes.size(), 12000u);
  for (std::size_t i = 0; i < quotes.size(); ++i) {
    const std::string expected = i % 4 < 2 ? "Youri Ouchakov" : "Marie Roux";
    if (quotes[i].speaker_mention != expected)
      BOOST_ERROR("quote " << i << " (" << quotes[i].text << "): " << quotes[i].speaker_mention);
  }
}
