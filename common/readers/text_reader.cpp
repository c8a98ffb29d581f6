// Plain-text articles. The text is kept byte for byte (entity offsets and the Wikinews annotations point into
// it); only title, date and body_start are derived, by the header rules documented in docs/INPUT.md.
#include <string>
#include <string_view>
#include <vector>

#include "gazette/readers.h"
#include "readers/reader_internals.h"

namespace gazette {
namespace {

using readers_detail::trim;

struct Line {
  std::size_t begin = 0;  // byte offset of the first character
  std::size_t end = 0;    // byte offset of the '\n' (or of the end of the text), '\r' excluded
  std::size_t next = 0;   // byte offset of the following line
};

std::vector<Line> first_lines(std::string_view text, std::size_t start, std::size_t count) {
  std::vector<Line> lines;
  std::size_t position = start;
  while (lines.size() < count && position < text.size()) {
    const std::size_t newline = text.find('\n', position);
    Line line;
    line.begin = position;
    line.end = newline == std::string_view::npos ? text.size() : newline;
    line.next = newline == std::string_view::npos ? text.size() : newline + 1;
    if (line.end > line.begin && text[line.end - 1] == '\r') --line.end;
    lines.push_back(line);
    position = line.next;
  }
  return lines;
}

// A title is one line; a longer first line is a paragraph (the seed articles start that way).
constexpr std::size_t kMaxTitleBytes = 300;
// Wikinews puts captions, "Sur le même sujet" boxes and links between the title and the dateline; the furthest
// dateline in the 945 corpus files is on line 13.
constexpr std::size_t kDatelineSearchLines = 20;
// What may sit between the date and " . –": an hour or a place ("1er janvier 2016, 14h30 . –",
// "27 janvier 2017, Auschwitz, Pologne . –").
constexpr std::size_t kMaxDatelineExtraBytes = 100;

// A Wikinews-style dateline: a French date at the start of the line, optionally ", <hour or place>" without a
// period, then " . –" (en or em dash). Returns the offset just after the dash, or npos.
std::size_t match_dateline(std::string_view line, std::string& date) {
  std::size_t consumed = 0;
  date = readers_detail::parse_french_date_prefix(line, consumed);
  if (date.empty()) return std::string_view::npos;
  std::string_view rest = line.substr(consumed);
  std::size_t marker = std::string_view::npos;
  std::size_t marker_length = 0;
  for (const std::string_view dash : {" . \xE2\x80\x93", " . \xE2\x80\x94"}) {  // en dash, em dash
    if (const std::size_t found = rest.find(dash); found < marker) {
      marker = found;
      marker_length = dash.size();
    }
  }
  if (marker == std::string_view::npos) return std::string_view::npos;
  const std::string_view extra = rest.substr(0, marker);
  if (!extra.empty() && (extra[0] != ',' || extra.size() > kMaxDatelineExtraBytes ||
                         extra.find('.') != std::string_view::npos))
    return std::string_view::npos;
  return consumed + marker + marker_length;
}

bool is_blank(std::string_view text) { return trim(text).empty(); }

// A generic title with no dateline: short, alone on its line, followed by a blank line, and not ending like a
// sentence (a one-line paragraph ending in a period is body text, not a title).
bool looks_like_title(std::string_view line) {
  const std::string trimmed = trim(line);
  if (trimmed.empty() || trimmed.size() > kMaxTitleBytes) return false;
  const char last = trimmed.back();
  return last != '.' && last != ',' && last != ';' && last != ':';
}

std::size_t skip_whitespace(std::string_view text, std::size_t position) {
  while (position < text.size() &&
         (text[position] == ' ' || text[position] == '\t' || text[position] == '\n' || text[position] == '\r'))
    ++position;
  return position;
}

}  // namespace

void split_text_article(Article& article) {
  article.title.clear();
  article.date.clear();
  article.body_start = 0;
  const std::string_view text = article.text;
  // A byte-order mark is not part of the title.
  const std::size_t start = text.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  const std::vector<Line> lines = first_lines(text, start, kDatelineSearchLines + 2);
  if (lines.size() < 3) return;
  const auto line_text = [&](const Line& line) { return text.substr(line.begin, line.end - line.begin); };
  const std::string title = trim(line_text(lines[0]));
  if (title.empty() || title.size() > kMaxTitleBytes || !is_blank(line_text(lines[1]))) return;

  for (std::size_t i = 2; i < lines.size(); ++i) {
    std::string date;
    const std::size_t after_dash = match_dateline(line_text(lines[i]), date);
    if (after_dash == std::string_view::npos) continue;
    article.title = title;
    article.date = std::move(date);
    // The body may continue on the dateline itself ("4 janvier 2016 . – Aujourd'hui avant l'aube, …").
    article.body_start = static_cast<std::uint32_t>(skip_whitespace(text, lines[i].begin + after_dash));
    return;
  }

  if (!looks_like_title(line_text(lines[0]))) return;
  std::size_t body = lines[1].next;
  for (std::size_t i = 2; i < lines.size() && is_blank(line_text(lines[i])); ++i) body = lines[i].next;
  body = skip_whitespace(text, body);
  if (body >= text.size()) return;  // a lone line is the whole article, not a title
  article.title = title;
  article.body_start = static_cast<std::uint32_t>(body);
}

void read_text_file(const std::string& path, const std::string& id, const ArticleCallback& on_article,
                    const InputErrorCallback& on_error, const ReadOptions& options) {
  auto content = readers_detail::read_small_file(path, on_error);
  if (!content) return;
  if (!options.text_encoding.empty()) {
    content = readers_detail::decode(path, *content, options.text_encoding, "--text-encoding gives", on_error);
    if (!content) return;
  } else if (!readers_detail::check_utf8(path, *content, on_error)) {
    return;
  }
  if (is_blank(*content)) {
    on_error({path, 0, "no text (only whitespace)"});
    return;
  }
  Article article;
  article.id = id;
  article.origin = path;
  article.text = std::move(*content);
  split_text_article(article);
  on_article(std::move(article));
}

}  // namespace gazette
