// The quote golden files of tests/golden/quotes, read the same way by the evaluation test and by
// tools/eval_quotes: `kind <TAB> speaker <TAB> text` rows located in their article, and the BRAT `.ann`
// entity annotations that stand in for the tagger's mentions.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "gazette/entities.h"

namespace gazette::testing {

inline std::string read_text_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Where a golden quotation starts in the article: its first occurrence from `from` that follows a quote mark
// (a quoted word may also occur unquoted earlier, in the title), else its first occurrence.
inline std::size_t find_quoted(const std::string& article, const std::string& text, std::size_t from, bool marked) {
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

struct GoldenQuote {
  std::string kind, speaker, text;
  std::size_t start = 0, end = 0;  // byte span in the article
};

// kind <TAB> speaker <TAB> text, "\n" in text marking a quotation that goes on in the next paragraph. Throws
// std::runtime_error naming the file and line of a malformed row or of a text the article doesn't hold.
inline std::vector<GoldenQuote> read_golden_quotes(const std::filesystem::path& path, const std::string& article) {
  std::vector<GoldenQuote> rows;
  std::istringstream in(read_text_file(path));
  std::string line;
  std::size_t from = 0;
  int number = 0;
  auto fail = [&](const std::string& why) {
    throw std::runtime_error(path.string() + ":" + std::to_string(number) + ": " + why);
  };
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line[0] == '#') continue;
    const auto t1 = line.find('\t');
    const auto t2 = t1 == std::string::npos ? t1 : line.find('\t', t1 + 1);
    if (t2 == std::string::npos) fail("expected kind, speaker, text");
    GoldenQuote g{line.substr(0, t1), line.substr(t1 + 1, t2 - t1 - 1), {}};
    const std::string raw = line.substr(t2 + 1);
    for (std::size_t i = 0; i < raw.size(); ++i) {
      const bool newline = raw[i] == '\\' && i + 1 < raw.size() && raw[i + 1] == 'n';
      g.text += newline ? '\n' : raw[i];
      i += newline;
    }
    if (g.kind != "direct" && g.kind != "partial" && g.kind != "indirect") fail("bad kind " + g.kind);
    const std::string head = g.text.substr(0, g.text.find('\n'));
    const std::string tail = g.text.substr(g.text.rfind('\n') == std::string::npos ? 0 : g.text.rfind('\n') + 1);
    const bool marked = g.kind != "indirect";
    auto at = find_quoted(article, head, from, marked);
    if (at == std::string::npos) at = find_quoted(article, head, 0, marked);
    if (at == std::string::npos) fail("text not in the article: " + head);
    g.start = at;
    g.end = article.find(tail, at) + tail.size();
    from = at + 1;
    rows.push_back(g);
  }
  return rows;
}

// BRAT standoff annotations (character offsets) → mentions with byte offsets; none if the file is missing.
// A person's canonical name is the longest annotated name of the article that ends with the same word
// (Ouchakov → Youri Ouchakov).
inline std::vector<Mention> read_ann_mentions(const std::filesystem::path& path, const std::string& text) {
  std::vector<Mention> out;
  if (!std::filesystem::exists(path)) return out;
  std::vector<std::size_t> byte_of_char;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) byte_of_char.push_back(i);
  }
  byte_of_char.push_back(text.size());
  std::istringstream in(read_text_file(path));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string id, type;
    std::size_t from = 0, to = 0;
    if (!(fields >> id >> type >> from >> to) || from >= to || to >= byte_of_char.size()) continue;
    Mention m;
    if (type == "Person") {
      m.type = EntityType::Person;
    } else if (type == "Organization") {
      m.type = EntityType::Organisation;
    } else if (type == "Location") {
      m.type = EntityType::Place;
    } else {
      continue;
    }
    m.start = static_cast<std::uint32_t>(byte_of_char[from]);
    m.end = static_cast<std::uint32_t>(byte_of_char[to]);
    m.text = text.substr(m.start, m.end - m.start);
    out.push_back(m);
  }
  auto last_word = [](const std::string& s) {
    return s.substr(s.rfind(' ') == std::string::npos ? 0 : s.rfind(' ') + 1);
  };
  for (auto& m : out) {
    m.canonical = m.text;
    if (m.type != EntityType::Person) continue;
    for (const auto& other : out) {
      if (other.type == EntityType::Person && other.text.size() > m.canonical.size() &&
          last_word(other.text) == last_word(m.text))
        m.canonical = other.text;
    }
    m.key = m.canonical;
    for (auto& c : m.key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  std::sort(out.begin(), out.end(), [](const Mention& a, const Mention& b) { return a.start < b.start; });
  return out;
}

}  // namespace gazette::testing
