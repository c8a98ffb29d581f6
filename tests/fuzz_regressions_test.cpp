// Replays, through the fuzz targets' own entry points and property checks (fuzz/fuzz_targets.h), every input a
// fuzzer once failed on (tests/data/fuzz-regressions/<target>/, minimised) and the committed seeds
// (fuzz/seeds/<target>/ and the two seed articles), so that a fixed crash stays fixed in the gcc and ASan builds
// without clang or libFuzzer.
#define BOOST_TEST_MODULE fuzz_regressions
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "../fuzz/fuzz_targets.h"

namespace fs = std::filesystem;

namespace {

std::string read_bytes(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<fs::path> files_in(const fs::path& dir) {
  std::vector<fs::path> files;
  if (fs::is_directory(dir)) {
    for (const auto& entry : fs::directory_iterator(dir)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Returns how many inputs were replayed.
std::size_t replay(const gazette::fuzz::Target& target) {
  const std::string name = target.name;
  std::vector<fs::path> inputs = files_in(fs::path(GAZETTE_TESTS_DIR) / "data/fuzz-regressions" / name);
  const std::vector<fs::path> seeds = files_in(fs::path(GAZETTE_SOURCE_DIR) / "fuzz/seeds" / name);
  inputs.insert(inputs.end(), seeds.begin(), seeds.end());
  if (name == "analyzer" || name == "entities" || name == "quotes" || name == "text") {
    for (const char* article : {"corpus/000_b35c598148b0eacd.txt", "corpus/003_10b113a26dc81203.txt"})
      inputs.push_back(fs::path(GAZETTE_SOURCE_DIR) / article);
  }
  for (const fs::path& input : inputs) {
    BOOST_TEST_CONTEXT(name << " target, input " << input.string()) {
      BOOST_CHECK_NO_THROW(target.run(read_bytes(input)));
    }
  }
  return inputs.size();
}

const gazette::fuzz::Target& target_named(std::string_view name) {
  for (const auto& target : gazette::fuzz::kTargets) {
    if (target.name == name) return target;
  }
  throw std::logic_error("no fuzz target named " + std::string(name));
}

}  // namespace

BOOST_AUTO_TEST_CASE(analyzer_inputs) { BOOST_TEST(replay(target_named("analyzer")) >= 6u); }
BOOST_AUTO_TEST_CASE(entities_inputs) { BOOST_TEST(replay(target_named("entities")) >= 2u); }
BOOST_AUTO_TEST_CASE(quotes_inputs) { BOOST_TEST(replay(target_named("quotes")) >= 4u); }
BOOST_AUTO_TEST_CASE(jsonl_inputs) { BOOST_TEST(replay(target_named("jsonl")) >= 2u); }
BOOST_AUTO_TEST_CASE(html_inputs) { BOOST_TEST(replay(target_named("html")) >= 1u); }
BOOST_AUTO_TEST_CASE(text_inputs) { BOOST_TEST(replay(target_named("text")) >= 10u); }

// The properties themselves must reject what they are meant to reject, or every replay above passes vacuously.
BOOST_AUTO_TEST_CASE(properties_reject_bad_values) {
  using gazette::fuzz::is_valid_date;
  using gazette::fuzz::is_valid_utf8;
  BOOST_TEST(is_valid_date(""));
  BOOST_TEST(is_valid_date("2016"));
  BOOST_TEST(is_valid_date("2016-03"));
  BOOST_TEST(is_valid_date("2016-02-29"));
  BOOST_TEST(!is_valid_date("2017-02-29"));
  BOOST_TEST(!is_valid_date("2016-13"));
  BOOST_TEST(!is_valid_date("2016-00-10"));
  BOOST_TEST(!is_valid_date("2016-3-1"));
  BOOST_TEST(!is_valid_date("26 mars 2016"));
  BOOST_TEST(is_valid_utf8("Élysée « l’Ukraine »"));
  BOOST_TEST(!is_valid_utf8("\xC3"));          // truncated sequence
  BOOST_TEST(!is_valid_utf8("\xC0\xAF"));      // overlong '/'
  BOOST_TEST(!is_valid_utf8("\xED\xA0\x80"));  // surrogate U+D800
  BOOST_TEST(!is_valid_utf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  BOOST_CHECK_THROW(gazette::fuzz::require(false, "x"), gazette::fuzz::PropertyViolation);
}

// tests/data/fuzz-regressions/quotes/multi-paragraph-quote-read-twice ("«.\n«."): a quotation whose paragraphs each
// reopen with « lies in two sentences and was read once per sentence, so it was indexed as two quotes. The same
// on real text: exactly one quote, its two paragraphs joined without the reopening mark.
BOOST_AUTO_TEST_CASE(multi_paragraph_quote_is_one_quote) {
  const std::string text =
      "« Nous sommes satisfaits du contact.\n« Nous continuerons le dialogue », a déclaré Youri Ouchakov.\n";
  for (const auto& mentions : {std::vector<gazette::Mention>{}, gazette::fuzz::default_tagger().tag(text)}) {
    const std::vector<gazette::Quote> quotes = gazette::extract_quotes(text, mentions);
    BOOST_TEST_REQUIRE(quotes.size() == 1u);
    BOOST_TEST(quotes[0].text == "Nous sommes satisfaits du contact.\nNous continuerons le dialogue");
    BOOST_TEST(quotes[0].start == 3u);
    BOOST_TEST(quotes[0].end == 70u);
    BOOST_TEST(std::string(gazette::quote_kind_name(quotes[0].kind)) == "direct");
  }
  const std::string minimised = "\xC2\xAB.\n\xC2\xAB.";
  BOOST_TEST(gazette::extract_quotes(minimised, {}).size() == 1u);
}

// tests/data/fuzz-regressions/html/numeric-reference-past-int-range ("&#xFF10FFe1"): gumbo wraps character
// references past 0x7FFFFFFF, which gave a stray 0xE1 byte (not UTF-8) or cut the rest of the paragraph; the
// HTML standard reads any reference above U+10FFFF as U+FFFD.
BOOST_AUTO_TEST_CASE(out_of_range_character_reference_is_replacement_character) {
  const gazette::fuzz::TempFile file(".page.html");
  const auto body_of = [&](const std::string& html) {
    std::vector<gazette::Article> articles;
    gazette::read_html_file(file.write(html), "page.html",
                            [&](gazette::Article&& article) { articles.push_back(std::move(article)); },
                            [](const gazette::InputError& error) { BOOST_ERROR(error.to_string()); });
    BOOST_TEST_REQUIRE(articles.size() == 1u);
    return articles.front().text;
  };
  BOOST_TEST(body_of("&#xFF10FFe1") == "\xEF\xBF\xBD");
  BOOST_TEST(body_of("<p>Le prix&#xFFFFFFFF; a doublé.</p><p>Deuxième paragraphe.</p>") ==
             "Le prix\xEF\xBF\xBD a doublé.\n\nDeuxième paragraphe.");
  BOOST_TEST(body_of("<p>Le prix&#x80000000; a doublé en 2021 &#8364;&#x110000;</p>") ==
             "Le prix\xEF\xBF\xBD a doublé en 2021 €\xEF\xBF\xBD");
  BOOST_TEST(body_of("<p>Entités valides : &#233;t&#xE9; &#x1F600; &#65 &#x; &#;</p>") ==
             "Entités valides : été 😀 A &#x; &#;");
}
