#define BOOST_TEST_MODULE readers_errors
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/gzip.h"
#include "gazette/readers.h"

namespace fs = std::filesystem;

namespace {

// Each test case gets a fresh directory of bad inputs written on the spot.
struct TempDir {
  TempDir() {
    path = fs::temp_directory_path() / ("gazette-readers-" + std::to_string(getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::permissions(path, fs::perms::owner_all, fs::perm_options::add, ignored);
    fs::remove_all(path, ignored);
  }
  std::string file(const std::string& name, const std::string& bytes) const {
    const fs::path target = path / name;
    fs::create_directories(target.parent_path());
    std::ofstream(target, std::ios::binary) << bytes;
    return target.string();
  }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
  fs::path path;
  static inline int counter = 0;
};

struct Result {
  std::vector<gazette::Article> articles;
  std::vector<std::string> errors;
};

Result read(const std::vector<std::string>& sources) {
  Result result;
  gazette::read_sources(
      sources, [&](gazette::Article&& article) { result.articles.push_back(std::move(article)); },
      [&](const gazette::InputError& error) { result.errors.push_back(error.to_string()); });
  return result;
}

using Strings = std::vector<std::string>;

const std::string kGoodRow = R"({"id": 1, "title": "Bon", "text": "Une ligne correcte."})";

using gazette::testing::gzip;

}  // namespace

BOOST_AUTO_TEST_CASE(text_files) {
  TempDir dir;
  const auto invalid = dir.file("a_invalid.txt", "Titre\n\nUn caf\xC3\xA9 puis \xFF ici.\n");
  const auto overlong = dir.file("b_overlong.txt", "Slash \xC0\xAF en forme trop longue");
  const auto surrogate = dir.file("c_surrogate.txt", "Un demi \xED\xA0\x80 surrogate");
  const auto binary = dir.file("d_binary.txt", std::string("GIF89a\0\0\x01", 9));
  const auto empty = dir.file("e_empty.txt", "");
  const auto blank = dir.file("f_blank.txt", " \n\n\t\n");
  const auto truncated_char = dir.file("g_cut.txt", "Fin coupée : \xC3");
  dir.file("h_good.txt", "Un article correct.");
  const Result result = read({dir.path.string()});
  BOOST_TEST(result.errors == (Strings{
                                  invalid + ":3: invalid UTF-8 at byte offset 21 (byte 0xFF); the file must be UTF-8",
                                  overlong + ":1: invalid UTF-8 at byte offset 6 (byte 0xC0); the file must be UTF-8",
                                  surrogate + ":1: invalid UTF-8 at byte offset 8 (byte 0xED); the file must be UTF-8",
                                  binary + ": binary file (NUL byte at byte offset 6): skipped",
                                  empty + ": empty file",
                                  blank + ": no text (only whitespace)",
                                  truncated_char + ":1: invalid UTF-8 at byte offset 14 (byte 0xC3); the file must be UTF-8",
                              }),
             boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(result.articles.size() == 1u);
  BOOST_TEST(result.articles[0].id == "h_good.txt");
}

BOOST_AUTO_TEST_CASE(jsonl_lines) {
  TempDir dir;
  std::string deep_html;
  for (int i = 0; i < 50000; ++i) deep_html += "<div>";
  const auto path = dir.file("feed.jsonl", kGoodRow + "\n" +                                    // 1
                                               R"({"title": "x",})" + "\n" +                   // 2
                                               "[1, 2]\n" +                                    // 3
                                               "\"juste une chaîne\"\n" +                      // 4
                                               R"({"title": "caf)" + "\xE9" + R"("})" + "\n" +  // 5: Latin-1 é
                                               R"({"id": 2, "tags": []})" + "\n" +              // 6
                                               R"({"id": 1, "title": "Doublon"})" + "\n" +      // 7
                                               std::string("{\"title\": \"nul\0\"}\n", 18) +     // 8
                                               R"({"id": 4, "text": "a\u0000b"})" + "\n" +    // 9: escaped NUL
                                               R"({"id": 5, "title": "x", "vues": 2e400})" + "\n" +  // 10
                                               R"({"id": 6, "title": "x", "text": ")" + deep_html + "\"}\n" +  // 11
                                               R"({"id": 3, "title": "Dernière ligne sans fin"})");
  const Result result = read({path});
  BOOST_TEST(result.errors ==
                 (Strings{
                     path + ":2: malformed JSON at byte 15 of the line: syntax error while parsing object key - "
                            "unexpected '}'; expected string literal",
                     path + ":3: not a JSON object (got an array): skipped",
                     path + ":4: not a JSON object (got a string): skipped",
                     path + ":5: invalid UTF-8 at byte offset 14 of the line (byte 0xE9): skipped",
                     path + ":6: row has neither a title nor a text: skipped",
                     path + ":7: duplicate id \"feed.jsonl#1\" (first at line 1): skipped",
                     path + ":8: NUL byte at byte offset 14 of the line: skipped",
                     path + ":9: the article's text holds U+0000 (a \\u0000 escape): skipped",
                     // A number past a double's range threw out of the reader (found by the jsonl fuzz target).
                     path + ":10: number overflow parsing '2e400': skipped",
                     path + ":11: HTML elements nested more than 2000 deep: skipped",
                 }),
             boost::test_tools::per_element());
  BOOST_TEST_REQUIRE(result.articles.size() == 2u);
  BOOST_TEST(result.articles[0].id == "feed.jsonl#1");
  BOOST_TEST(result.articles[1].id == "feed.jsonl#3");
  BOOST_TEST(result.articles[1].origin == path + ":12");
}

BOOST_AUTO_TEST_CASE(jsonl_files) {
  TempDir dir;
  const auto empty = dir.file("a_empty.jsonl", "");
  const auto blank = dir.file("b_blank.jsonl", "\n\n  \n");
  const auto binary = dir.file("c_binary.jsonl", std::string("\x7F" "ELF\x02\x01\x01\0\0\0\n{}\n", 14));
  const auto not_gzip = dir.file("d_not_gzip.jsonl.gz", kGoodRow + "\n");
  // A gzip stream cut in the middle: the rows before the cut are kept, the partial row is dropped.
  std::string rows;
  for (int i = 0; i < 2000; ++i)
    rows += R"({"id": )" + std::to_string(i) + R"(, "title": "Ligne )" + std::to_string(i) +
            R"(", "text": "Un texte qui varie un peu )" + std::to_string(i * 7919 % 1000) + "\"}\n";
  const std::string compressed = gzip(rows);
  const auto truncated = dir.file("e_truncated.jsonl.gz", compressed.substr(0, compressed.size() / 2));
  const auto corrupt_bytes = compressed.substr(0, 10) + std::string(200, 'x') + compressed.substr(210);
  const auto corrupt = dir.file("f_corrupt.jsonl.gz", corrupt_bytes);
  dir.file("g_good.jsonl.gz", gzip(kGoodRow + "\n"));

