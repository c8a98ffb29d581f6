// Measures the quotation extractor against the hand-read golden files of tests/golden/quotes (the two seeds and a
// sample of Wikinews articles) and times it on the corpus and, when present, on the OrangeSum bench file.
//
// Matching: a predicted quote matches a golden one when their byte spans overlap by at least half of the longer
// span ("overlap") or have the same text ("exact"); each golden quote is matched once. Wikinews golden files list
// only quotations in marks, so predicted indirect quotes are not scored there. Speaker accuracy is over matched
// pairs: the canonical names must be equal (both empty counts as right).
#include <zlib.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "gazette/entities.h"
#include "gazette/quotes.h"
#include "../tests/support/quote_golden.h"

namespace fs = std::filesystem;
using gazette::Mention;
using gazette::Quote;
using gazette::QuoteKind;

namespace {

using gazette::testing::read_text_file;
using Golden = gazette::testing::GoldenQuote;
std::string read_file(const fs::path& path) { return read_text_file(path); }
std::vector<Golden> read_golden(const fs::path& path, const std::string& article) {
  return gazette::testing::read_golden_quotes(path, article);
}
std::vector<Mention> read_ann(const fs::path& path, const std::string& text) {
  return gazette::testing::read_ann_mentions(path, text);
}

struct Score {
  int golden = 0, predicted = 0, matched = 0, exact = 0, speaker_right = 0, named = 0, named_right = 0, kind_right = 0;
  void add(const Score& o) {
    golden += o.golden;
    predicted += o.predicted;
    matched += o.matched;
    exact += o.exact;
    speaker_right += o.speaker_right;
    named += o.named;
    named_right += o.named_right;
    kind_right += o.kind_right;
  }
};

Score score_article(const std::string& text, const std::vector<Golden>& golden, const std::vector<Quote>& quotes,
                    bool score_indirect, bool verbose, const std::string& name) {
  Score s;
  std::vector<const Quote*> predicted;
  for (const auto& q : quotes) {
    if (score_indirect || q.kind != QuoteKind::Indirect) predicted.push_back(&q);
  }
  s.golden = static_cast<int>(golden.size());
  s.predicted = static_cast<int>(predicted.size());
  std::vector<bool> used(predicted.size(), false);
  for (const auto& g : golden) {
    int best = -1;
    std::size_t best_overlap = 0;
    for (std::size_t i = 0; i < predicted.size(); ++i) {
      if (used[i]) continue;
      std::size_t lo = std::max<std::size_t>(g.start, predicted[i]->start);
      std::size_t hi = std::min<std::size_t>(g.end, predicted[i]->end);
      std::size_t longer = std::max<std::size_t>(g.end - g.start, predicted[i]->end - predicted[i]->start);
      if (hi > lo && (hi - lo) * 2 >= longer && hi - lo > best_overlap) {
        best = static_cast<int>(i);
        best_overlap = hi - lo;
      }
    }
    if (best < 0) {
      if (verbose) std::cout << "  miss " << name << " [" << g.kind << "] " << g.text.substr(0, 70) << "\n";
      continue;
    }
    used[static_cast<std::size_t>(best)] = true;
    const Quote& q = *predicted[static_cast<std::size_t>(best)];
    ++s.matched;
    s.exact += q.text == g.text;
    s.kind_right += gazette::quote_kind_name(q.kind) == g.kind;
    bool right = q.speaker == g.speaker;
    s.speaker_right += right;
    if (!g.speaker.empty()) {
      ++s.named;
      s.named_right += right;
    }
    if (verbose && !right)
      std::cout << "  speaker " << name << " got '" << q.speaker << "' (" << q.speaker_mention << ") want '" << g.speaker
                << "': " << g.text.substr(0, 60) << "\n";
  }
  for (std::size_t i = 0; i < predicted.size() && verbose; ++i) {
    if (!used[i])
      std::cout << "  extra " << name << " [" << gazette::quote_kind_name(predicted[i]->kind) << "] "
                << predicted[i]->text.substr(0, 70) << "\n";
  }
  (void)text;
  return s;
}

void print_score(const std::string& label, const Score& s) {
  auto ratio = [](int a, int b) { return b ? static_cast<double>(a) / b : 0.0; };
  std::cout << std::fixed << std::setprecision(3) << label << ": golden " << s.golden << ", predicted " << s.predicted
            << ", precision " << ratio(s.matched, s.predicted) << ", recall " << ratio(s.matched, s.golden)
            << ", exact-span recall " << ratio(s.exact, s.golden) << ", kind " << ratio(s.kind_right, s.matched)
            << ", speaker " << ratio(s.speaker_right, s.matched) << ", named speaker " << ratio(s.named_right, s.named)
            << " (" << s.named << ")\n";
}

struct Speed {
  std::size_t articles = 0, bytes = 0, quotes = 0;
  double seconds = 0;
};

void print_speed(const std::string& label, const Speed& sp) {
  std::cout << std::fixed << std::setprecision(1) << label << ": " << sp.articles << " articles, "
            << static_cast<double>(sp.bytes) / 1e6 << " MB, " << sp.quotes << " quotes in " << std::setprecision(2)
            << sp.seconds << " s = " << std::setprecision(0) << sp.articles / sp.seconds << " articles/s, "
            << std::setprecision(2) << static_cast<double>(sp.bytes) / 1e6 / sp.seconds << " MB/s\n";
}

Speed time_extraction(const std::vector<std::string>& texts) {
  Speed sp;
  auto t0 = std::chrono::steady_clock::now();
  for (const auto& t : texts) {
    sp.quotes += gazette::extract_quotes(t, {}).size();
    sp.bytes += t.size();
    ++sp.articles;
  }
  sp.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return sp;
}

std::vector<std::string> read_orangesum(const fs::path& path, std::size_t limit) {
  std::vector<std::string> texts;
  gzFile gz = gzopen(path.string().c_str(), "rb");
  if (!gz) return texts;
  std::string line;
  char buf[1 << 16];
  while (texts.size() < limit && gzgets(gz, buf, sizeof buf)) {
    line += buf;
    if (line.empty() || line.back() != '\n') continue;
    auto row = nlohmann::json::parse(line, nullptr, false);
    line.clear();
    if (row.is_discarded() || !row.contains("paragraphs")) continue;
    std::string body;
    for (const auto& p : row["paragraphs"]) {
      if (!p.is_string()) continue;
      if (!body.empty()) body += "\n\n";
      body += p.get<std::string>();
    }
    if (!body.empty()) texts.push_back(std::move(body));
  }
  gzclose(gz);
  return texts;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Precision, recall, speaker accuracy and speed of the quotation extractor"};
  std::string source = fs::path(GAZETTE_DATA_DIR).parent_path().string();  // the data dir sits in the source tree
  std::string mentions = "ann";
  std::string orangesum = source + "/../shared/data/orangesum/orangesum-bench.jsonl.gz";
  std::size_t orangesum_limit = 5000;
  bool verbose = false;
  app.add_option("--source", source, "Gazette source tree (corpus/ and tests/golden/quotes/)");
  app.add_option("--mentions", mentions, "where speaker names come from: ann (the .ann files), tagger, none")
      ->check(CLI::IsMember({"ann", "tagger", "none"}));
  app.add_option("--orangesum", orangesum, "OrangeSum bench file for the speed figure (skipped when absent)");
  app.add_option("--orangesum-articles", orangesum_limit, "how many OrangeSum articles to time");
  app.add_flag("-v,--verbose", verbose, "list misses, extras and wrong speakers");
  std::string draft;
  app.add_option("--draft", draft,
                 "print the extractor's quotes in marks of corpus/wikinews/NAME.txt as golden-file lines, a draft to be "
                 "corrected by reading the article");
  CLI11_PARSE(app, argc, argv);

  std::unique_ptr<gazette::EntityTagger> tagger;
  if (mentions == "tagger") {
    tagger = gazette::load_default_tagger();
    if (!tagger) {
      std::cerr << "eval_quotes: no entity tagger available\n";
      return 2;
    }
  }
  const fs::path golden_dir = fs::path(source) / "tests/golden/quotes";
  auto mentions_for = [&](const std::string& text, const fs::path& ann) {
    if (mentions == "ann") return read_ann(ann, text);
    if (mentions == "tagger") return tagger->tag(text);
    return std::vector<Mention>{};
  };

  if (!draft.empty()) {
    std::string text = read_file(fs::path(source) / "corpus/wikinews" / (draft + ".txt"));
    for (const auto& q : gazette::extract_quotes(text, mentions_for(text, golden_dir / "wikinews" / (draft + ".ann")))) {
      if (q.kind == QuoteKind::Indirect) continue;
      std::string escaped;
      for (char c : q.text) escaped += c == '\n' ? std::string("\\n") : std::string(1, c);
      std::cout << gazette::quote_kind_name(q.kind) << '\t' << q.speaker << '\t' << escaped << '\n';
    }
    return 0;
  }
  Score seeds, wikinews;
  for (const auto& name : {"000_b35c598148b0eacd", "003_10b113a26dc81203"}) {
    std::string text = read_file(fs::path(source) / "corpus" / (std::string(name) + ".txt"));
    auto golden = read_golden(golden_dir / (std::string(name) + ".tsv"), text);
    auto quotes = gazette::extract_quotes(text, mentions_for(text, golden_dir / (std::string(name) + ".ann")));
    seeds.add(score_article(text, golden, quotes, true, verbose, name));
  }
  std::vector<fs::path> wikinews_golden;
  for (const auto& entry : fs::directory_iterator(golden_dir / "wikinews")) {
    if (entry.path().extension() == ".tsv") wikinews_golden.push_back(entry.path());
  }
  std::sort(wikinews_golden.begin(), wikinews_golden.end());
  for (const auto& path : wikinews_golden) {
    std::string name = path.stem().string();
    std::string text = read_file(fs::path(source) / "corpus/wikinews" / (name + ".txt"));
    auto golden = read_golden(path, text);
    auto quotes = gazette::extract_quotes(text, mentions_for(text, path.parent_path() / (name + ".ann")));
    wikinews.add(score_article(text, golden, quotes, false, verbose, name));
  }
  std::cout << "mentions from: " << mentions << "\n";
  print_score("seeds (all kinds)", seeds);
  print_score("wikinews sample, " + std::to_string(wikinews_golden.size()) + " articles (quotes in marks)", wikinews);
  Score all = seeds;
  all.add(wikinews);
  print_score("all", all);

  std::vector<std::string> corpus;
  for (const auto& dir : {fs::path(source) / "corpus", fs::path(source) / "corpus/wikinews"}) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.path().extension() == ".txt") corpus.push_back(read_file(entry.path()));
    }
  }
  time_extraction(corpus);  // warm-up: loads the verb list
  print_speed("speed corpus/ (no entities)", time_extraction(corpus));
  if (fs::exists(orangesum)) {
    auto texts = read_orangesum(orangesum, orangesum_limit);
    print_speed("speed OrangeSum (no entities)", time_extraction(texts));
  } else {
    std::cout << "speed OrangeSum: skipped, " << orangesum << " not found\n";
  }
  return 0;
}
