// Measures the shipped entity tagger: precision, recall and F1 per type (exact spans) on the held-aside
// Wikinews split and on the Europeana Newspapers French NER file, and tagging speed on corpus/.
//
//   eval_ner [--data DIR] [--corpus DIR] [--enp FILE]
#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>

#include "entities/ner.h"

namespace ner = gazette::ner;

namespace {

void print(const std::string& title, const ner::Scores& s) {
  std::printf("%s\n  %-4s %9s %9s %9s %7s %7s\n", title.c_str(), "type", "precision", "recall", "F1", "gold",
              "found");
  const char* names[] = {"PER", "ORG", "LOC"};
  for (std::size_t t = 0; t < 3; ++t) {
    const auto& c = s.per_type[t];
    std::printf("  %-4s %9.3f %9.3f %9.3f %7zu %7zu\n", names[t], c.precision(), c.recall(), c.f1(), c.gold, c.predicted);
  }
  std::printf("  %-4s %9.3f %9.3f %9.3f %7zu %7zu\n", "all", s.overall.precision(), s.overall.recall(), s.overall.f1(),
              s.overall.gold, s.overall.predicted);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Evaluate Gazette's entity tagger");
  std::filesystem::path data_dir = GAZETTE_DATA_DIR;
  std::filesystem::path corpus_dir;
  std::filesystem::path enp = "/work/shared/data/ner-dev/enp_FR.bnf.bio";
  app.add_option("--data", data_dir, "data directory holding ner/model.bin");
  app.add_option("--corpus", corpus_dir, "corpus directory (default DATA/../corpus)");
  app.add_option("--enp", enp, "Europeana Newspapers IO file (skipped if absent)");
  CLI11_PARSE(app, argc, argv);
  if (corpus_dir.empty()) corpus_dir = data_dir / ".." / "corpus";

  try {
    auto load_start = std::chrono::steady_clock::now();
    std::string error;
    auto tagger = ner::load_tagger(data_dir, &error);
    if (!tagger) throw std::runtime_error(error);
    double load_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
    std::printf("model loaded in %.3f s\n\n", load_seconds);

    std::vector<ner::Document> all = ner::read_brat(data_dir / "ner" / "wikinews-ann", corpus_dir / "wikinews");
    std::vector<ner::Document> held_out;
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (ner::is_held_out(i)) held_out.push_back(std::move(all[i]));
    }
    print("Wikinews held-out (" + std::to_string(held_out.size()) + " articles), model only",
          ner::evaluate(*tagger, held_out, false, false));
    print("Wikinews held-out (" + std::to_string(held_out.size()) + " articles), with document-level consistency",
          ner::evaluate(*tagger, held_out, true, false));

    if (std::filesystem::exists(enp)) {
      auto documents = ner::read_io_file(enp, 400);
      print("\nEuropeana Newspapers fr (IO tags, 1906-1920 OCR; " + std::to_string(documents.size()) +
                " chunks), adjacent same-type mentions merged",
            ner::evaluate(*tagger, documents, true, true));
    } else {
      std::printf("\n(skipped Europeana Newspapers: %s absent)\n", enp.c_str());
    }

    std::vector<std::string> texts;
    std::size_t bytes = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus_dir)) {
      if (entry.path().extension() != ".txt") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      texts.emplace_back((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      bytes += texts.back().size();
    }
    auto start = std::chrono::steady_clock::now();
    std::size_t mentions = 0;
    for (const std::string& text : texts) mentions += tagger->tag(text).size();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("\nspeed: %zu articles (%.1f MB) in %.2f s: %.0f articles/s, %.2f MB/s, %zu mentions (one thread)\n",
                texts.size(), double(bytes) / 1e6, seconds, double(texts.size()) / seconds, double(bytes) / 1e6 / seconds,
                mentions);
  } catch (const std::exception& e) {
    std::cerr << "eval_ner: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
