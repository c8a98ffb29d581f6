// Retrains a small model from the annotations kept in the repository and checks it on the held-aside split:
// the training code itself is under test (a broken feature or update rule drops the score below the bar),
// and training is deterministic.
#define BOOST_TEST_MODULE entities_training
#include <boost/test/unit_test.hpp>

#include <fstream>

#include "entities/ner.h"

namespace ner = gazette::ner;

namespace {

struct Split {
  std::vector<ner::Document> training, held_out;
};

const Split& split() {
  static const Split s = [] {
    Split out;
    auto all = ner::read_brat(GAZETTE_DATA_DIR "/ner/wikinews-ann", GAZETTE_SOURCE_DIR "/corpus/wikinews");
    for (std::size_t i = 0; i < all.size(); ++i) {
      // A quarter of the training split keeps this test fast under sanitizers.
      if (ner::is_held_out(i)) out.held_out.push_back(all[i]);
      else if (i % 4 == 0) out.training.push_back(all[i]);
    }
    return out;
  }();
  return s;
}

std::string bytes_of(const ner::Model& model, const std::string& name) {
  auto path = std::filesystem::temp_directory_path() / name;
  model.save(path);
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove(path);
  return bytes;
}

}  // namespace

BOOST_AUTO_TEST_CASE(annotations_read_as_utf8_byte_spans) {
  BOOST_REQUIRE_EQUAL(split().held_out.size(), 94u);
  // 2016_01_01-001: "T11 Person 552 570 Jean-Yves Le Drian" — character offsets, converted to bytes.
  auto all = ner::read_brat(GAZETTE_DATA_DIR "/ner/wikinews-ann", GAZETTE_SOURCE_DIR "/corpus/wikinews");
  const ner::Document& first = all.front();
  BOOST_TEST(first.name == "2016_01_01-001");
  bool found = false;
  for (const auto& g : first.gold) {
    if (first.text.substr(g.start, g.end - g.start) == "Jean-Yves Le Drian") found = g.type == gazette::EntityType::Person;
  }
  BOOST_TEST(found);
}

BOOST_AUTO_TEST_CASE(small_model_scores_on_held_out_articles) {
  ner::Gazetteers gazetteers = ner::Gazetteers::load(GAZETTE_DATA_DIR "/ner");
  ner::TrainOptions options;
  options.epochs = 4;
  ner::Model model = ner::train(split().training, gazetteers, options);
  BOOST_TEST_MESSAGE(split().training.size() << " training articles, " << model.feature_count() << " features");
  BOOST_TEST(model.feature_count() > 1000u);

  std::string first = bytes_of(model, "gazette-ner-a.bin");
  BOOST_TEST(first == bytes_of(ner::train(split().training, gazetteers, options), "gazette-ner-b.bin"),
             "training twice gives the same bytes");

  ner::Tagger tagger(std::move(model), std::move(gazetteers), ner::Identity());
  ner::Scores scores = ner::evaluate(tagger, split().held_out, false, false);
  BOOST_TEST_MESSAGE("held-out F1 " << scores.overall.f1() << " PER " << scores.per_type[0].f1() << " ORG "
                                    << scores.per_type[1].f1() << " LOC " << scores.per_type[2].f1());
  BOOST_TEST(scores.overall.f1() > 0.75);
  BOOST_TEST(scores.per_type[0].f1() > 0.75);  // persons
  BOOST_TEST(scores.per_type[2].f1() > 0.75);  // places
}

BOOST_AUTO_TEST_CASE(saved_model_loads_and_tags_identically) {
  ner::Gazetteers gazetteers = ner::Gazetteers::load(GAZETTE_DATA_DIR "/ner");
  std::vector<ner::Document> few(split().training.begin(), split().training.begin() + 20);
  ner::TrainOptions options;
  options.epochs = 2;
  ner::Model model = ner::train(few, gazetteers, options);
  auto path = std::filesystem::temp_directory_path() / "gazette-ner-roundtrip.bin";
  model.save(path);
  std::string error;
  auto loaded = ner::Model::load(path, &error);
  std::filesystem::remove(path);
  BOOST_REQUIRE_MESSAGE(loaded.has_value(), error);
  BOOST_TEST(loaded->feature_count() == model.feature_count());
  const std::string& text = split().held_out.front().text;
  auto tokens = ner::tokenize(text);
  auto hits = gazetteers.match(text, tokens);
  auto features = ner::extract_features(text, tokens, 0, tokens.size(), hits);
  BOOST_TEST(loaded->decode(features) == model.decode(features), boost::test_tools::per_element());
  BOOST_TEST(!ner::Model::load(GAZETTE_DATA_DIR "/ner/aliases.tsv", &error).has_value());
}

