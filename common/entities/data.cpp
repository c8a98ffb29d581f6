// Gold data readers (BRAT standoff, IO-tagged token files) and exact-span scoring.
#include <algorithm>
#include <fstream>
#include <sstream>

#include "entities/ner.h"

namespace gazette::ner {
namespace {

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Byte offset of every code point index (BRAT offsets count code points), plus one past the end.
std::vector<std::uint32_t> byte_offsets_of_characters(std::string_view text) {
  std::vector<std::uint32_t> offsets;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) offsets.push_back(static_cast<std::uint32_t>(i));
  }
  offsets.push_back(static_cast<std::uint32_t>(text.size()));
  return offsets;
}

std::optional<EntityType> brat_type(std::string_view name) {
  if (name == "Person") return EntityType::Person;
  if (name == "Organization") return EntityType::Organisation;
  if (name == "Location") return EntityType::Place;
  return std::nullopt;
}

// Nested annotations ("Grande Mosquée de Valence" ⊃ "Valence") flattened to the outermost.
std::vector<GoldEntity> flatten(std::vector<GoldEntity> spans) {
  std::sort(spans.begin(), spans.end(), [](const GoldEntity& a, const GoldEntity& b) {
    return a.start != b.start ? a.start < b.start : a.end > b.end;
  });
  std::vector<GoldEntity> out;
  for (const GoldEntity& g : spans) {
    if (!out.empty() && g.start < out.back().end) continue;
    out.push_back(g);
  }
  return out;
}

}  // namespace

std::vector<Document> read_brat(const std::filesystem::path& ann_dir, const std::filesystem::path& txt_dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(ann_dir)) {
    if (entry.path().extension() == ".ann") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<Document> documents;
  for (const auto& ann : files) {
    Document doc;
    doc.name = ann.stem().string();
    doc.text = read_file(txt_dir / (doc.name + ".txt"));
    std::vector<std::uint32_t> bytes = byte_offsets_of_characters(doc.text);
    std::istringstream lines(read_file(ann));
    std::string line;
    std::vector<GoldEntity> spans;
    while (std::getline(lines, line)) {
      // T12<TAB>Person 574 591<TAB>Bernard Cazeneuve   (discontinuous spans "a b;c d" are skipped)
      if (line.empty() || line[0] != 'T') continue;
      auto tab1 = line.find('\t');
      auto tab2 = line.find('\t', tab1 + 1);
      if (tab1 == std::string::npos || tab2 == std::string::npos) continue;
      std::istringstream fields(line.substr(tab1 + 1, tab2 - tab1 - 1));
      std::string type_name, start_text, end_text;
      fields >> type_name >> start_text >> end_text;
      auto type = brat_type(type_name);
      if (!type || end_text.find(';') != std::string::npos || !fields.eof()) continue;
      std::size_t start = std::stoul(start_text), end = std::stoul(end_text);
      if (end > bytes.size() - 1 || start >= end) continue;
      spans.push_back({*type, bytes[start], bytes[end]});
    }
    doc.gold = flatten(std::move(spans));
    std::vector<Token> tokens = tokenize(doc.text);
    for (const GoldEntity& g : doc.gold) {
      bool starts = std::any_of(tokens.begin(), tokens.end(), [&](const Token& t) { return t.start == g.start; });
      bool ends = std::any_of(tokens.begin(), tokens.end(), [&](const Token& t) { return t.end == g.end; });
      if (!starts || !ends) ++doc.misaligned;
    }
    documents.push_back(std::move(doc));
  }
  return documents;
}

bool is_held_out(std::size_t index_in_sorted_order) { return index_in_sorted_order % 10 == 9; }

std::vector<Document> read_io_file(const std::filesystem::path& file, std::size_t tokens_per_doc) {
  std::istringstream lines(read_file(file));
  std::vector<Document> documents;
  Document doc;
  std::size_t count = 0;
  std::optional<GoldEntity> open;
  auto close = [&]() {
    if (open) doc.gold.push_back(*open);
    open.reset();
  };
  auto finish = [&]() {
    close();
    if (!doc.text.empty()) {
      doc.name = file.stem().string() + "#" + std::to_string(documents.size());
      documents.push_back(std::move(doc));
    }
    doc = Document();
    count = 0;
  };
  std::string line;
  while (std::getline(lines, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) {
      close();
      if (count >= tokens_per_doc) finish();
      continue;
    }
    auto space = line.rfind(' ');
    if (space == std::string::npos || space == 0) continue;
    std::string word = line.substr(0, space), label = line.substr(space + 1);
    if (!doc.text.empty()) doc.text.push_back(' ');
    auto start = static_cast<std::uint32_t>(doc.text.size());
    doc.text += word;
    auto end = static_cast<std::uint32_t>(doc.text.size());
    std::optional<EntityType> type;
    if (label.size() > 2 && (label[0] == 'I' || label[0] == 'B') && label[1] == '-') {
      std::string code = label.substr(2);
      if (code == "PER") type = EntityType::Person;
      if (code == "ORG") type = EntityType::Organisation;
      if (code == "LOC") type = EntityType::Place;
    }
    if (type && open && open->type == *type && label[0] == 'I') {
      open->end = end;
    } else {
      close();
      if (type) open = GoldEntity{*type, start, end};
    }
    if (++count >= tokens_per_doc && word == ".") finish();
  }
  finish();
  return documents;
}

std::vector<GoldEntity> merge_adjacent(std::string_view text, std::vector<GoldEntity> spans) {
  std::vector<GoldEntity> out;
  for (const GoldEntity& g : spans) {
    if (!out.empty() && out.back().type == g.type && out.back().end <= g.start) {
      std::string_view between = text.substr(out.back().end, g.start - out.back().end);
      if (between.find_first_not_of(" \t") == std::string_view::npos) {
        out.back().end = g.end;
        continue;
      }
    }
    out.push_back(g);
  }
  return out;
}

void Scores::add(const std::vector<GoldEntity>& gold, const std::vector<GoldEntity>& predicted) {
  auto same = [](const GoldEntity& a, const GoldEntity& b) {
    return a.type == b.type && a.start == b.start && a.end == b.end;
  };
  for (const GoldEntity& g : gold) {
    ++per_type[static_cast<std::size_t>(g.type)].gold;
    ++overall.gold;
  }
  for (const GoldEntity& p : predicted) {
    ++per_type[static_cast<std::size_t>(p.type)].predicted;
    ++overall.predicted;
    if (std::any_of(gold.begin(), gold.end(), [&](const GoldEntity& g) { return same(g, p); })) {
      ++per_type[static_cast<std::size_t>(p.type)].true_positives;
      ++overall.true_positives;
    }
  }
}

}  // namespace gazette::ner

namespace gazette::ner {

Scores evaluate(const Tagger& tagger, const std::vector<Document>& documents, bool document_level, bool merge) {
  Scores scores;
  for (const Document& doc : documents) {
    std::vector<Mention> mentions = document_level ? tagger.tag(doc.text) : tagger.tag_model_only(doc.text);
    std::vector<GoldEntity> predicted;
    for (const Mention& m : mentions) predicted.push_back({m.type, m.start, m.end});
    if (merge) predicted = merge_adjacent(doc.text, std::move(predicted));
    scores.add(doc.gold, predicted);
  }
  return scores;
}

}  // namespace gazette::ner
