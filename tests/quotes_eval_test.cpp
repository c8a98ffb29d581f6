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

namespace fs = std::filesystem;
using gazette::Mention;
using gazette::Quote;
using gazette::QuoteKind;

namespace {

const fs::path kSource = GAZETTE_SOURCE_DIR;
const fs::path kGolden = fs::path(GAZETTE_TESTS_DIR) / "golden/quotes";

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  BOOST_TEST_REQUIRE(static_cast<bool>(in), "cannot read " << path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Where a golden quotation starts in the article: its first occurrence from `from` that follows a quote mark
// (a quoted word may also occur unquoted earlier, in the title), else its first occurrence.
std::size_t find_quoted(const std::string& article, const std::string& text, std::size_t from, bool marked) {
  static const std::string kMarks[] = {"«", "»", "\"", "“", "”", "‹", "„", "'", "’"};  // » too: a seed has d' »agression »
  for (std::size_t at = article.find(text, from); marked && at != std::string::npos; at = article.find(text, at + 1)) {
    std::size_t b = at;
    while (b > 0 && (article[b - 1] == ' ' || article.compare(b >= 2 ? b - 2 : 0, 2, "\xC2\xA0") == 0 ||
                     article.compare(b >= 3 ? b - 3 : 0, 3, "\xE2\x80\xAF") == 0)) {
      b -= article[b - 1] == ' ' ? 1 : (article[b - 1] == '\xA0' ? 2 : 3);
    }
    for (const auto& mark : kMarks) {
      if (b >= mark.size() && article.compare(b - mark.size(), mark.size(), mark) == 0) return at;
    }
  }
  return article.find(text, from);
}

struct Golden {
  std::string kind, speaker, text;
  std::size_t start = 0, end = 0;
};

// kind <TAB> speaker <TAB> text, "\n" in text marking a quotation that goes on in the next paragraph.
std::vector<Golden> read_golden(const fs::path& path, const std::string& article) {
  std::vector<Golden> rows;
  std::istringstream in(slurp(path));
  std::string line;
  std::size_t from = 0;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    auto t1 = line.find('\t');
    auto t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    BOOST_TEST_REQUIRE(t2 != std::string::npos, path.filename() << ":" << number << ": expected kind, speaker, text");
    Golden g{line.substr(0, t1), line.substr(t1 + 1, t2 - t1 - 1), {}};
    std::string raw = line.substr(t2 + 1);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      bool newline = raw[i] == '\\' && i + 1 < raw.size() && raw[i + 1] == 'n';
      g.text += newline ? '\n' : raw[i];
      i += newline;
    }
    BOOST_TEST_REQUIRE((g.kind == "direct" || g.kind == "partial" || g.kind == "indirect"),
                       path.filename() << ":" << number << ": bad kind " << g.kind);
    std::string head = g.text.substr(0, g.text.find('\n'));
    std::string tail = g.text.substr(g.text.rfind('\n') == std::string::npos ? 0 : g.text.rfind('\n') + 1);
    bool marked = g.kind != "indirect";
    auto at = find_quoted(article, head, from, marked);
    if (at == std::string::npos) at = find_quoted(article, head, 0, marked);
    BOOST_TEST_REQUIRE(at != std::string::npos, path.filename() << ":" << number << ": text not in the article");
    g.start = at;
    g.end = article.find(tail, at) + tail.size();
    from = at + 1;
    rows.push_back(g);
  }
  return rows;
}

// BRAT standoff (character offsets) → Person/Organization/Location mentions in bytes. A person's canonical name is
// the longest annotated name of the article with the same last word (Ouchakov → Youri Ouchakov).
std::vector<Mention> read_ann(const fs::path& path, const std::string& text) {
  std::vector<std::size_t> byte_of_char;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) byte_of_char.push_back(i);
  }
  byte_of_char.push_back(text.size());
  std::vector<Mention> out;
  std::istringstream in(slurp(path));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, type;
    std::size_t from = 0, to = 0;
    if (!(fields >> id >> type >> from >> to) || from >= to || to >= byte_of_char.size()) continue;
    Mention m;
    if (type == "Person") {
      m.type = gazette::EntityType::Person;
    } else if (type == "Organization") {
      m.type = gazette::EntityType::Organisation;
    } else if (type == "Location") {
      m.type = gazette::EntityType::Place;
    } else {
      continue;
    }
    m.start = static_cast<std::uint32_t>(byte_of_char[from]);
    m.end = static_cast<std::uint32_t>(byte_of_char[to]);
    m.text = text.substr(m.start, m.end - m.start);
    out.push_back(m);
  }
  auto last_word = [](const std::string& s) { return s.substr(s.rfind(' ') == std::string::npos ? 0 : s.rfind(' ') + 1); };
  for (auto& m : out) {
    m.canonical = m.text;
    if (m.type != gazette::EntityType::Person) continue;
    for (const auto& other : out) {
      if (other.type == gazette::EntityType::Person && other.text.size() > m.canonical.size() &&
          last_word(other.text) == last_word(m.text))
        m.canonical = other.text;
    }
    m.key = m.canonical;
    for (auto& c : m.key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::sort(out.begin(), out.end(), [](const Mention& a, const Mention& b) { return a.start < b.start; });
  return out;
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
