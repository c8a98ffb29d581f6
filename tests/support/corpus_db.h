// A database of the bundled corpus, built once per test program with the real gazette-index binary.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

namespace gazette::testing {

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Runs a command line, returns its exit status (not the raw wait status).
inline int run_command(const std::string& command) {
  const int status = std::system(command.c_str());
  if (status == -1) throw std::runtime_error("cannot run: " + command);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

inline std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

inline void write_file(const std::filesystem::path& p, const std::string& bytes) {
  std::filesystem::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << bytes;
}

inline std::filesystem::path make_temp_dir(const std::string& stem) {
  std::string pattern = (std::filesystem::temp_directory_path() / (stem + "-XXXXXX")).string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  return pattern;
}

class CorpusDb {
 public:
  CorpusDb() : dir_(make_temp_dir("gazette-test")), db_(dir_ / "corpus.db") {
    const std::string cmd = std::string(GAZETTE_INDEX_BIN) + " -q --db " + shell_quote(db_.string()) + " " +
                            shell_quote(std::string(GAZETTE_SOURCE_DIR) + "/corpus");
    if (run_command(cmd) != 0) throw std::runtime_error("indexing the corpus failed: " + cmd);
  }
  ~CorpusDb() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  const std::filesystem::path& dir() const { return dir_; }
  std::string path() const { return db_.string(); }

 private:
  std::filesystem::path dir_;
  std::filesystem::path db_;
};

}  // namespace gazette::testing
