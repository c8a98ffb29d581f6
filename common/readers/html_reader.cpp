// Saved news pages. Metadata comes from the Open Graph and article meta tags that publishers fill for social
// networks (more reliable than the visible layout); the body is the text of the <p> elements of the article,
// away from navigation, asides and scripts.
#include <gumbo.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gazette/readers.h"
#include "readers/reader_internals.h"

namespace gazette {
namespace {

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
  const GumboNode* article = nullptr;
  const GumboNode* main = nullptr;
  const GumboNode* body = nullptr;
};

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

}  // namespace

void read_html_file(const std::string& path, const std::string& id, const ArticleCallback& on_article,
                    const InputErrorCallback& on_error) {
  auto content = readers_detail::read_small_file(path, on_error);
  if (!content) return;
  // Gumbo would silently replace bad bytes; a page in another encoding must be converted first.
  if (!readers_detail::check_utf8(path, *content, on_error)) return;
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
  article.title = !facts.og_title.empty() ? facts.og_title : facts.title_element;
  for (const std::string* candidate : {&facts.published_time, &facts.time_datetime, &facts.item_date_published}) {
    if (article.date.empty()) article.date = parse_date(*candidate);
  }
  if (!facts.author.empty()) article.authors.push_back(facts.author);
  article.source = facts.site_name;
  article.url = facts.url;
  article.section = facts.section;
  article.tags = facts.tags;

  const GumboNode* container = facts.article != nullptr ? facts.article : facts.main != nullptr ? facts.main : facts.body;
  if (container != nullptr) {
    std::vector<std::string> paragraphs;
    collect_paragraphs(*container, paragraphs);
    if (paragraphs.empty()) {
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
