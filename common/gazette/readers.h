// Sources → Articles. Files or directories (recursive); .txt, .jsonl, .jsonl.gz, .html/.htm.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "gazette/article.h"

namespace gazette {

// One bad input: reported on one line, never fatal to the batch.
struct InputError {
  std::string file;
  std::uint64_t line = 0;  // 0 when the error is about the whole file
  std::string reason;
  // How many bad inputs this one report stands for: past its reporting limit, a JSON Lines file sums up the
  // rest in one "N more bad lines not reported", and every one of them is still a failed line.
  std::uint64_t count = 1;
  std::string to_string() const;  // "file:line: reason" or "file: reason"
};

// How the files that can't say their encoding are read: .txt files, and HTML pages that declare none.
struct ReadOptions {
  // Empty: UTF-8, checked. Otherwise an encoding ICU knows ("windows-1252", "iso-8859-15", "macintosh"),
  // for archives written before UTF-8; a Latin-1 or ASCII name means windows-1252, as for HTML labels.
  std::string text_encoding;
  // Called now and then, from the reading thread, with the bytes of input consumed since the last call, as
  // the files are stored: compressed bytes for a .jsonl.gz. Over a whole read they add up to
  // input_bytes(sources), so that the two give a progress fraction in one measure.
  std::function<void(std::uint64_t)> on_input_bytes;
};

// What read_sources will consume, in on_input_bytes' measure: the size on disk of every file it reads (each
// file once; hidden files and other extensions left out). Unreadable parts are left out, without a word.
std::uint64_t input_bytes(const std::vector<std::string>& sources);

// Whether `text_encoding` names an encoding the readers can decode.
bool known_text_encoding(const std::string& text_encoding);
inline constexpr const char* kTextEncodingHint =
    "give an encoding ICU knows, such as windows-1252 (also for latin1 and iso-8859-1), iso-8859-15 or macintosh";

using ArticleCallback = std::function<void(Article&&)>;
using InputErrorCallback = std::function<void(const InputError&)>;

// Reads every article under `sources` in a stable order (sorted paths), calling `on_article` for each and
// `on_error` for each bad file or line. Never throws for bad input.
void read_sources(const std::vector<std::string>& sources, const ArticleCallback& on_article,
                  const InputErrorCallback& on_error, const ReadOptions& options = {});

// Single-source readers, for tests and for the indexer's parallel paths. `id_root` is the directory ids are
// made relative to.
void read_text_file(const std::string& path, const std::string& id, const ArticleCallback& on_article,
                    const InputErrorCallback& on_error, const ReadOptions& options = {});
// Row ids are "<id_prefix>#<row id>"; the short form uses the file name as the prefix.
void read_jsonl_file(const std::string& path, const ArticleCallback& on_article, const InputErrorCallback& on_error);
void read_jsonl_file(const std::string& path, const std::string& id_prefix, const ArticleCallback& on_article,
                     const InputErrorCallback& on_error);
void read_html_file(const std::string& path, const std::string& id, const ArticleCallback& on_article,
                    const InputErrorCallback& on_error, const ReadOptions& options = {});

// One file, dispatched on its extension (.txt, .jsonl, .jsonl.gz, .html, .htm; case-insensitive). `id` is the
// article id for single-article files and the id prefix for JSON Lines. An unknown extension is one error.
void read_file(const std::string& path, const std::string& id, const ArticleCallback& on_article,
               const InputErrorCallback& on_error, const ReadOptions& options = {});

// Title/date/body split of a plain-text article (documented in docs/INPUT.md). Exposed for tests.
void split_text_article(Article& article);

// "26 mars 2016", "1er janvier 2016, 14h30", "2021-12-01T10:00:00Z", "12/03/2019" → "YYYY-MM-DD" (or ""), no
// guessing: an unparseable date gives "".
std::string parse_date(const std::string& text);

}  // namespace gazette
