// JSON Lines (plain or gzip), one article per row, read as a stream: the OrangeSum file is 36k rows and a feed may
// be far larger, so only one line is ever held in memory. Field names follow the usual scrapers and datasets
// (news-please, OrangeSum, schema.org); the mapping table is in docs/INPUT.md.
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gazette/readers.h"
#include "readers/reader_internals.h"

namespace gazette {
namespace {

using json = nlohmann::json;
using readers_detail::comma_separated;
using readers_detail::trim;

// One broken export can have a bad line per row; past this many, the rest are counted in one summary line.
constexpr std::uint64_t kMaxReportedLineErrors = 50;

// A string field, or WordPress's {"rendered": "…"} (its REST API gives title, content and excerpt so).
const json* string_field(const json& row, const char* name) {
  const auto found = row.find(name);
  if (found == row.end()) return nullptr;
  if (found->is_string()) return &*found;
  if (!found->is_object()) return nullptr;
  const auto rendered = found->find("rendered");
  return rendered != found->end() && rendered->is_string() ? &*rendered : nullptr;
}

std::string first_string(const json& row, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    const json* found = string_field(row, name);
    if (found == nullptr) continue;
    std::string value = trim(found->get_ref<const std::string&>());
    if (!value.empty()) return value;
  }
  return {};
}

// Feeds exported from a CMS carry HTML in their text fields (`<p>…</p>`, `&#8217;`): its text is what is
// indexed and shown, in paragraphs, or on one line for a title.
struct TooDeep {};  // thrown out of a row's fields, reported as the row's one error

std::string without_html(std::string value, bool one_line = false) {
  const readers_detail::Markup markup = readers_detail::html_markup(value, one_line);
  if (markup == readers_detail::Markup::None) return value;
  if (markup == readers_detail::Markup::Html &&
      readers_detail::element_depth(value, readers_detail::kMaxElementDepth) > readers_detail::kMaxElementDepth)
    throw TooDeep{};
  std::string text = markup == readers_detail::Markup::Html ? readers_detail::html_fragment_text(value)
                                                            : readers_detail::decode_character_references(value);
  if (one_line)
    for (std::size_t at = text.find("\n\n"); at != std::string::npos; at = text.find("\n\n", at)) text.replace(at, 2, " ");
  return text;
}

std::string row_id(const json& row) {
  const auto found = row.find("id");
  if (found == row.end()) return {};
  if (found->is_string()) return trim(found->get_ref<const std::string&>());
  if (found->is_number_unsigned()) return std::to_string(found->get<std::uint64_t>());
  if (found->is_number_integer()) return std::to_string(found->get<std::int64_t>());
  return {};
}

// A number is a Unix time, as feeds and databases export it: seconds, or milliseconds from 10^11 (in seconds,
// the year 5138), taken as a UTC day. Outside the years 1000-2999, which parse_date accepts, it is no date.
std::string unix_time_date(double value) {
  if (!std::isfinite(value)) return {};
  const double seconds = std::abs(value) >= 1e11 ? value / 1000 : value;
  if (seconds < -30610224000.0 || seconds > 32503679999.0) return {};
  const std::chrono::year_month_day day{
      std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds{std::chrono::seconds{static_cast<std::int64_t>(seconds)}})};
  char out[16];
  std::snprintf(out, sizeof out, "%04d-%02u-%02u", static_cast<int>(day.year()), static_cast<unsigned>(day.month()),
                static_cast<unsigned>(day.day()));
  return out;
}

std::string row_date(const json& row) {
  for (const char* name : {"date", "published", "date_publish", "date_published", "datePublished", "published_at"}) {
    const auto found = row.find(name);
    if (found == row.end()) continue;
    std::string date;
    if (found->is_string()) date = parse_date(found->get_ref<const std::string&>());
    else if (found->is_number()) date = unix_time_date(found->get<double>());
    if (!date.empty()) return date;
  }
  return {};
}

// Strings, arrays of strings, or arrays of {"name": …} objects (schema.org Person).
std::vector<std::string> string_list(const json& row, std::initializer_list<const char*> names, bool split_commas) {
  std::vector<std::string> values;
  const auto add = [&](const std::string& value) {
    if (std::string trimmed = trim(value); !trimmed.empty()) values.push_back(std::move(trimmed));
  };
  for (const char* name : names) {
    const auto found = row.find(name);
    if (found == row.end()) continue;
    if (found->is_string()) {
      const auto& value = found->get_ref<const std::string&>();
      if (!split_commas) {
        add(value);
      } else {
        for (std::string& item : comma_separated(value)) values.push_back(std::move(item));
      }
    } else if (found->is_array()) {
      for (const auto& item : *found) {
        if (item.is_string()) {
          add(item.get_ref<const std::string&>());
        } else if (item.is_object()) {
          if (const auto item_name = item.find("name"); item_name != item.end() && item_name->is_string())
            add(item_name->get_ref<const std::string&>());
        }
      }
    }
    if (!values.empty()) break;
  }
  return values;
}

