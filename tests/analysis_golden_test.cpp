// Golden files of real French sentences → tokens and words → stems, and a check over the whole corpus that
// every token's offsets slice the original text to the word as written.
//
// Golden line pairs: "< input" then "> tokens", each token rendered as the original slice, "→folded" when
// the folded form differs, "^" when capitalised, "~" when part of a hyphenated compound. Run with
// GAZETTE_UPDATE_GOLDEN=1 to rewrite the files from the current analyzer (then review the diff by hand).
#define BOOST_TEST_MODULE analysis_golden
#include <boost/test/unit_test.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unicode/utf8.h>

#include "gazette/analyzer.h"

namespace {

const std::filesystem::path kGoldenDir = std::filesystem::path(GAZETTE_TESTS_DIR) / "golden" / "analysis";

std::string render_tokens(const gazette::FrenchAnalyzer& analyzer, const std::string& text) {
  std::string out;
  for (const gazette::Token& token : analyzer.tokenize(text)) {
    if (!out.empty()) out += ' ';
    const std::string slice = text.substr(token.start, token.end - token.start);
    out += slice;
    if (slice != token.folded) out += "→" + token.folded;
    if (token.capitalised) out += '^';
    if (token.hyphen_part) out += '~';
  }
  return out;
}

std::string render_stem(const gazette::FrenchAnalyzer& analyzer, const std::string& word) {
  const std::string folded = analyzer.fold(word);
  return folded + " " + analyzer.stem(folded);
}

// Checks (or with GAZETTE_UPDATE_GOLDEN rewrites) a golden file of "< input" / "> expected" pairs; lines
// starting with '#' and blank lines are kept as they are.
template <typename Render>
void check_golden(const std::string& name, Render render) {
  const std::filesystem::path path = kGoldenDir / name;
  std::ifstream in(path);
  BOOST_TEST_REQUIRE(in.good(), "cannot read " << path);
  const bool update = std::getenv("GAZETTE_UPDATE_GOLDEN") != nullptr;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::ostringstream rewritten;
  std::size_t checked = 0;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (!lines[i].starts_with("< ")) {
      if (!lines[i].starts_with("> ")) rewritten << lines[i] << '\n';
      continue;
    }
    const std::string input = lines[i].substr(2);
    const std::string actual = render(input);
    rewritten << lines[i] << '\n' << "> " << actual << '\n';
    if (update) continue;
    BOOST_TEST_REQUIRE(i + 1 < lines.size());
    BOOST_TEST_REQUIRE(lines[i + 1].starts_with("> "), "no expectation after line " << i + 1 << " of " << name);
    BOOST_TEST_CONTEXT(name << ':' << i + 1 << ": " << input) { BOOST_TEST(actual == lines[i + 1].substr(2)); }
    ++checked;
  }
  if (update) {
    std::ofstream(path) << rewritten.str();
  } else {
    BOOST_TEST(checked > 0u);
  }
}

bool valid_utf8(const std::string& text) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(text.data());
  const auto length = static_cast<std::int32_t>(text.size());
  std::int32_t i = 0;
  while (i < length) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

}  // namespace

BOOST_AUTO_TEST_CASE(seed_sentences) {
  gazette::FrenchAnalyzer analyzer;
  check_golden("tokens.txt", [&](const std::string& input) { return render_tokens(analyzer, input); });
}

BOOST_AUTO_TEST_CASE(query_normalisation) {
  gazette::FrenchAnalyzer analyzer;
  check_golden("queries.txt", [&](const std::string& input) { return analyzer.normalize_query(input); });
}

BOOST_AUTO_TEST_CASE(stems) {
  gazette::FrenchAnalyzer analyzer;
  check_golden("stems.txt", [&](const std::string& input) { return render_stem(analyzer, input); });
}

BOOST_AUTO_TEST_CASE(every_corpus_token_slices_its_word) {
  gazette::FrenchAnalyzer analyzer;
  std::vector<std::filesystem::path> files;
  const std::filesystem::path corpus = std::filesystem::path(GAZETTE_SOURCE_DIR) / "corpus";
  for (const auto& entry : std::filesystem::recursive_directory_iterator(corpus)) {
    if (entry.is_regular_file() && entry.path().extension() == ".txt") files.push_back(entry.path());
  }
  BOOST_TEST_REQUIRE(files.size() >= 2u);
  std::size_t tokens_checked = 0;
  for (const auto& file : files) {
    std::ifstream in(file, std::ios::binary);
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::uint32_t previous_end = 0;
    for (const gazette::Token& token : analyzer.tokenize(text)) {
      BOOST_TEST_CONTEXT(file.filename() << " @" << token.start << '-' << token.end << ' ' << token.folded) {
        BOOST_TEST_REQUIRE(token.start < token.end);
        BOOST_TEST_REQUIRE(token.end <= text.size());
        BOOST_TEST(token.start >= previous_end);
        const std::string slice = text.substr(token.start, token.end - token.start);
        BOOST_TEST(valid_utf8(slice));
        BOOST_TEST(analyzer.fold(slice) == token.folded);
        BOOST_TEST(analyzer.fold(token.lower) == token.folded);
        BOOST_TEST(!token.folded.empty());
      }
      previous_end = token.end;
      ++tokens_checked;
    }
  }
  BOOST_TEST(tokens_checked > 100000u);  // 947 articles: the whole corpus was read, not an empty directory
}
