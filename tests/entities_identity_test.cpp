// Cross-document identity keys: transliteration, spelling rules and the alias file; and the tokenizer the
// tagger relies on (punctuation kept, elisions split, byte offsets).
#define BOOST_TEST_MODULE entities_identity
#include <boost/test/unit_test.hpp>

#include <unicode/unistr.h>

#include <fstream>
#include <thread>
#include <vector>

#include "entities/ner.h"

namespace {

const gazette::EntityTagger& tagger() {
  static std::unique_ptr<gazette::EntityTagger> t = gazette::load_default_tagger();
  BOOST_REQUIRE_MESSAGE(t, "no entity model in " GAZETTE_DATA_DIR "/ner");
  return *t;
}

}  // namespace

BOOST_AUTO_TEST_CASE(spelling_rules_merge_transliterations_without_the_alias_file) {
  gazette::ner::Identity identity;  // no aliases loaded: rules and ICU only
  for (const char* variant : {"Ouchakov", "Ushakov", "Uschakow", "Ушаков", "OUCHAKOV", "ouchakov"}) {
    BOOST_TEST(identity.skeleton(variant) == "ushakov", variant);
  }
  for (const char* variant : {"Poutine", "Putin", "Путин", "poutine"}) BOOST_TEST(identity.skeleton(variant) == "putin", variant);
  BOOST_TEST(identity.skeleton("Kyïv") == identity.skeleton("Kyiv"));
  BOOST_TEST(identity.skeleton("Youri Ouchakov") == identity.skeleton("Юрий Ушаков"));
  BOOST_TEST(identity.skeleton("Jean-Yves Le Drian") == "jean yves le drian");
  BOOST_TEST(identity.skeleton("Biden") != identity.skeleton("Poutine"));
}

// ASCII names skip the transliterator; a trailing no-break space sends the same letters through it.
BOOST_AUTO_TEST_CASE(ascii_names_get_the_transliterator_s_skeleton) {
  gazette::ner::Identity identity;
  for (const char* name : {"Jean-Yves Le Drian", "O'Brien", "MACRON", "Kim Jong-un", "AT&T", "Emmanuel  Macron",
                           "Mark Rutte (PM)", "G7", "ouchakov", "Uschakow"}) {
    BOOST_TEST(identity.skeleton(name) == identity.skeleton(std::string(name) + "\u00a0"), name);
    BOOST_TEST(!identity.skeleton(name).empty(), name);
  }
}

BOOST_AUTO_TEST_CASE(every_spelling_of_a_person_gives_the_full_name_key) {
  const std::string ouchakov = tagger().key_for("Youri Ouchakov");
  for (const char* name : {"Ouchakov", "Ushakov", "Uschakow", "Ушаков", "Yuri Ushakov", "youri ouchakov", "Юрий Ушаков"}) {
    BOOST_TEST(tagger().key_for(name) == ouchakov, name);
    BOOST_TEST(tagger().key_for(name, gazette::EntityType::Person) == ouchakov, name);
  }
  const std::string poutine = tagger().key_for("Vladimir Poutine");
  for (const char* name : {"Poutine", "Putin", "poutine", "POUTINE", "Vladimir Putin", "Wladimir Putin", "Путин"}) {
    BOOST_TEST(tagger().key_for(name) == poutine, name);
  }
  BOOST_TEST(poutine != ouchakov);
  BOOST_TEST(tagger().key_for("Biden") == tagger().key_for("Joe Biden"));
}

BOOST_AUTO_TEST_CASE(places_and_organisations_under_aliases) {
  const std::string kiev = tagger().key_for("Kiev", gazette::EntityType::Place);
  for (const char* name : {"Kyiv", "Kyïv", "kiev", "Київ", "Киев"}) BOOST_TEST(tagger().key_for(name, gazette::EntityType::Place) == kiev, name);
  BOOST_TEST(tagger().key_for("NATO") == tagger().key_for("OTAN"));
  BOOST_TEST(tagger().key_for("Maison-Blanche") == tagger().key_for("Maison Blanche"));
  BOOST_TEST(tagger().key_for("Moscow") == tagger().key_for("moscou"));
  BOOST_TEST(tagger().key_for("Moscou") != kiev);
}

BOOST_AUTO_TEST_CASE(keys_of_tagged_mentions_match_key_for) {
  auto mentions = tagger().tag("Le président Vladimir Poutine a reçu Youri Ouchakov à Moscou. Poutine a parlé.");
  BOOST_REQUIRE(mentions.size() == 4);
  BOOST_TEST(mentions[0].key == tagger().key_for("Putin"));
  BOOST_TEST(mentions[1].key == tagger().key_for("Ushakov"));
  BOOST_TEST(mentions[2].key == tagger().key_for("Moscow", gazette::EntityType::Place));
  BOOST_TEST(mentions[3].text == "Poutine");
  BOOST_TEST(mentions[3].canonical == "Vladimir Poutine");
}