// Decoding sums each distinct word's own features once per thread (Model::decode's word rows): the tags must
// be those of summing every feature of every token, with two models decoded in turn, so that a row of one
// model's weights is never used for the other's.
BOOST_AUTO_TEST_CASE(word_rows_decode_as_every_feature_does) {
  ner::Gazetteers gazetteers = ner::Gazetteers::load(GAZETTE_DATA_DIR "/ner");
  std::string error;
  const auto shipped = ner::Model::load(GAZETTE_DATA_DIR "/ner/model.bin", &error);
  BOOST_REQUIRE_MESSAGE(shipped.has_value(), error);
  std::vector<ner::Document> few(split().training.begin(), split().training.begin() + 20);
  ner::TrainOptions options;
  options.epochs = 1;
  const ner::Model small = ner::train(few, gazetteers, options);
  std::size_t sentences = 0, differing = 0;
  for (std::size_t d = 0; d < std::min<std::size_t>(60, split().held_out.size()); ++d) {
    const std::string& text = split().held_out[d].text;
    const auto tokens = ner::tokenize(text);
    const auto hits = gazetteers.match(text, tokens);
    const std::vector<std::size_t> starts = ner::sentence_starts(text, tokens);
    for (std::size_t s = 0; s < starts.size(); ++s) {
      const std::size_t end = s + 1 < starts.size() ? starts[s + 1] : tokens.size();
      std::vector<std::uint8_t> word_only;
      const auto features = ner::extract_features(text, tokens, starts[s], end, hits, &word_only);
      BOOST_REQUIRE_EQUAL(word_only.size(), features.size());
      for (const ner::Model* model : {&*shipped, &small}) {
        const std::vector<int> cached = model->decode(features, &word_only);
        BOOST_TEST(cached == model->decode(features), boost::test_tools::per_element());
      }
      differing += shipped->decode(features, &word_only) != small.decode(features, &word_only);
      ++sentences;
    }
  }
  BOOST_TEST_MESSAGE(sentences << " sentences, " << differing << " tagged differently by the two models");
  BOOST_TEST(differing > 0u);  // else the test could not see a row of the wrong model
}

// match() stops lengthening a key once no name starts with it. A name whose leading words are no name
// themselves ("Trinité et") must still be found, longest first, and those leading words must not become
// names (nor first names) of their own.
BOOST_AUTO_TEST_CASE(gazetteer_finds_names_whose_first_words_are_no_name) {
  ner::Gazetteers g;
  g.add("Trinité et Tobago", ner::kCountry);
  g.add("Trinité", ner::kCity);
  g.add("Jean", ner::kFirstName);
  g.add("Jean Bart Port", ner::kCity);
  g.add_acronym("SNCF");
  BOOST_TEST(g.size() == 4u);
  BOOST_TEST(g.is_first_name("jean"));
  BOOST_TEST(!g.is_first_name("trinite et"));
  BOOST_TEST(!g.is_first_name("jean bart"));

  const std::string text = "Jean Bart Port et Jean Bart, Trinité et Tobago, la SNCF et la sncf.";
  const auto tokens = ner::tokenize(text);
  const auto hits = g.match(text, tokens);
  std::vector<std::string> got;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::string line(text.substr(tokens[i].start, tokens[i].end - tokens[i].start));
    for (std::uint8_t h : hits[i]) line += " " + std::to_string(h);
    got.push_back(line);
  }
  // Codes are category * 4 + part (B 0, I 1, L 2, U 3); categories: country 0, city 1, first name 2, acronym 3.
  const std::vector<std::string> expected = {
      "Jean 11 4", "Bart 5", "Port 6", "et", "Jean 11", "Bart", ",", "Trinité 7 0", "et 1", "Tobago 2",
      ",", "la", "SNCF 15", "et", "la", "sncf", "."};
  BOOST_TEST(got == expected, boost::test_tools::per_element());
}