std::string row_body(const json& row) {
  if (std::string text = first_string(row, {"text", "maintext", "body", "content"}); !text.empty())
    return without_html(std::move(text));
  const auto paragraphs = row.find("paragraphs");
  if (paragraphs == row.end() || !paragraphs->is_array()) return {};
  std::string body;
  for (const auto& paragraph : *paragraphs) {
    if (!paragraph.is_string()) continue;
    const std::string trimmed = trim(without_html(paragraph.get_ref<const std::string&>()));
    if (trimmed.empty()) continue;
    if (!body.empty()) body += "\n\n";
    body += trimmed;
  }
  return body;
}

// The standfirst is part of what the article says, so it is searchable body text, unless the body already holds
// it: OrangeSum repeats its `heading` as (the start of) the first paragraph in 27k of 36k rows.
void add_standfirst(std::string& body, const std::string& standfirst) {
  if (standfirst.empty()) return;
  if (body.empty()) {
    body = standfirst;
    return;
  }
  const std::string_view first_paragraph = std::string_view(body).substr(0, body.find("\n\n"));
  if (body.find(standfirst) != std::string::npos || std::string_view(standfirst).starts_with(first_paragraph)) return;
  body = standfirst + "\n\n" + body;
}

std::string json_error_reason(const json::parse_error& error) {
  // nlohmann's message reads "[json.exception.parse_error.101] parse error at line 1, column 7: syntax error …";
  // the line is ours to report and the column is the byte, so keep only the explanation.
  std::string_view message = error.what();
  if (const std::size_t colon = message.find(": "); colon != std::string_view::npos) message.remove_prefix(colon + 2);
  return "malformed JSON at byte " + std::to_string(error.byte) + " of the line: " + std::string(message);
}

std::string number_out_of_range_reason(const json::out_of_range& error) {
  // "[json.exception.out_of_range.406] number overflow parsing '2e555…'": the number, cut, is what helps.
  std::string_view message = error.what();
  if (const std::size_t bracket = message.find("] "); bracket != std::string_view::npos) message.remove_prefix(bracket + 2);
  std::string reason(message.substr(0, 80));
  if (message.size() > 80) reason += "…'";
  return reason + ": skipped";
}

const char* json_type_name(const json& value) {
  switch (value.type()) {
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::null: return "null";
    default: return "a number";
  }
}

// JSON may carry U+0000 as a \u0000 escape, which the raw-NUL check cannot see. No article field may hold it (it
// ends C strings and would end up in terms and snippets), and a row with one is as broken as a row with a raw NUL.
const char* field_holding_nul(const Article& article) {
  const auto holds = [](const std::string& value) { return value.find('\0') != std::string::npos; };
  const auto any_holds = [&](const std::vector<std::string>& values) { return std::ranges::any_of(values, holds); };
  if (holds(article.id)) return "id";
  if (holds(article.title)) return "title";
  if (holds(article.text)) return "text";
  if (holds(article.source)) return "source";
  if (holds(article.url)) return "url";
  if (holds(article.section)) return "section";
  if (any_holds(article.authors)) return "authors";
  if (any_holds(article.tags)) return "tags";
  return nullptr;
}

class JsonlReader {
 public:
  JsonlReader(const std::string& path, const std::string& id_prefix, const ArticleCallback& on_article,
              const InputErrorCallback& on_error, const std::function<void(std::uint64_t)>& on_input_bytes)
      : path_(path), id_prefix_(id_prefix), on_article_(on_article), on_error_(on_error),
        on_input_bytes_(on_input_bytes) {}

  void run();

 private:
  void line_error(std::uint64_t line, std::string reason) {
    if (++line_errors_ <= kMaxReportedLineErrors) on_error_({path_, line, std::move(reason)});
  }
  void handle_line(std::string_view line, std::uint64_t number);

