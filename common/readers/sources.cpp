// Walking the sources: files and directories, recursively, in sorted order so that two runs over the same tree
// produce the same documents in the same order.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gazette/readers.h"
#include "readers/reader_internals.h"

namespace gazette {
namespace {

using FileKey = std::pair<dev_t, ino_t>;

struct FoundFile {
  std::string relative;  // the id: path relative to the directory source
  std::string path;      // the path to open and to show in messages
};

std::string stat_failure(int error) {
  if (error == ELOOP) return "symlink loop (too many levels of symbolic links)";
  if (error == ENOENT) return "broken symbolic link or missing file";
  return std::strerror(error);
}

std::string special_file(mode_t mode) {
  if (S_ISFIFO(mode)) return "a named pipe";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
  if (S_ISSOCK(mode)) return "a socket";
  return "a special file";
}

class DirectoryWalker {
 public:
  DirectoryWalker(const InputErrorCallback& on_error, std::vector<FoundFile>& found)
      : on_error_(on_error), found_(found) {}

  void walk(const std::string& directory, const std::string& relative, std::vector<FileKey>& ancestors) {
    errno = 0;
    DIR* handle = opendir(directory.c_str());
    if (handle == nullptr) {
      on_error_({directory, 0, std::string("cannot read directory: ") + std::strerror(errno)});
      return;
    }
    std::vector<std::string> names;
    while (const dirent* entry = readdir(handle)) {
      // Hidden entries (".git", editor backups, ".", "..") are not articles.
      if (entry->d_name[0] != '.') names.emplace_back(entry->d_name);
    }
    closedir(handle);
    std::sort(names.begin(), names.end());
    for (const std::string& name : names) {
      const std::string path = directory + "/" + name;
      const std::string child_relative = relative.empty() ? name : relative + "/" + name;
      struct stat status {};
      if (stat(path.c_str(), &status) != 0) {
        on_error_({path, 0, stat_failure(errno)});
        continue;
      }
      if (S_ISDIR(status.st_mode)) {
        const FileKey key{status.st_dev, status.st_ino};
        // A symbolic link back to a directory being walked would recurse forever.
        if (std::find(ancestors.begin(), ancestors.end(), key) != ancestors.end()) {
          on_error_({path, 0, "symlink loop: this directory contains itself; not followed"});
          continue;
        }
        ancestors.push_back(key);
        walk(path, child_relative, ancestors);
        ancestors.pop_back();
      } else if (!readers_detail::reader_extension(name).empty()) {
        // A named pipe would block the run forever and a device never ends, so an article's name on
        // anything but a regular file is reported and skipped, not read.
        if (S_ISREG(status.st_mode)) found_.push_back({child_relative, path});
        else on_error_({path, 0, special_file(status.st_mode) + ", not a regular file: skipped"});
      }
      // Other files (images, .ann annotations) are not articles: skipped without a word.
    }
  }

 private:
  const InputErrorCallback& on_error_;
  std::vector<FoundFile>& found_;
};

std::string without_trailing_slashes(std::string path) {
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

std::string file_name(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

void read_file(const std::string& path, const std::string& id, const ArticleCallback& on_article,
               const InputErrorCallback& on_error, const ReadOptions& options) {
  const std::string extension = readers_detail::reader_extension(file_name(path));
  if (extension == ".txt") {
    read_text_file(path, id, on_article, on_error, options);
  } else if (extension == ".jsonl" || extension == ".jsonl.gz") {
    readers_detail::read_jsonl_file(path, id, on_article, on_error, options.on_input_bytes);
  } else if (extension == ".html" || extension == ".htm") {
    read_html_file(path, id, on_article, on_error, options);
  } else {
    on_error({path, 0, "unsupported file type (expected .txt, .jsonl, .jsonl.gz, .html or .htm)"});
  }
}

namespace {

// The files of one source, in reading order (ids as `relative`), or none after reporting why.
std::vector<FoundFile> files_of(const std::string& source, const InputErrorCallback& on_error) {
  struct stat status {};
  if (stat(source.c_str(), &status) != 0) {
    on_error({source, 0, errno == ENOENT ? "no such file or directory" : stat_failure(errno)});
    return {};
  }
  if (S_ISDIR(status.st_mode)) {
    std::vector<FoundFile> found;
    std::vector<FileKey> ancestors{{status.st_dev, status.st_ino}};
    DirectoryWalker(on_error, found).walk(source, "", ancestors);
    // Sorting whole relative paths (not names per directory) gives exactly "sorted paths".
    std::sort(found.begin(), found.end(), [](const FoundFile& a, const FoundFile& b) { return a.relative < b.relative; });
    return found;
  }
  if (S_ISREG(status.st_mode)) return {{file_name(source), source}};
  on_error({source, 0, special_file(status.st_mode) + ", not a regular file or a directory"});
  return {};
}

}  // namespace

void read_sources(const std::vector<std::string>& sources, const ArticleCallback& on_article,
                  const InputErrorCallback& on_error, const ReadOptions& options) {
  // The same file reached twice (overlapping sources, a symbolic link inside the tree) is read once.
  std::set<FileKey> files_read;
  std::uint64_t told = 0;  // of the file being read, to on_input_bytes
  ReadOptions per_file = options;
  if (options.on_input_bytes)
    per_file.on_input_bytes = [&](std::uint64_t bytes) {
      told += bytes;
      options.on_input_bytes(bytes);
    };
  for (const std::string& given : sources) {
    for (const FoundFile& file : files_of(without_trailing_slashes(given), on_error)) {
      struct stat status {};
      const bool known = stat(file.path.c_str(), &status) == 0;
      if (known && !files_read.insert({status.st_dev, status.st_ino}).second) continue;
      told = 0;
      read_file(file.path, file.relative, on_article, on_error, per_file);
      // A file read whole, or given up on, is consumed: what its reader did not tell, input_bytes counted.
      const auto size = known ? static_cast<std::uint64_t>(status.st_size) : 0;
      if (options.on_input_bytes && size > told) options.on_input_bytes(size - told);
    }
  }
}

std::uint64_t input_bytes(const std::vector<std::string>& sources) {
  std::set<FileKey> counted;
  std::uint64_t total = 0;
  const InputErrorCallback ignore = [](const InputError&) {};
  for (const std::string& given : sources)
    for (const FoundFile& file : files_of(without_trailing_slashes(given), ignore)) {
      struct stat status {};
      if (stat(file.path.c_str(), &status) == 0 && counted.insert({status.st_dev, status.st_ino}).second)
        total += static_cast<std::uint64_t>(status.st_size);
    }
  return total;
}

}  // namespace gazette
