// Saved news pages. Metadata comes from the Open Graph and article meta tags that publishers fill for social
// networks (more reliable than the visible layout); the body is the text of the <p> elements of the article,
// away from navigation, asides and scripts.
#include <gumbo.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "gazette/readers.h"
#include "readers/reader_internals.h"

namespace gazette {
namespace {

using readers_detail::ascii_lower;
using readers_detail::comma_separated;
using readers_detail::trim;

struct GumboDeleter {
  void operator()(GumboOutput* output) const { gumbo_destroy_output(&kGumboDefaultOptions, output); }
};

const char* attribute(const GumboElement& element, const char* name) {
  const GumboAttribute* found = gumbo_get_attribute(&element.attributes, name);
  return found == nullptr ? nullptr : found->value;
}

bool is_skipped_container(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_NAV:
    case GUMBO_TAG_HEADER:
    case GUMBO_TAG_FOOTER:
    case GUMBO_TAG_ASIDE:
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_STYLE:
    case GUMBO_TAG_FORM:
    case GUMBO_TAG_NOSCRIPT:
    case GUMBO_TAG_TEMPLATE:
      return true;
    default:
      return false;
  }
}

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Text of a subtree with runs of HTML whitespace collapsed to one space (no-break spaces are kept: French
// typography puts them before « : ; ? ! »). Gumbo has already decoded the entities.
void collect_text(const GumboNode& node, std::string& out) {
  if (node.type == GUMBO_NODE_TEXT || node.type == GUMBO_NODE_WHITESPACE || node.type == GUMBO_NODE_CDATA) {
    for (const char* c = node.v.text.text; *c != '\0'; ++c) {
      if (is_ascii_space(*c)) {
        if (!out.empty() && out.back() != ' ') out += ' ';
      } else {
        out += *c;
      }
    }
    return;
  }
  if (node.type != GUMBO_NODE_ELEMENT) return;
  const GumboElement& element = node.v.element;
  if (is_skipped_container(element.tag)) return;
  if (element.tag == GUMBO_TAG_BR && !out.empty() && out.back() != ' ') out += ' ';
  for (unsigned i = 0; i < element.children.length; ++i)
    collect_text(*static_cast<const GumboNode*>(element.children.data[i]), out);
}

struct PageFacts {
  std::string og_title, title_element, published_time, time_datetime, item_date_published, author, site_name, url,
      section;
  std::vector<std::string> tags;
  // From the page's schema.org JSON-LD (`<script type="application/ld+json">`), which many news sites fill
  // instead of, or beside, the Open Graph tags; used where those say nothing.
  struct {
    bool found = false;
    std::string headline, date, publisher, url, section, body;
    std::vector<std::string> authors, keywords;
  } linked_data;
  const GumboNode* article = nullptr;
  const GumboNode* main = nullptr;
  const GumboNode* body = nullptr;
};

using json = nlohmann::json;

std::string json_text(const json& value) {
  return value.is_string() ? trim(value.get_ref<const std::string&>()) : std::string();
}

// A string, a {"name": …} object (schema.org Person, Organization), or the first such of an array.
std::vector<std::string> json_names(const json& value) {
  std::vector<std::string> names;
  const auto add = [&](const json& item) {
    std::string name = item.is_object() && item.contains("name") ? json_text(item["name"]) : json_text(item);
    if (!name.empty()) names.push_back(std::move(name));
  };
  if (value.is_array()) {
    for (const json& item : value) add(item);
  } else {
    add(value);
  }
  return names;
}

bool is_article_type(const json& type) {
  const auto news = [](const json& t) {
    if (!t.is_string()) return false;
    const std::string_view name = t.get_ref<const std::string&>();
    return name.ends_with("Article") || name == "BlogPosting" || name == "LiveBlogPosting" || name == "Report";
  };
  return type.is_array() ? std::any_of(type.begin(), type.end(), news) : news(type);
}

// The first article object of a JSON-LD block: at its top, in an array, or in an "@graph".
// Looked for a few levels down only: real blocks nest an array or two, and "[[[[…" a million deep would
// otherwise overflow the stack.
const json* find_article(const json& value, int depth = 0) {
  if (depth > 8) return nullptr;
  if (value.is_array()) {
    for (const json& item : value)
      if (const json* found = find_article(item, depth + 1)) return found;
    return nullptr;
  }
  if (!value.is_object()) return nullptr;
  if (const auto type = value.find("@type"); type != value.end() && is_article_type(*type)) return &value;
  if (const auto graph = value.find("@graph"); graph != value.end()) return find_article(*graph, depth + 1);
  return nullptr;
}

void read_linked_data(const GumboNode& script, PageFacts& facts) {
  if (facts.linked_data.found) return;
  std::string text;
  for (unsigned i = 0; i < script.v.element.children.length; ++i) {
    const GumboNode& child = *static_cast<const GumboNode*>(script.v.element.children.data[i]);
    if (child.type == GUMBO_NODE_TEXT || child.type == GUMBO_NODE_WHITESPACE || child.type == GUMBO_NODE_CDATA)
      text += child.v.text.text;
  }
  // A broken block is the page's problem, not the reader's: the rest of the page still says enough.
  const json parsed = json::parse(text, nullptr, false);
  const json* article = parsed.is_discarded() ? nullptr : find_article(parsed);
  if (article == nullptr) return;
  auto& ld = facts.linked_data;
  ld.found = true;
  const auto field = [&](const char* name) -> const json& {
    static const json kNull;
    const auto found = article->find(name);
    return found == article->end() ? kNull : *found;
  };
  ld.headline = json_text(field("headline"));
  if (ld.headline.empty()) ld.headline = json_text(field("name"));
  ld.date = json_text(field("datePublished"));
  ld.authors = json_names(field("author"));
  if (auto publisher = json_names(field("publisher")); !publisher.empty()) ld.publisher = publisher.front();
  ld.url = json_text(field("url"));
  const json& page = field("mainEntityOfPage");
  if (ld.url.empty()) ld.url = page.is_object() && page.contains("@id") ? json_text(page["@id"]) : json_text(page);
  if (auto sections = json_names(field("articleSection")); !sections.empty()) ld.section = sections.front();
  const json& keywords = field("keywords");
  ld.keywords = keywords.is_string() ? comma_separated(keywords.get_ref<const std::string&>()) : json_names(keywords);
  // The whole text, for pages whose paragraphs a script draws: one paragraph per line.
  const std::string body = json_text(field("articleBody"));
  for (std::size_t start = 0; start < body.size();) {
    const std::size_t end = std::min(body.find('\n', start), body.size());
    if (std::string line = trim(std::string_view(body).substr(start, end - start)); !line.empty())
      ld.body += (ld.body.empty() ? "" : "\n\n") + line;
    start = end + 1;
  }
}

void gather(const GumboNode& node, PageFacts& facts) {
  if (node.type != GUMBO_NODE_ELEMENT) return;
  const GumboElement& element = node.v.element;
  switch (element.tag) {
    case GUMBO_TAG_META: {
      const char* content = attribute(element, "content");
      if (content == nullptr) break;
      const char* property = attribute(element, "property");
      const char* name = attribute(element, "name");
      const char* itemprop = attribute(element, "itemprop");
      const std::string_view key = property != nullptr ? property : (name != nullptr ? name : "");
      const auto set_once = [&](std::string& field) {
        if (field.empty()) field = trim(content);
      };
      if (key == "og:title") set_once(facts.og_title);
      if (key == "article:published_time") set_once(facts.published_time);
      if (key == "author") set_once(facts.author);
      if (key == "og:site_name") set_once(facts.site_name);
      if (key == "og:url") set_once(facts.url);
      if (key == "article:section") set_once(facts.section);
      if (key == "article:tag" && !trim(content).empty()) facts.tags.push_back(trim(content));
      if (itemprop != nullptr && std::strcmp(itemprop, "datePublished") == 0) set_once(facts.item_date_published);
      break;
    }
    case GUMBO_TAG_SCRIPT:
      if (const char* type = attribute(element, "type"); type != nullptr && trim(type) == "application/ld+json")
        read_linked_data(node, facts);
      break;
    case GUMBO_TAG_TITLE:
      if (facts.title_element.empty()) {
        std::string text;
        collect_text(node, text);
        facts.title_element = trim(text);
      }
      break;
    case GUMBO_TAG_TIME:
      if (const char* datetime = attribute(element, "datetime"); datetime != nullptr && facts.time_datetime.empty())
        facts.time_datetime = trim(datetime);
      break;
    case GUMBO_TAG_ARTICLE:
      if (facts.article == nullptr) facts.article = &node;
      break;
    case GUMBO_TAG_MAIN:
      if (facts.main == nullptr) facts.main = &node;
      break;
    case GUMBO_TAG_BODY:
      if (facts.body == nullptr) facts.body = &node;
      break;
    default:
      break;
  }
  for (unsigned i = 0; i < element.children.length; ++i)
    gather(*static_cast<const GumboNode*>(element.children.data[i]), facts);
}

void collect_paragraphs(const GumboNode& node, std::vector<std::string>& paragraphs) {
  if (node.type != GUMBO_NODE_ELEMENT) return;
  const GumboElement& element = node.v.element;
  if (is_skipped_container(element.tag)) return;
  if (element.tag == GUMBO_TAG_P) {
    std::string text;
    collect_text(node, text);
    if (std::string trimmed = trim(text); !trimmed.empty()) paragraphs.push_back(std::move(trimmed));
    return;
  }
  for (unsigned i = 0; i < element.children.length; ++i)
    collect_paragraphs(*static_cast<const GumboNode*>(element.children.data[i]), paragraphs);
}

std::string join_paragraphs(const std::vector<std::string>& paragraphs) {
  std::string joined;
  for (const std::string& paragraph : paragraphs) {
    if (!joined.empty()) joined += "\n\n";
    joined += paragraph;
  }
  return joined;
}

// Gumbo 0.10 sums the digits of a numeric character reference in an int: past 0x7FFFFFFF it wraps, and the
// reference then silently ends its text node ("&#xFFFFFFFF;" drops the rest of the paragraph) or becomes a stray
// byte that is not UTF-8 ("&#xFF10FFe1"). The HTML standard decodes every reference above U+10FFFF to U+FFFD, so
// such references are rewritten as &#xFFFD; before parsing (found by the fuzz html target; docs/fuzzing.md).
std::string replace_out_of_range_references(std::string html) {
  std::string out;
  std::size_t copied = 0;
  for (std::size_t amp = html.find("&#"); amp != std::string::npos; amp = html.find("&#", amp + 2)) {
    std::size_t i = amp + 2;
    const bool hex = i < html.size() && (html[i] == 'x' || html[i] == 'X');
    if (hex) ++i;
    const std::size_t digits_start = i;
    std::uint32_t value = 0;
    for (; i < html.size(); ++i) {
      const char c = html[i];
      int digit = -1;
      if (c >= '0' && c <= '9') digit = c - '0';
      if (hex && c >= 'a' && c <= 'f') digit = c - 'a' + 10;
      if (hex && c >= 'A' && c <= 'F') digit = c - 'A' + 10;
      if (digit < 0) break;
      value = std::min<std::uint32_t>(value * (hex ? 16 : 10) + static_cast<std::uint32_t>(digit), 0x110000);
    }
    if (i == digits_start || value <= 0x10FFFF) continue;
    if (i < html.size() && html[i] == ';') ++i;
    out.append(html, copied, amp - copied);
    out += "&#xFFFD;";
    copied = i;
  }
  if (copied == 0) return html;
  out.append(html, copied, std::string::npos);
  return out;
}

// The encoding a page declares, as the HTML standard's prescan finds it: a UTF-8 byte order mark, else the
// first `charset=` of a <meta> element (`<meta charset>` or the http-equiv Content-Type) in the first 1,024
// bytes. Lower case; empty when nothing is declared.
std::string declared_encoding(std::string_view html) {
  if (html.starts_with("\xEF\xBB\xBF")) return "utf-8";
  const std::string head = ascii_lower(html.substr(0, 1024));
  for (std::size_t meta = head.find("<meta"); meta != std::string::npos; meta = head.find("<meta", meta + 5)) {
    const std::string_view tag = std::string_view(head).substr(meta, head.find('>', meta) - meta);
    for (std::size_t at = tag.find("charset"); at != std::string_view::npos; at = tag.find("charset", at + 7)) {
      std::size_t i = at + 7;
      while (i < tag.size() && is_ascii_space(tag[i])) ++i;
      if (i == tag.size() || tag[i] != '=') continue;
      ++i;
      while (i < tag.size() && (is_ascii_space(tag[i]) || tag[i] == '"' || tag[i] == '\'')) ++i;
      const std::size_t end = tag.find_first_of("\"' \t\n\r\f;/", i);
      if (std::string label(tag.substr(i, end == std::string_view::npos ? std::string_view::npos : end - i));
          !label.empty())
        return label;
    }
  }
  return {};
}

bool is_utf8_label(const std::string& label) {
  // A page that says UTF-16 in a <meta> has been read as bytes, so it is not UTF-16: the standard reads it as
  // UTF-8.
  return label == "utf-8" || label == "utf8" || label == "unicode-1-1-utf-8" || label.starts_with("utf-16");
}

bool is_block(GumboTag tag) {
  switch (tag) {
    case GUMBO_TAG_P: case GUMBO_TAG_DIV: case GUMBO_TAG_H1: case GUMBO_TAG_H2: case GUMBO_TAG_H3:
    case GUMBO_TAG_H4: case GUMBO_TAG_H5: case GUMBO_TAG_H6: case GUMBO_TAG_LI: case GUMBO_TAG_UL:
    case GUMBO_TAG_OL: case GUMBO_TAG_BLOCKQUOTE: case GUMBO_TAG_PRE: case GUMBO_TAG_TABLE: case GUMBO_TAG_TR:
    case GUMBO_TAG_SECTION: case GUMBO_TAG_ARTICLE: case GUMBO_TAG_FIGURE: case GUMBO_TAG_FIGCAPTION:
    case GUMBO_TAG_DL: case GUMBO_TAG_DT: case GUMBO_TAG_DD: case GUMBO_TAG_HR: case GUMBO_TAG_MAIN:
    case GUMBO_TAG_ADDRESS: case GUMBO_TAG_CENTER:
      return true;
    default:
      return false;
  }
}

// A body field is all content (no page around it), so every text counts, cut into paragraphs at block
// elements; a page's own reader keeps only its <p>s, to leave the layout out.
void collect_blocks(const GumboNode& node, std::string& current, std::vector<std::string>& paragraphs) {
  const auto end_paragraph = [&] {
    if (std::string trimmed = trim(current); !trimmed.empty()) paragraphs.push_back(std::move(trimmed));
    current.clear();
  };
  if (node.type != GUMBO_NODE_ELEMENT) {
    collect_text(node, current);
    return;
  }
  const GumboElement& element = node.v.element;
  if (is_skipped_container(element.tag)) return;
  if (element.tag == GUMBO_TAG_BR) {
    collect_text(node, current);
    return;
  }
  const bool block = is_block(element.tag);
  if (block) end_paragraph();
  for (unsigned i = 0; i < element.children.length; ++i)
    collect_blocks(*static_cast<const GumboNode*>(element.children.data[i]), current, paragraphs);
  if (block) end_paragraph();
}

}  // namespace

namespace readers_detail {

namespace {

// A character reference: "&#8217;", "&#x2019;", or a named one ("&amp;", "&eacute;"), as WordPress writes
// its titles.
bool is_character_reference(std::string_view text, std::size_t amp) {
  std::size_t i = amp + 1;
  const bool numeric = i < text.size() && text[i] == '#';
  if (numeric) ++i;
  const bool hex = numeric && i < text.size() && (text[i] == 'x' || text[i] == 'X');
  if (hex) ++i;
  const std::size_t start = i;
  const auto in_name = [&](unsigned char c) {
    return numeric ? (hex ? std::isxdigit(c) : std::isdigit(c)) : std::isalnum(c);
  };
  while (i < text.size() && i - start < 32 && in_name(static_cast<unsigned char>(text[i]))) ++i;
  return i > start && i < text.size() && text[i] == ';' &&
         (numeric || std::isalpha(static_cast<unsigned char>(text[start])));
}

// The lower-cased name of the tag that starts at `lt` ("p" for "<p>", "</p " or "<p/>"), or "" when `lt`
// starts no tag: a name ends at a space, "/" or ">", so "a < b" and "<3" are text.
std::string tag_at(std::string_view text, std::size_t lt, bool& closing) {
  std::size_t i = lt + 1;
  closing = i < text.size() && text[i] == '/';
  if (closing) ++i;
  std::size_t end = i;
  while (end < text.size() && std::isalnum(static_cast<unsigned char>(text[end]))) ++end;
  if (end == i || end == text.size() || !(is_ascii_space(text[end]) || text[end] == '>' || text[end] == '/')) return {};
  return ascii_lower(text.substr(i, end - i));
}

template <std::size_t N>
bool is_one_of(const std::string& name, const char* const (&names)[N]) {
  return std::find_if(std::begin(names), std::end(names), [&](const char* n) { return name == n; }) != std::end(names);
}

}  // namespace

// A plain-text article may well name a tag ("la balise <img>", a quote about "<script>"), so a body is
// HTML only when it reads like a CMS's: it starts with an element's tag, or it ends paragraphs or lines
// with </p> or <br>. A title is short enough for any inline element to tell (WordPress: "<em>Le Monde</em>").
Markup html_markup(std::string_view text, bool title) {
  static const char* const kOpening[] = {"p", "div", "span", "a", "em", "strong", "b", "i", "h1", "h2", "h3", "h4",
                                         "h5", "h6", "ul", "ol", "blockquote", "figure", "img", "table", "section",
                                         "article", "header", "br"};
  bool closing = false;
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && text[first] == '<') {
    const std::string name = tag_at(text, first, closing);
    if (!closing && is_one_of(name, kOpening)) return Markup::Html;
  }
  for (std::size_t lt = text.find('<'); lt != std::string_view::npos; lt = text.find('<', lt + 1)) {
    const std::string name = tag_at(text, lt, closing);
    if ((name == "p" && closing) || (name == "br" && !closing) || (title && is_one_of(name, kOpening)))
      return Markup::Html;
  }
  for (std::size_t amp = text.find('&'); amp != std::string_view::npos; amp = text.find('&', amp + 1))
    if (is_character_reference(text, amp)) return Markup::References;
  return Markup::None;
}

std::size_t element_depth(std::string_view html, std::size_t limit) {
  // Elements that never hold others, and those whose end tag HTML lets a writer leave out (the parser
  // closes them itself, so they don't pile up).
  static const char* const kNotCounted[] = {
      "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track",
      "wbr", "keygen", "basefont", "frame", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "rb",
      "rt", "rp", "rtc", "thead", "tbody", "tfoot", "colgroup", "caption", "html", "head", "body"};
  static const char* const kRawText[] = {"script", "style", "textarea", "title", "xmp", "plaintext"};
  std::size_t depth = 0, deepest = 0, foreign = 0;  // foreign: inside <svg> or <math>
  for (std::size_t lt = html.find('<'); lt != std::string_view::npos && deepest <= limit; lt = html.find('<', lt + 1)) {
    if (html.substr(lt, 4) == "<!--") {
      lt = html.find("-->", lt + 4);
      if (lt == std::string_view::npos) break;
      continue;
    }
    bool closing = false;
    const std::string name = tag_at(html, lt, closing);
    if (name.empty() || is_one_of(name, kNotCounted)) continue;
    const bool foreign_root = name == "svg" || name == "math";
    if (closing) {
      if (depth > 0) --depth;
      if (foreign_root && foreign > 0) --foreign;
      continue;
    }
    const std::size_t gt = html.find('>', lt);
    if (gt == std::string_view::npos) break;
    // "<path/>" closes itself in SVG and MathML; in HTML, "<div/>" opens a div like "<div>".
    if (html[gt - 1] == '/' && (foreign > 0 || foreign_root)) continue;
    if (foreign_root) ++foreign;
    if (is_one_of(name, kRawText)) {
      // Their text is not markup: skip to the end tag.
      std::size_t close = gt;
      while ((close = html.find('<', close + 1)) != std::string_view::npos) {
        bool is_closing = false;
        if (tag_at(html, close, is_closing) == name && is_closing) break;
      }
      if (close == std::string_view::npos) break;
      lt = close;
      continue;
    }
    deepest = std::max(deepest, ++depth);
  }
  return deepest;
}

std::string decode_character_references(std::string_view text) {
  // Each paragraph on its own, with its "<" escaped, so that gumbo decodes the references and nothing else.
  std::string out;
  for (std::size_t start = 0; start <= text.size();) {
    const std::size_t end = std::min(text.find("\n\n", start), text.size());
    std::string escaped;
    for (const char c : text.substr(start, end - start)) {
      if (c == '<') escaped += "&lt;";
      else escaped += c;
    }
    if (std::string paragraph = html_fragment_text(escaped); !paragraph.empty())
      out += (out.empty() ? "" : "\n\n") + paragraph;
    start = end + 2;
  }
  return out;
}

std::string html_fragment_text(std::string_view html) {
  const std::string fragment = replace_out_of_range_references(std::string(html));
  const std::unique_ptr<GumboOutput, GumboDeleter> output(
      gumbo_parse_with_options(&kGumboDefaultOptions, fragment.data(), fragment.size()));
  if (!output) return std::string(html);
  std::string current;
  std::vector<std::string> paragraphs;
  collect_blocks(*output->root, current, paragraphs);
  if (std::string trimmed = trim(current); !trimmed.empty()) paragraphs.push_back(std::move(trimmed));
  return join_paragraphs(paragraphs);
}

}  // namespace readers_detail

