// Shared pieces of the readers: size limit, UTF-8 checks, whole-file reads. Private to common/readers/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "gazette/readers.h"

namespace gazette::readers_detail {

// One article bigger than this is almost certainly not an article (a dump, a log, a mis-named archive);
// refusing it keeps one bad file from exhausting memory in the indexer.
inline constexpr std::size_t kMaxArticleBytes = 20u * 1024u * 1024u;

struct Utf8Problem {
  std::size_t offset = 0;  // byte offset of the first ill-formed sequence
  unsigned char byte = 0;  // the byte found there, for the message
};

// First ill-formed UTF-8 sequence (overlongs, surrogates and code points above U+10FFFF included), if any.
std::optional<Utf8Problem> find_invalid_utf8(std::string_view text);

// "0x9C" — for messages that quote a byte.
std::string hex_byte(unsigned char byte);

// Reads a whole regular file of at most kMaxArticleBytes; on failure reports one error and returns nullopt.
// Also rejects empty files and files with NUL bytes (binary), which no reader can use.
std::optional<std::string> read_small_file(const std::string& path, const InputErrorCallback& on_error);

// Checks the text is valid UTF-8, reporting "file:line: invalid UTF-8 …" otherwise.
bool check_utf8(const std::string& path, std::string_view text, const InputErrorCallback& on_error);

// Day-month-year at the start of `text` (French, optional weekday, "1er"); on success `consumed` is the number of
// bytes the date took. Used by parse_date and by the Wikinews dateline rule.
std::string parse_french_date_prefix(std::string_view text, std::size_t& consumed);

// read_jsonl_file, telling `on_input_bytes` (if set) how much of the file it has consumed as it goes: a large
// .jsonl.gz is most of a run.
void read_jsonl_file(const std::string& path, const std::string& id_prefix, const ArticleCallback& on_article,
                     const InputErrorCallback& on_error, const std::function<void(std::uint64_t)>& on_input_bytes);

// Lower-cased extension that decides the reader: ".txt", ".jsonl", ".jsonl.gz", ".html", ".htm", or "".
std::string reader_extension(const std::string& file_name);

std::string trim(std::string_view text);

// A-Z to a-z and nothing else: HTML names and encoding labels are ASCII-case-insensitive, and a byte of a
// UTF-8 sequence must stay as it is.
std::string ascii_lower(std::string_view text);

// The trimmed, non-empty items of a comma-separated list ("keywords": "Brexit, Union européenne").
std::vector<std::string> comma_separated(std::string_view list);

// The ICU converter name for an encoding label. Every Latin-1 and ASCII label is windows-1252, as the HTML
// standard decodes them.
std::string converter_name(const std::string& label);

// `bytes` converted from `encoding` to UTF-8, or nullopt after reporting why it can't be: "not valid
// <encoding>, <said_by>: skipped" or an unknown encoding. `said_by` names who chose the encoding.
std::optional<std::string> decode(const std::string& path, const std::string& bytes, const std::string& encoding,
                                  const std::string& said_by, const InputErrorCallback& on_error);

// What a field holds (a CMS's body or title): HTML, only character references ("&amp;", "&#8217;"), or
// plain text. Plain text may name a tag ("la balise <img>"): HTML is a field that starts with an element's
// tag or ends paragraphs or lines with </p> or <br>, or, for a title, holds any such tag.
enum class Markup { None, References, Html };
Markup html_markup(std::string_view text, bool title = false);

// `text` with its character references decoded and nothing else changed but whitespace runs (each
// paragraph, cut at blank lines, on one line).
std::string decode_character_references(std::string_view text);

// Gumbo's parse time grows with the depth of the tree times its size, and gumbo frees its tree, as the
// readers walk it, by recursion: 50,000 nested <div>s (550 KB) took 4 s and then overflowed the stack, and
// 500,000 ran for minutes. No real page comes near this depth.
inline constexpr std::size_t kMaxElementDepth = 2000;
inline std::string too_deep_reason() {
  return "HTML elements nested more than " + std::to_string(kMaxElementDepth) + " deep: skipped";
}

// How deep the elements of `html` nest, as a parser would build them (void elements and those whose end
// tag may be left out are not counted), stopping once past `limit`.
std::size_t element_depth(std::string_view html, std::size_t limit);

// The text of an HTML fragment, parsed by gumbo: entities decoded, scripts and styles left out, paragraphs
// cut at block elements and joined with a blank line.
std::string html_fragment_text(std::string_view html);

}  // namespace gazette::readers_detail