  const std::string& path_;
  const std::string& id_prefix_;
  const ArticleCallback& on_article_;
  const InputErrorCallback& on_error_;
  const std::function<void(std::uint64_t)>& on_input_bytes_;
  std::uint64_t line_errors_ = 0;
  std::uint64_t rows_ = 0;
  std::unordered_map<std::string, std::uint64_t> first_line_of_id_;
};

void JsonlReader::handle_line(std::string_view line, std::uint64_t number) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (trim(line).empty()) return;  // blank lines separate nothing in JSON Lines; tolerate them
  if (const std::size_t nul = line.find('\0'); nul != std::string_view::npos) {
    line_error(number, "NUL byte at byte offset " + std::to_string(nul) + " of the line: skipped");
    return;
  }
  json row;
  try {
    row = json::parse(line);
  } catch (const json::parse_error& error) {
    // The parser rejects ill-formed UTF-8 too, so the separate check (a tenth of the reading time) is only run to
    // say where the bad byte is.
    if (const auto problem = readers_detail::find_invalid_utf8(line)) {
      line_error(number, "invalid UTF-8 at byte offset " + std::to_string(problem->offset) + " of the line (byte " +
                             readers_detail::hex_byte(problem->byte) + "): skipped");
    } else {
      line_error(number, json_error_reason(error));
    }
    return;
  } catch (const json::out_of_range& error) {
    // A number past a double's range (1e400) is valid JSON that nlohmann can't hold: it throws this instead
    // of a parse error (found by the jsonl fuzz target).
    line_error(number, number_out_of_range_reason(error));
    return;
  }
  if (!row.is_object()) {
    line_error(number, std::string("not a JSON object (got ") + json_type_name(row) + "): skipped");
    return;
  }

  Article article;
  article.origin = path_ + ":" + std::to_string(number);
  // A row id is only unique within its feed (OrangeSum numbers rows from 0), so it is qualified by the file; a URL
  // is global and stands alone; with neither, the line number is the only stable handle.
  if (std::string id = row_id(row); !id.empty()) {
    article.id = id_prefix_ + "#" + id;
  } else if (std::string url = first_string(row, {"url", "link"}); !url.empty()) {
    article.id = std::move(url);
  } else {
    article.id = id_prefix_ + ":" + std::to_string(number);
  }
  article.date = row_date(row);
  article.authors = string_list(row, {"author", "authors"}, false);
  article.source = first_string(row, {"publisher", "source", "source_domain", "site"});
  article.url = first_string(row, {"url", "link"});
  article.section = first_string(row, {"section"});
  article.tags = string_list(row, {"tags", "keywords"}, true);
  try {
    article.title = without_html(first_string(row, {"title", "og_title", "headline"}), true);
    article.text = row_body(row);
    add_standfirst(article.text, without_html(first_string(row, {"heading", "standfirst"})));
    // A description is usually the page's meta summary, cut from the body: use it only when there is no body
    // (OrangeSum video pages).
    if (article.text.empty()) article.text = without_html(first_string(row, {"description", "excerpt"}));
  } catch (const TooDeep&) {
    line_error(number, readers_detail::too_deep_reason());
    return;
  }

  if (article.title.empty() && article.text.empty()) {
    line_error(number, "row has neither a title nor a text: skipped");
    return;
  }
  if (const char* field = field_holding_nul(article)) {
    line_error(number, std::string("the article's ") + field + " holds U+0000 (a \\u0000 escape): skipped");
    return;
  }
  const auto [previous, inserted] = first_line_of_id_.emplace(article.id, number);
  if (!inserted) {
    line_error(number, "duplicate id \"" + article.id + "\" (first at line " + std::to_string(previous->second) +
                           "): skipped");
    return;
  }
  ++rows_;
  on_article_(std::move(article));
}