  const Result result = read({dir.path.string()});
  BOOST_TEST_REQUIRE(result.errors.size() == 6u);
  BOOST_TEST(result.errors[0] == empty + ": empty file");
  BOOST_TEST(result.errors[1] == blank + ": no JSON rows (only blank lines)");
  BOOST_TEST(result.errors[2] == binary + ": binary file (NUL byte at byte offset 7): skipped");
  BOOST_TEST(result.errors[3] == not_gzip + ": not a gzip file (the name ends in .gz): skipped");
  std::size_t truncated_rows = 0;
  for (const auto& article : result.articles) truncated_rows += article.id.starts_with("e_truncated");
  BOOST_TEST(truncated_rows > 100u);
  BOOST_TEST(truncated_rows < 2000u);
  BOOST_TEST(result.errors[4] == truncated + ":" + std::to_string(truncated_rows + 1) +
                                     ": truncated gzip stream (unexpected end of file); the " +
                                     std::to_string(truncated_rows) + " rows before this line were read");
  BOOST_TEST(result.errors[5].starts_with(corrupt + ":1: corrupt or unreadable stream ("));
  BOOST_TEST(result.articles.back().id == "g_good.jsonl.gz#1");
}

BOOST_AUTO_TEST_CASE(too_many_bad_lines_are_summarised) {
  TempDir dir;
  std::string lines;
  for (int i = 0; i < 120; ++i) lines += "pas du JSON\n";
  const auto path = dir.file("csv.jsonl", lines);
  const Result result = read({path});
  BOOST_TEST_REQUIRE(result.errors.size() == 51u);
  BOOST_TEST(result.errors[49].starts_with(path + ":50: malformed JSON"));
  BOOST_TEST(result.errors[50] == path + ": 70 more bad lines not reported");
  // The summary line stands for the 70 it leaves out, so that a count of failures sees all 120.
  std::uint64_t bad = 0;
  gazette::read_sources({path}, [](gazette::Article&&) {}, [&](const gazette::InputError& e) { bad += e.count; });
  BOOST_TEST(bad == 120u);
}

BOOST_AUTO_TEST_CASE(articles_over_the_size_limit) {
  TempDir dir;
  const std::string huge(21u * 1024u * 1024u, 'a');
  const auto text = dir.file("a_huge.txt", huge);
  const auto jsonl = dir.file("b_huge_line.jsonl", kGoodRow + "\n{\"title\": \"" + huge + "\"}\n" +
                                                       R"({"id": 2, "title": "Après"})" + "\n");
  const Result result = read({dir.path.string()});
  BOOST_TEST(result.errors == (Strings{
                                  text + ": larger than the 20 MB limit for one article: skipped",
                                  jsonl + ":2: line longer than the 20 MB limit for one article: skipped",
                              }),
             boost::test_tools::per_element());
  BOOST_TEST(result.articles.size() == 2u);
}

BOOST_AUTO_TEST_CASE(directories_links_and_names) {
  TempDir dir;
  dir.file("corpus/a.txt", "Premier.");
  dir.file("corpus/sub/b.txt", "Deuxième.");
  dir.file("corpus/sub/image.png", "PNG");          // not an article: silent
  dir.file("corpus/.hidden.txt", "Caché.");         // hidden: silent
  dir.file("corpus/.git/c.txt", "Caché aussi.");    // hidden directory: silent
  fs::create_directory_symlink("..", dir.path / "corpus/sub/loop");  // back to corpus
  fs::create_symlink("self", dir.path / "corpus/self");              // loops on itself
  fs::create_symlink("nowhere.txt", dir.path / "corpus/dangling.txt");
  fs::create_symlink("a.txt", dir.path / "corpus/z_alias.txt");      // same file twice: read once
  // An article's name on a named pipe or a device: reading it would block or never end.
  BOOST_TEST_REQUIRE(mkfifo((dir.path / "corpus/pipe.jsonl").c_str(), 0644) == 0);
  fs::create_symlink("/dev/zero", dir.path / "corpus/zero.txt");
  BOOST_TEST_REQUIRE(mkfifo((dir.path / "corpus/sub/pipe").c_str(), 0644) == 0);  // not an article's name: silent
  const auto unknown = dir.file("notes.docx", "PK");

  const Result result = read({dir / "corpus", unknown, dir / "missing", "/dev/null"});
  BOOST_TEST(result.errors ==
                 (Strings{
                     dir / "corpus/dangling.txt" + ": broken symbolic link or missing file",
                     dir / "corpus/pipe.jsonl" + ": a named pipe, not a regular file: skipped",
                     dir / "corpus/self" + ": symlink loop (too many levels of symbolic links)",
                     dir / "corpus/sub/loop" + ": symlink loop: this directory contains itself; not followed",
                     dir / "corpus/zero.txt" + ": a device, not a regular file: skipped",
                     unknown + ": unsupported file type (expected .txt, .jsonl, .jsonl.gz, .html or .htm)",
                     dir / "missing" + ": no such file or directory",
                     "/dev/null: a device, not a regular file or a directory",
                 }),
             boost::test_tools::per_element());
  Strings ids;
  for (const auto& article : result.articles) ids.push_back(article.id);
  BOOST_TEST(ids == (Strings{"a.txt", "sub/b.txt"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unreadable_files_and_directories) {
  if (geteuid() == 0) {
    BOOST_TEST_MESSAGE("skipped: permissions do not apply to root");
    return;
  }
  TempDir dir;
  const auto secret = dir.file("corpus/a_secret.txt", "Secret.");
  dir.file("corpus/b_locked/c.txt", "Fermé.");
  dir.file("corpus/d_open.txt", "Ouvert.");
  fs::permissions(secret, fs::perms::none);
  fs::permissions(dir.path / "corpus/b_locked", fs::perms::none);
  const Result result = read({dir / "corpus"});
  fs::permissions(dir.path / "corpus/b_locked", fs::perms::owner_all);
  BOOST_TEST(result.errors == (Strings{
                                  dir / "corpus/b_locked" + ": cannot read directory: Permission denied",
                                  secret + ": cannot open: Permission denied",
                              }),
             boost::test_tools::per_element());
  BOOST_TEST(result.articles.size() == 1u);
}