void read_html_file(const std::string& path, const std::string& id, const ArticleCallback& on_article,
                    const InputErrorCallback& on_error, const ReadOptions& options) {
  auto content = readers_detail::read_small_file(path, on_error);
  if (!content) return;
  if (readers_detail::element_depth(*content, readers_detail::kMaxElementDepth) > readers_detail::kMaxElementDepth) {
    on_error({path, 0, readers_detail::too_deep_reason()});
    return;
  }
  // Gumbo reads only UTF-8 and would silently replace bad bytes, so a page in the encoding it declares is
  // converted first. A page that declares none is in --text-encoding's, else it must be UTF-8.
  const std::string label = declared_encoding(*content);
  if (!label.empty() && !is_utf8_label(label)) {
    content = readers_detail::decode(path, *content, label, "the page declares", on_error);
    if (!content) return;
  } else if (label.empty() && !options.text_encoding.empty()) {
    content = readers_detail::decode(path, *content, options.text_encoding, "--text-encoding gives", on_error);
    if (!content) return;
  } else if (!readers_detail::check_utf8(path, *content, on_error)) {
    return;
  }
  const std::string html = replace_out_of_range_references(std::move(*content));
  const std::unique_ptr<GumboOutput, GumboDeleter> output(
      gumbo_parse_with_options(&kGumboDefaultOptions, html.data(), html.size()));
  if (!output) {
    on_error({path, 0, "the HTML parser failed"});
    return;
  }
  PageFacts facts;
  gather(*output->root, facts);

  Article article;
  article.id = id;
  article.origin = path;
  const auto& ld = facts.linked_data;
  const auto first_of = [](const std::string& a, const std::string& b) { return !a.empty() ? a : b; };
  article.title = first_of(facts.og_title, first_of(ld.headline, facts.title_element));
  for (const std::string* candidate : std::initializer_list<const std::string*>{
           &facts.published_time, &ld.date, &facts.time_datetime, &facts.item_date_published}) {
    if (article.date.empty()) article.date = parse_date(*candidate);
  }
  if (!facts.author.empty()) article.authors.push_back(facts.author);
  else article.authors = ld.authors;
  article.source = first_of(facts.site_name, ld.publisher);
  article.url = first_of(facts.url, ld.url);
  article.section = first_of(facts.section, ld.section);
  article.tags = !facts.tags.empty() ? facts.tags : ld.keywords;

  const GumboNode* container = facts.article != nullptr ? facts.article : facts.main != nullptr ? facts.main : facts.body;
  if (container != nullptr) {
    std::vector<std::string> paragraphs;
    collect_paragraphs(*container, paragraphs);
    if (paragraphs.empty() && !ld.body.empty()) {
      paragraphs.push_back(ld.body);
    } else if (paragraphs.empty()) {
      // Pages without <p> (text in <div>s): the container's text as one paragraph is better than nothing.
      std::string text;
      collect_text(*container, text);
      if (std::string trimmed = trim(text); !trimmed.empty()) paragraphs.push_back(std::move(trimmed));
    }
    article.text = join_paragraphs(paragraphs);
  }
  if (article.title.empty() && article.text.empty()) {
    on_error({path, 0, "no title and no text found in the page: skipped"});
    return;
  }
  on_article(std::move(article));
}

}  // namespace gazette