void JsonlReader::run() {
  errno = 0;
  gzFile stream = gzopen(path_.c_str(), "rb");
  if (stream == nullptr) {
    on_error_({path_, 0, std::string("cannot open: ") + (errno != 0 ? std::strerror(errno) : "out of memory")});
    return;
  }
  gzbuffer(stream, 1 << 17);
  const bool expect_gzip = readers_detail::reader_extension(path_) == ".jsonl.gz";

  std::vector<char> chunk(1 << 17);
  std::string line;
  bool line_too_long = false;
  std::uint64_t line_number = 0;
  std::uint64_t total_bytes = 0;
  std::uint64_t consumed = 0;  // of the file, told to on_input_bytes_
  bool failed = false;
  while (true) {
    const int got = gzread(stream, chunk.data(), static_cast<unsigned>(chunk.size()));
    if (got <= 0) break;
    const std::string_view data(chunk.data(), static_cast<std::size_t>(got));
    if (total_bytes == 0) {
      if (expect_gzip && gzdirect(stream) == 1) {
        on_error_({path_, 0, "not a gzip file (the name ends in .gz): skipped"});
        failed = true;
        break;
      }
      // A NUL in the first line means a binary file under a .jsonl name: one error, not one per "line". (A NUL
      // further down is one bad line, reported as such.)
      const std::string_view first_line = data.substr(0, std::min(data.find('\n'), std::size_t{4096}));
      if (const std::size_t nul = first_line.find('\0'); nul != std::string_view::npos) {
        on_error_({path_, 0, "binary file (NUL byte at byte offset " + std::to_string(nul) + "): skipped"});
        failed = true;
        break;
      }
    }
    total_bytes += data.size();
    // gzoffset is where zlib is in the file itself (compressed bytes for gzip), the measure of input_bytes.
    if (on_input_bytes_) {
      const z_off_t at = gzoffset(stream);
      if (at > 0 && static_cast<std::uint64_t>(at) > consumed) {
        on_input_bytes_(static_cast<std::uint64_t>(at) - consumed);
        consumed = static_cast<std::uint64_t>(at);
      }
    }
    std::size_t position = 0;
    while (position < data.size()) {
      const std::size_t newline = data.find('\n', position);
      const std::size_t end = newline == std::string_view::npos ? data.size() : newline;
      if (!line_too_long) {
        if (line.size() + (end - position) > readers_detail::kMaxArticleBytes) {
          line_too_long = true;
          line.clear();
          line.shrink_to_fit();
        } else {
          line.append(data.substr(position, end - position));
        }
      }
      if (newline == std::string_view::npos) break;
      ++line_number;
      if (line_too_long) {
        line_error(line_number, "line longer than the " +
                                    std::to_string(readers_detail::kMaxArticleBytes / (1024 * 1024)) +
                                    " MB limit for one article: skipped");
      } else {
        handle_line(line, line_number);
      }
      line.clear();
      line_too_long = false;
      position = newline + 1;
    }
  }

  if (!failed) {
    int status = Z_OK;
    const char* message = gzerror(stream, &status);
    if (status != Z_OK) {
      // A truncated download or a damaged archive: keep the rows already read, drop the partial last line.
      std::string what = status == Z_ERRNO ? std::strerror(errno) : message;
      if (what.starts_with(path_ + ": ")) what.erase(0, path_.size() + 2);  // zlib prefixes its messages with the path
      on_error_({path_, line_number + 1,
                 (status == Z_BUF_ERROR ? "truncated gzip stream (" : "corrupt or unreadable stream (") + what +
                     "); the " + std::to_string(rows_) + " rows before this line were read"});
      failed = true;
    }
  }
  if (!failed) {
    if (!line.empty() || line_too_long) {  // the last line may lack its newline
      ++line_number;
      if (line_too_long) {
        line_error(line_number, "line longer than the limit for one article: skipped");
      } else {
        handle_line(line, line_number);
      }
    }
    if (total_bytes == 0) {
      on_error_({path_, 0, "empty file"});
    } else if (rows_ == 0 && line_errors_ == 0) {
      on_error_({path_, 0, "no JSON rows (only blank lines)"});
    }
  }
  gzclose(stream);
  if (line_errors_ > kMaxReportedLineErrors)
    on_error_({path_, 0, std::to_string(line_errors_ - kMaxReportedLineErrors) + " more bad lines not reported",
               line_errors_ - kMaxReportedLineErrors});
}

}  // namespace

void read_jsonl_file(const std::string& path, const std::string& id_prefix, const ArticleCallback& on_article,
                     const InputErrorCallback& on_error) {
  readers_detail::read_jsonl_file(path, id_prefix, on_article, on_error, {});
}

void readers_detail::read_jsonl_file(const std::string& path, const std::string& id_prefix,
                                     const ArticleCallback& on_article, const InputErrorCallback& on_error,
                                     const std::function<void(std::uint64_t)>& on_input_bytes) {
  JsonlReader(path, id_prefix, on_article, on_error, on_input_bytes).run();
}

void read_jsonl_file(const std::string& path, const ArticleCallback& on_article, const InputErrorCallback& on_error) {
  const std::size_t slash = path.find_last_of('/');
  read_jsonl_file(path, slash == std::string::npos ? path : path.substr(slash + 1), on_article, on_error);
}

}  // namespace gazette