BOOST_AUTO_TEST_CASE(tokens_keep_punctuation_split_elisions_and_count_bytes) {
  std::string text = "M. Lavrov, à l’Élysée : les États-Unis d'Amérique.";
  auto tokens = gazette::ner::tokenize(text);
  std::vector<std::string> words;
  for (const auto& t : tokens) words.push_back(text.substr(t.start, t.end - t.start));
  std::vector<std::string> expected = {"M", ".", "Lavrov", ",", "à", "l’", "Élysée", ":", "les", "États-Unis", "d'", "Amérique", "."};
  BOOST_TEST(words == expected, boost::test_tools::per_element());
  BOOST_TEST(tokens[6].start == 18u);  // "M. Lavrov, à l’" is 18 bytes: à is 2, ’ is 3
}

BOOST_AUTO_TEST_CASE(sentences_do_not_break_after_titles_or_initials) {
  std::string text = "M. Dupont est arrivé. J. K. Rowling aussi.\nFin";
  auto tokens = gazette::ner::tokenize(text);
  auto starts = gazette::ner::sentence_starts(text, tokens);
  std::vector<std::string> first_words;
  for (auto s : starts) first_words.push_back(text.substr(tokens[s].start, tokens[s].end - tokens[s].start));
  std::vector<std::string> expected = {"M", "J", "Fin"};
  BOOST_TEST(first_words == expected, boost::test_tools::per_element());
}

// A text without a full stop is one sentence, and the model's memory grows with what it decodes at once: 5 MB
// of capitals took 770 MB. Long sentences are cut after a punctuation mark near the window's end, else at it;
// short ones are left whole.
BOOST_AUTO_TEST_CASE(long_sentences_are_cut_for_the_model_after_punctuation) {
  struct Case {
    std::string text;
    std::size_t longest;
    std::vector<std::string> first_words;
  };
  const std::vector<Case> cases = {
      {"Il a vu Jean Dupont à Paris, puis Marie Curie.", 100, {"Il"}},
      // 12 tokens, windows of 8: the comma is among the first window's last quarter, so it ends the piece.
      {"un deux trois quatre cinq six , sept huit neuf dix onze", 8, {"un", "sept"}},
      // No punctuation in the window's last quarter: cut at the window's end.
      {"un , deux trois quatre cinq six sept huit neuf dix onze", 8, {"un", "huit"}},
      {"a b c d e f g h i j k l m n o p q r", 8, {"a", "i", "q"}},
      {"Fin. Début a b c d e f g h i", 8, {"Fin", "Début", "h"}},
  };
  for (const Case& c : cases) {
    const auto tokens = gazette::ner::tokenize(c.text);
    std::vector<std::string> first_words;
    for (auto s : gazette::ner::bounded_sentence_starts(c.text, tokens, c.longest))
      first_words.push_back(c.text.substr(tokens[s].start, tokens[s].end - tokens[s].start));
    BOOST_TEST(first_words == c.first_words, boost::test_tools::per_element());
  }
  std::string capitals;
  for (int i = 0; i < 5000; ++i) capitals += "Paris Macron Jean Dupont ";
  const auto tokens = gazette::ner::tokenize(capitals);
  const auto starts = gazette::ner::bounded_sentence_starts(capitals, tokens);
  BOOST_TEST(starts.size() == 20u);
  for (std::size_t s = 0; s < starts.size(); ++s)
    BOOST_TEST((s + 1 < starts.size() ? starts[s + 1] : tokens.size()) - starts[s] <= gazette::ner::kLongestSentence);
}

// The two short cuts past ICU's transliterator give exactly what it gives. Every accented Latin letter the
// fast fold knows, alone and inside a capitalised word, and all of printable ASCII.
BOOST_AUTO_TEST_CASE(plain_latin_fold_is_the_transliterator_s_output) {
  gazette::ner::Identity identity;
  std::size_t folded = 0;
  for (char32_t c = 0xC0; c <= 0x17F; ++c) {
    std::string letter;
    icu::UnicodeString(static_cast<UChar32>(c)).toUTF8String(letter);
    for (const std::string& name : {letter, "Br" + letter + "ve", letter + "ric"}) {
      const auto fast = gazette::ner::Identity::fold_plain_latin(name);
      if (!fast) continue;
      ++folded;
      BOOST_TEST(*fast == identity.transliterate(name), "U+" << std::hex << static_cast<unsigned>(c) << " in " << name);
    }
  }
  BOOST_TEST(folded >= 3 * 150u, "the fast fold covers the French and most European accented letters");
  for (const char* name : {"Élysée", "François Hollande", "Saint-Pétersbourg", "Kyïv", "Łódź"}) {
    const auto fast = gazette::ner::Identity::fold_plain_latin(name);
    if (fast) BOOST_TEST(*fast == identity.transliterate(name), name);
  }
  BOOST_TEST(gazette::ner::Identity::fold_plain_latin("Élysée").value_or("") == "elysee");
  BOOST_TEST(gazette::ner::Identity::fold_plain_latin("Łódź").value_or("") == "lodz", "Ł has no decomposition");
  BOOST_TEST(gazette::ner::Identity::fold_plain_latin("Læticia Cœur Strøm Straße").value_or("") ==
             "laeticia coeur strom strasse");
  BOOST_TEST(!gazette::ner::Identity::fold_plain_latin("Путин"));
  std::string ascii;
  for (char c = ' '; c <= '~'; ++c) ascii.push_back(c);
  BOOST_TEST(gazette::ner::Identity::fold_plain_latin(ascii).value_or("") == identity.transliterate(ascii));
}

