// Trains the entity tagger's model from the Wikinews gold annotations kept in the repository, and rebuilds
// the lists derived from them. Deterministic: the same data give the same files, byte for byte.
//
//   train_ner [--data DIR] [--corpus DIR] [--epochs N] [--sigles sigles.csv]
//
// Writes DIR/ner/model.bin, DIR/ner/first_names.txt, DIR/ner/known_persons.txt (and DIR/ner/acronyms.txt
// when --sigles is given). The held-aside split (every 10th article by name) is never read for training.
#include <CLI/CLI.hpp>

#include <chrono>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include "entities/ner.h"

namespace ner = gazette::ner;

namespace {

void write_lines(const std::filesystem::path& file, const std::string& header, const std::vector<std::string>& lines) {
  std::ofstream out(file, std::ios::trunc);
  out << header;
  for (const std::string& line : lines) out << line << '\n';
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

// The acronyms of the CC0 "dictionnaire des sigles": field 2 of each CSV row, kept when it looks like an
// acronym as written in running text (2 to 8 capitals or digits, at least two capitals).
std::vector<std::string> acronyms_from_sigles(const std::filesystem::path& csv) {
  std::ifstream in(csv);
  if (!in) throw std::runtime_error("cannot read " + csv.string());
  std::set<std::string> out;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    auto comma1 = line.find(',');
    auto comma2 = line.find(',', comma1 + 1);
    if (comma1 == std::string::npos || comma2 == std::string::npos) continue;
    std::string term = line.substr(comma1 + 1, comma2 - comma1 - 1);
    int capitals = 0;
    bool ok = term.size() >= 2 && term.size() <= 8;
    for (char c : term) {
      if (c >= 'A' && c <= 'Z') ++capitals;
      else if (!(c >= '0' && c <= '9') && c != '&') ok = false;
    }
    if (ok && capitals >= 2) out.insert(term);
  }
  return {out.begin(), out.end()};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("Train Gazette's entity tagger on the Wikinews annotations");
  std::filesystem::path data_dir = GAZETTE_DATA_DIR;
  std::filesystem::path corpus_dir;
  std::filesystem::path sigles;
  ner::TrainOptions options;
  app.add_option("--data", data_dir, "data directory (model and lists go to DATA/ner)");
  app.add_option("--corpus", corpus_dir, "directory of the Wikinews .txt files (default DATA/../corpus/wikinews)");
  app.add_option("--epochs", options.epochs, "training passes");
  app.add_option("--seed", options.seed, "shuffling seed");
  app.add_option("--sigles", sigles, "rebuild acronyms.txt from the dictionnaire-sigles CSV");
  bool verbose = false;
  app.add_flag("-v,--verbose", verbose, "report each epoch");
  CLI11_PARSE(app, argc, argv);
  options.verbose = verbose;
  if (corpus_dir.empty()) corpus_dir = data_dir / ".." / "corpus" / "wikinews";
  const std::filesystem::path ner_dir = data_dir / "ner";

  try {
    auto start = std::chrono::steady_clock::now();
    if (!sigles.empty()) {
      auto acronyms = acronyms_from_sigles(sigles);
      write_lines(ner_dir / "acronyms.txt",
                  "# French acronyms from ColinMaudry/dictionnaire-sigles (CC0); rebuilt by tools/train_ner --sigles\n",
                  acronyms);
      std::cerr << acronyms.size() << " acronyms\n";
    }
    std::vector<ner::Document> all = ner::read_brat(ner_dir / "wikinews-ann", corpus_dir);
    std::vector<ner::Document> training, held_out;
    for (std::size_t i = 0; i < all.size(); ++i) (ner::is_held_out(i) ? held_out : training).push_back(std::move(all[i]));
    std::size_t misaligned = 0, gold = 0;
    for (const auto& d : training) {
      misaligned += d.misaligned;
      gold += d.gold.size();
    }
    std::cerr << training.size() << " training articles (" << gold << " entities, " << misaligned
              << " not on token boundaries), " << held_out.size() << " held aside\n";

    write_lines(ner_dir / "first_names.txt",
                "# First names of persons in the Wikinews training split (CC BY 4.0 annotations); rebuilt by "
                "scripts/train-ner\n",
                ner::first_names_from(training, 2));
    write_lines(ner_dir / "known_persons.txt",
                "# Full names of persons in the Wikinews training split, for bare surnames; rebuilt by "
                "scripts/train-ner\n",
                ner::full_person_names_from(training, 2));
    ner::Gazetteers gazetteers = ner::Gazetteers::load(ner_dir);
    for (const auto& missing : gazetteers.missing()) std::cerr << "warning: gazetteer source missing: " << missing << '\n';
    std::cerr << gazetteers.size() << " gazetteer names\n";

    ner::Model model = ner::train(training, gazetteers, options);
    model.save(ner_dir / "model.bin");
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cerr << "model: " << model.feature_count() << " features, trained in " << seconds << " s\n";

    std::string error;
    auto tagger = ner::load_tagger(data_dir, &error);
    if (!tagger) throw std::runtime_error(error);
    ner::Scores scores = ner::evaluate(*tagger, held_out, true, false);
    std::cout << "held-out F1 " << scores.overall.f1() << " (P " << scores.overall.precision() << ", R "
              << scores.overall.recall() << ")\n";
  } catch (const std::exception& e) {
    std::cerr << "train_ner: " << e.what() << '\n';
    return 1;
  }
  return 0;
}
