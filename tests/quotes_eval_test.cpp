// The extractor against the hand-read golden files of tests/golden/quotes (the two seeds and a sample of Wikinews
// articles), scored as tools/eval_quotes scores it: a predicted quote matches a golden one when their byte spans
// overlap by at least half of the longer span, each golden quote once; speaker accuracy is over matched pairs
// (canonical names equal, both empty counts as right). Names come from the .ann files (the seeds' were read by hand,
// the Wikinews ones are WiNER-fr's gold), so the figures measure attribution, not the tagger. The thresholds sit
// just under the figures reached, so that a regression fails; raise them when the extractor improves.
#define BOOST_TEST_MODULE quotes_eval
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gazette/quotes.h"
#include "support/quote_golden.h"

namespace fs = std::filesystem;
using gazette::Mention;
using gazette::Quote;
using gazette::QuoteKind;

namespace {

const fs::path kSource = GAZETTE_SOURCE_DIR;
const fs::path kGolden = fs::path(GAZETTE_TESTS_DIR) / "golden/quotes";

std::string slurp(const fs::path& path) { return gazette::testing::read_text_file(path); }

using Golden = gazette::testing::GoldenQuote;
std::vector<Golden> read_golden(const fs::path& path, const std::string& article) {
  return gazette::testing::read_golden_quotes(path, article);
}
std::vector<Mention> read_ann(const fs::path& path, const std::string& text) {
  return gazette::testing::read_ann_mentions(path, text);
}

struct Score {
  int golden = 0, predicted = 0, matched = 0, speaker_right = 0;
  int direct = 0, direct_found = 0, direct_speaker_right = 0;
  double precision() const { return predicted ? static_cast<double>(matched) / predicted : 0; }
  double recall() const { return golden ? static_cast<double>(matched) / golden : 0; }
  double speaker() const { return matched ? static_cast<double>(speaker_right) / matched : 0; }
};

void score(const std::vector<Golden>& golden, const std::vector<Quote>& quotes, bool with_indirect, Score& s) {
  std::vector<const Quote*> predicted;
  for (const auto& q : quotes) {
    if (with_indirect || q.kind != QuoteKind::Indirect) predicted.push_back(&q);
  }
  s.golden += static_cast<int>(golden.size());
  s.predicted += static_cast<int>(predicted.size());
  std::vector<bool> used(predicted.size(), false);
  for (const auto& g : golden) {
    int best = -1;
    std::size_t best_overlap = 0;
    for (std::size_t i = 0; i < predicted.size(); ++i) {
      std::size_t lo = std::max<std::size_t>(g.start, predicted[i]->start);
      std::size_t hi = std::min<std::size_t>(g.end, predicted[i]->end);
      std::size_t longer = std::max<std::size_t>(g.end - g.start, predicted[i]->end - predicted[i]->start);
      if (!used[i] && hi > lo && (hi - lo) * 2 >= longer && hi - lo > best_overlap) {
        best = static_cast<int>(i);
        best_overlap = hi - lo;
      }
    }
    bool direct = g.kind == "direct";
    s.direct += direct;
    if (best < 0) continue;
    used[static_cast<std::size_t>(best)] = true;
    bool right = predicted[static_cast<std::size_t>(best)]->speaker == g.speaker;
    ++s.matched;
    s.speaker_right += right;
    s.direct_found += direct;
    s.direct_speaker_right += direct && right;
  }
}

Score run(const std::vector<std::pair<fs::path, fs::path>>& articles, bool with_indirect) {
  Score s;
  for (const auto& [txt, tsv] : articles) {
    std::string text = slurp(txt);
    auto golden = read_golden(tsv, text);
    auto ann = fs::path(tsv).replace_extension(".ann");
    score(golden, gazette::extract_quotes(text, read_ann(ann, text)), with_indirect, s);
  }
  return s;
}

}  // namespace

BOOST_AUTO_TEST_CASE(seeds_every_direct_quote_with_its_speaker) {
  std::vector<std::pair<fs::path, fs::path>> seeds;
  for (const char* name : {"000_b35c598148b0eacd", "003_10b113a26dc81203"})
    seeds.emplace_back(kSource / "corpus" / (std::string(name) + ".txt"), kGolden / (std::string(name) + ".tsv"));
  Score s = run(seeds, true);
  BOOST_TEST(s.golden == 43);
  BOOST_TEST(s.direct == 15);
  BOOST_TEST(s.direct_found == s.direct);
  BOOST_TEST(s.direct_speaker_right == s.direct);
  BOOST_TEST(s.precision() >= 1.0);
  BOOST_TEST(s.recall() >= 1.0);
  BOOST_TEST(s.speaker() >= 1.0);
}

BOOST_AUTO_TEST_CASE(wikinews_sample_precision_recall_speakers) {
  std::vector<std::pair<fs::path, fs::path>> articles;
  for (const auto& entry : fs::directory_iterator(kGolden / "wikinews")) {
    if (entry.path().extension() != ".tsv") continue;
    articles.emplace_back(kSource / "corpus/wikinews" / entry.path().filename().replace_extension(".txt"),
                          entry.path());
  }
  std::sort(articles.begin(), articles.end());
  BOOST_TEST(articles.size() >= 20U);
  // Wikinews golden files list quotations in marks only, so indirect predictions are left out of the score.
  Score s = run(articles, false);
  BOOST_TEST_MESSAGE("wikinews: golden " << s.golden << ", precision " << s.precision() << ", recall " << s.recall()
                                         << ", speaker " << s.speaker());
  BOOST_TEST(s.golden >= 360);
  BOOST_TEST(s.precision() >= 0.99);
  BOOST_TEST(s.recall() >= 0.99);
  BOOST_TEST(s.speaker() >= 0.86);
}