// The key a facet groups names by (plain_latin_identity_key) is the index's key of each name: the names the
// press writes one entity with, with or without capital accents, no-break spaces or typographic apostrophes,
// give one key; the characters the fast fold takes for others are those the transliterator gives.
BOOST_AUTO_TEST_CASE(the_spellings_of_one_name_give_one_facet_key) {
  gazette::ner::Identity identity;
  struct Group {
    std::vector<std::string> names;
    std::string key;
  };
  const std::vector<Group> groups = {
      {{"Élysée", "Elysée", "ELYSÉE", "elysee"}, "elyse"},
      {{"Assemblée nationale", "assemblée nationale", "Assemblée  nationale"}, "asemble nationale"},
      {{"Gérald Darmanin", "Gérald\u00a0Darmanin", "Gérald\u202fDarmanin", "Gérald\u2007Darmanin",
        "Gérald\u2009Darmanin"},
       "gerald darmanin"},
      {{"Conseil d'État", "Conseil d’État", "Conseil d'Etat"}, "conseil detat"},
      {{"Côte d'Ivoire", "Côte-d’Ivoire"}, "cote divoire"},
      {{"Ouchakov", "Ushakov"}, "ushakov"},
      {{"Laeticia Hallyday", "Læticia Hallyday", "LÆTICIA HALLYDAY"}, "laeticia halyday"},
      {{"Restos du Cœur", "Restos du Coeur"}, "restos du coeur"},
      {{"Jørgen Strøm", "Jorgen Strom"}, "jorgen strom"},
  };
  for (const Group& g : groups)
    for (const std::string& name : g.names) {
      BOOST_TEST(gazette::plain_latin_identity_key(name).value_or("(none)") == g.key, name);
      BOOST_TEST(identity.skeleton(name) == g.key, name << ": the index's key");
    }
  BOOST_TEST(gazette::plain_latin_identity_key("Côte Ivoire").value_or("") != "cote divoire");
  BOOST_TEST(!gazette::plain_latin_identity_key("Ушаков"), "other letters need the transliterator");
  BOOST_TEST(gazette::plain_latin_identity_key("Łódź").value_or("") == identity.skeleton("Łódź"));
  // The apostrophes become what ICU's transliterator makes of them; whatever it makes of the no-break, figure
  // and thin spaces (it turns some into ASCII spaces and keeps others), the spelling rules take them for a
  // word break, which the group table above checks through the index's key.
  BOOST_TEST(identity.transliterate("Conseil d’État") == "conseil d'etat");
  BOOST_TEST(identity.transliterate("l‘Est") == "l'est");
}

// data/ner/transliterations.tsv holds what the transliterator gives every name of the data files that the
// fast fold can't do, so that loading them (every gazette-query naming an entity) never creates it. Each
// line must be what ICU gives today, and no name may be missing: the message lists the lines to add.
BOOST_AUTO_TEST_CASE(the_data_files_need_no_transliterator_to_load) {
  const std::filesystem::path ner_dir = std::filesystem::path(GAZETTE_DATA_DIR) / "ner";
  // In a thread of its own: skeletons are cached per thread, and the other cases made some already.
  std::string missing;
  std::thread([&] {
    const gazette::ner::Identity loaded = gazette::ner::load_identity(ner_dir);
    for (const std::string& name : loaded.names_transliterated())
      missing += name + "\t" + loaded.transliterate(name) + "\n";
  }).join();
  BOOST_TEST(missing.empty(), "add to data/ner/transliterations.tsv:\n" << missing);

  gazette::ner::Identity fresh;
  std::ifstream in(ner_dir / "transliterations.tsv");
  std::size_t lines = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t tab = line.find('\t');
    BOOST_TEST_REQUIRE(tab != std::string::npos, line);
    BOOST_TEST(fresh.transliterate(line.substr(0, tab)) == line.substr(tab + 1), line);
    ++lines;
  }
  BOOST_TEST(lines > 0u);
}
