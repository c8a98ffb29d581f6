#define BOOST_TEST_MODULE readers_corpus
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "gazette/readers.h"

namespace {
const std::string kCorpus = std::string(GAZETTE_SOURCE_DIR) + "/corpus";
}

BOOST_AUTO_TEST_CASE(bundled_corpus) {
  std::vector<std::string> ids;
  std::vector<std::string> errors;
  gazette::read_sources(
      {kCorpus}, [&](gazette::Article&& article) { ids.push_back(article.id); },
      [&](const gazette::InputError& error) { errors.push_back(error.to_string()); });
  BOOST_TEST(errors.empty());
  BOOST_TEST_REQUIRE(ids.size() == 947u);
  BOOST_TEST(ids[0] == "000_b35c598148b0eacd.txt");
  BOOST_TEST(ids[1] == "003_10b113a26dc81203.txt");
  BOOST_TEST(ids[2] == "wikinews/2016_01_01-001.txt");
  BOOST_TEST(std::is_sorted(ids.begin(), ids.end()));
  BOOST_TEST(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
}

BOOST_AUTO_TEST_CASE(corpus_given_with_trailing_slash_and_as_a_file) {
  std::vector<std::string> ids;
  gazette::read_sources(
      {kCorpus + "/wikinews/", kCorpus + "/000_b35c598148b0eacd.txt"},
      [&](gazette::Article&& article) { ids.push_back(article.id); },
      [&](const gazette::InputError& error) { BOOST_ERROR(error.to_string()); });
  BOOST_TEST_REQUIRE(ids.size() == 946u);
  BOOST_TEST(ids.front() == "2016_01_01-001.txt");
  BOOST_TEST(ids.back() == "000_b35c598148b0eacd.txt");
}

// The throughput corpus lives outside the repository (research licence): skip when it is absent.
BOOST_AUTO_TEST_CASE(orangesum_stream) {
  const std::string path = "/work/shared/data/orangesum/orangesum-bench.jsonl.gz";
  if (!std::filesystem::exists(path)) {
    BOOST_TEST_MESSAGE("skipped: " << path << " is absent");
    return;
  }
  std::size_t rows = 0, with_date = 0, with_title = 0, empty_text = 0;
  std::uint64_t text_bytes = 0;
  std::set<std::string> ids;
  std::vector<std::string> errors;
  const auto started = std::chrono::steady_clock::now();
  gazette::read_sources(
      {path},
      [&](gazette::Article&& article) {
        ++rows;
        with_date += article.date.size() == 10;
        with_title += !article.title.empty();
        empty_text += article.text.empty();
        text_bytes += article.text.size();
        ids.insert(article.id);
      },
      [&](const gazette::InputError& error) { errors.push_back(error.to_string()); });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const double compressed_mb = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  BOOST_TEST_MESSAGE("OrangeSum: " << rows << " rows, " << errors.size() << " errors, " << with_date
                                   << " dated, " << with_title << " titled, " << empty_text << " without text, "
                                   << text_bytes / 1000000 << " MB of text in " << seconds << " s ("
                                   << compressed_mb / seconds << " MB/s compressed, "
                                   << static_cast<double>(text_bytes) / 1e6 / seconds << " MB/s of text)");
  BOOST_TEST(errors.empty());
  BOOST_TEST(rows == 36617u);
  BOOST_TEST(ids.size() == rows);
  BOOST_TEST(with_title == rows);
  BOOST_TEST(with_date == 36351u);  // 266 video pages carry no date at all
  BOOST_TEST(empty_text == 57u);    // video pages with neither body nor description
}
