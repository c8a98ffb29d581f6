#include "web/page.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <map>
#include <regex>
#include <set>
#include <vector>

#include "web/assets.h"

namespace gazette::web {
namespace {

// ---- small pieces ---------------------------------------------------------------------------------------

std::string esc(std::string_view s) { return html_escape(s); }

std::string str(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

std::size_t num(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number_unsigned() ? j[key].get<std::size_t>() : 0;
}

std::string with_thousands(std::uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += "\xE2\x80\xAF";  // narrow no-break space, French style
    out += digits[i];
  }
  return out;
}

std::string plural(std::uint64_t n, const char* one, const char* many) {
  return with_thousands(n) + " " + (n > 1 ? many : one);
}

const char* const kMonths[] = {"janvier", "février", "mars",      "avril",   "mai",      "juin",
                               "juillet", "août",    "septembre", "octobre", "novembre", "décembre"};

// "2021-12-01" → "1 décembre 2021"; "2021-12" → "décembre 2021"; anything else as it is.
std::string french_date(const std::string& d) {
  int y = 0, m = 0, day = 0;
  char tail = 0;
  if (std::sscanf(d.c_str(), "%4d-%2d-%2d%c", &y, &m, &day, &tail) == 3 && m >= 1 && m <= 12)
    return std::to_string(day) + (day == 1 ? "er " : " ") + kMonths[m - 1] + " " + std::to_string(y);
  if (std::sscanf(d.c_str(), "%4d-%2d%c", &y, &m, &tail) == 2 && m >= 1 && m <= 12)
    return std::string(kMonths[m - 1]) + " " + std::to_string(y);
  return d;
}

std::string search_url(const std::string& q, bool quotes, const std::string& sort, std::size_t page = 1) {
  std::string u = "/?q=" + url_encode(q);
  if (quotes) u += "&mode=quotes";
  if (sort != "relevance") u += "&sort=" + url_encode(sort);
  if (page > 1) u += "&page=" + std::to_string(page);
  return u;
}

std::string speaker_url(const std::string& name, const std::string& q = {}) {
  std::string u = "/speaker?name=" + url_encode(name);
  if (!q.empty()) u += "&q=" + url_encode(q);
  return u;
}

std::string article_url(const std::string& id, const std::string& fragment = {}) {
  return "/article?id=" + url_encode(id) + (fragment.empty() ? "" : "#" + url_encode(fragment));
}

// Highlights are byte ranges into the snippet text; ranges that are out of order or out of bounds are ignored
// rather than trusted.
std::string snippet_html(const Snippet& s) {
  // "Youri Ouchakov" reads as one match, not two: ranges with only spaces between them are joined.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> joined;
  for (const auto& range : s.highlights) {
    if (!joined.empty() && range.first >= joined.back().second && range.first <= s.text.size() &&
        s.text.find_first_not_of(' ', joined.back().second) >= range.first)
      joined.back().second = range.second;
    else
      joined.push_back(range);
  }
  std::string out;
  std::size_t pos = 0;
  for (const auto& [a, b] : joined) {
    if (a < pos || b <= a || b > s.text.size()) continue;
    out += esc(std::string_view(s.text).substr(pos, a - pos));
    out += "<mark>" + esc(std::string_view(s.text).substr(a, b - a)) + "</mark>";
    pos = b;
  }
  return out + esc(std::string_view(s.text).substr(pos));
}

std::string head(const std::string& title) {
  return "<!doctype html>\n<html lang=\"fr\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" + esc(title) + "</title>"
         "<link rel=\"stylesheet\" href=\"/static/style.css\"><link rel=\"icon\" href=\"data:,\">"
         "<script src=\"/static/app.js\" defer></script></head><body>\n";
}

const char* kSyntax =
    "<details class=\"syntax\"><summary>Syntaxe</summary><table>"
    "<tr><td><code>Ouchakov sanctions</code></td><td>tous les mots (accents et pluriels indifférents)</td></tr>"
    "<tr><td><code>\"lignes rouges\"</code> <code>« … »</code></td><td>expression exacte</td></tr>"
    "<tr><td><code>Kiev OR Kyiv</code> <code>NOT</code> <code>-mot</code></td><td>ou, sauf ; parenthèses</td></tr>"
    "<tr><td><code>person:\"Joe Biden\"</code></td><td>personne citée (toute graphie)</td></tr>"
    "<tr><td><code>speaker:Ouchakov</code></td><td>auteur d’une citation</td></tr>"
    "<tr><td><code>org:OTAN</code> <code>place:Moscou</code></td><td>organisation, lieu</td></tr>"
    "<tr><td><code>date:2021-12</code> <code>date:2016..2018</code></td><td>année, mois, jour ou période</td></tr>"
    "<tr><td><code>title:</code> <code>source:</code> <code>author:</code></td><td>titre, source, auteur</td></tr>"
    "<tr><td><code>quote:sanctions</code></td><td>mot dans une citation</td></tr>"
    "<tr><td><code>exact:Marine</code></td><td>forme exacte, sans racinisation</td></tr>"
    "</table></details>";

std::string header(const std::string& q, bool quotes, const std::string& sort, const std::string& action = "/",
                   const std::string& hidden = {}, const std::string& placeholder = {}) {
  std::string h = "<header class=\"top\"><a class=\"brand\" href=\"/\">Gazette</a>";
  h += "<form class=\"search\" action=\"" + esc(action) + "\" method=\"get\" role=\"search\">" + hidden;
  h += "<input type=\"search\" name=\"q\" value=\"" + esc(q) + "\" maxlength=\"1000\" aria-label=\"Recherche\" "
       "placeholder=\"" + esc(placeholder.empty() ? "Ouchakov sanctions, person:\"Joe Biden\", date:2021…" : placeholder) +
       "\" autocomplete=\"off\">";
  if (hidden.empty()) {
    h += "<span class=\"mode\" role=\"radiogroup\" aria-label=\"Résultats\">";
    h += std::string("<label><input type=\"radio\" name=\"mode\" value=\"articles\"") + (quotes ? "" : " checked") +
         "><span>Articles</span></label>";
    h += std::string("<label><input type=\"radio\" name=\"mode\" value=\"quotes\"") + (quotes ? " checked" : "") +
         "><span>Citations</span></label></span>";
    h += "<select name=\"sort\" aria-label=\"Tri\">";
    for (const auto& [value, label] : std::vector<std::pair<std::string, std::string>>{
             {"relevance", "Pertinence"}, {"newest", "Plus récents"}, {"oldest", "Plus anciens"}})
      h += "<option value=\"" + value + "\"" + (sort == value ? " selected" : "") + ">" + label + "</option>";
    h += "</select>";
  }
  h += "<button type=\"submit\">Rechercher</button></form>";
  h += kSyntax;
  return h + "</header>\n";
}

std::string footer(double server_ms) {
  char ms[32];
  std::snprintf(ms, sizeof ms, "%.1f", server_ms);
  return std::string("<footer>Gazette · recherche en lecture seule") +
         (server_ms > 0 ? std::string(" · ") + ms + " ms" : std::string()) +
         " · <a href=\"/api/search?q=\">API JSON</a></footer></body></html>\n";
}

std::string error_box(const std::string& error, const std::string& hint) {
  std::string h = "<div class=\"error\" role=\"alert\"><strong>La requête n’a pas pu être lancée :</strong> " + esc(error);
  if (!hint.empty()) h += "<br><span class=\"hint\">" + esc(hint) + "</span>";
  return h + "</div>";
}

// ---- facets ---------------------------------------------------------------------------------------------

const std::map<std::string, std::string>& facet_titles() {
  static const std::map<std::string, std::string> t{
      {"speaker", "Locuteurs"}, {"person", "Personnes"}, {"org", "Organisations"}, {"place", "Lieux"},
      {"topic", "Thèmes"},      {"source", "Sources"},   {"section", "Rubriques"}, {"tag", "Mots-clés"}};
  return t;
}

const Facet* find_facet(const SearchResult& r, const std::string& name) {
  for (const Facet& f : r.facets)
    if (f.name == name) return &f;
  return nullptr;
}

std::string facet_list(const SearchView& v, const Facet& f) {
  if (f.values.empty()) return {};
  auto title = facet_titles().find(f.name);
  std::string h = "<section class=\"facet\" data-facet=\"" + esc(f.name) + "\"><h3>" +
                  esc(title != facet_titles().end() ? title->second : f.name) + "</h3><ul>";
  for (const FacetValue& value : f.values) {
    const std::string clause = facet_clause(f.name, value.value);
    const bool active = has_clause(v.q, clause);
    h += "<li" + std::string(active ? " class=\"active\"" : "") + "><a href=\"" +
         esc(search_url(toggle_clause(v.q, clause), v.quotes, v.sort)) + "\" title=\"" +
         esc(active ? "Retirer le filtre " + clause : "Filtrer : " + clause) + "\"><span class=\"v\">" +
         esc(value.value) + "</span><span class=\"n\">" + with_thousands(value.count) + "</span></a>";
    if (f.name == "speaker")
      h += "<a class=\"sp\" href=\"" + esc(speaker_url(value.value)) + "\" title=\"Toutes les citations de " +
           esc(value.value) + "\" aria-label=\"Page de " + esc(value.value) + "\">›</a>";
    h += "</li>";
  }
  return h + "</ul></section>";
}

// A bar per month when the results span a few years, else a bar per year; each bar adds a date: filter.
std::string histogram(const SearchView& v, const SearchResult& r) {
  const Facet* months = find_facet(r, "month");
  if (!months || months->values.empty()) return {};
  // Years are summed from the months: one facet fewer for the engine to count over the whole match set.
  std::map<std::string, std::uint64_t> by_year;
  for (const auto& m : months->values) by_year[m.value.substr(0, 4)] += m.count;
  const bool by_month = by_year.size() <= 3;
  std::vector<FacetValue> bars;
  if (by_month)
    bars = months->values;
  else
    for (const auto& [year, count] : by_year) bars.push_back({year, count});
  std::sort(bars.begin(), bars.end(), [](const auto& a, const auto& b) { return a.value < b.value; });
  // Months or years without a match are drawn as gaps, so that the bars' spacing is time.
  int y0 = 0, m0 = 0, y1 = 0, m1 = 0;
  const char* format = by_month ? "%4d-%2d" : "%4d";
  const int fields = by_month ? 2 : 1;
  if (std::sscanf(bars.front().value.c_str(), format, &y0, &m0) == fields &&
      std::sscanf(bars.back().value.c_str(), format, &y1, &m1) == fields && (y1 - y0) * 12 + (m1 - m0) < 600) {
    std::map<std::string, std::uint64_t> counts;
    for (const auto& b : bars) counts[b.value] = b.count;
    std::vector<FacetValue> filled;
    for (int y = y0, m = by_month ? m0 : 0; y < y1 || (y == y1 && m <= m1);) {
      char key[16];
      if (by_month)
        std::snprintf(key, sizeof key, "%04d-%02d", y, m);
      else
        std::snprintf(key, sizeof key, "%04d", y);
      auto it = counts.find(key);
      filled.push_back({key, it == counts.end() ? 0 : it->second});
      if (!by_month || ++m > 12) {
        ++y;
        m = by_month ? 1 : 0;
      }
    }
    bars = std::move(filled);
  }
  std::uint64_t top = 1;
  for (const auto& b : bars) top = std::max(top, b.count);
  std::string h = "<section class=\"facet dates\"><h3>Période</h3><div class=\"hist\">";
  for (const auto& b : bars) {
    const std::string clause = "date:" + b.value;
    const bool active = has_clause(v.q, clause);
    if (b.count == 0) {
      h += "<span class=\"bar b0\"></span>";
      continue;
    }
    const auto level = static_cast<unsigned>((b.count * 20 + top - 1) / top);  // 1..20, a CSS class each
    h += "<a class=\"bar b" + std::to_string(level) + (active ? " active" : "") + "\" href=\"" +
         esc(search_url(toggle_clause(v.q, clause), v.quotes, v.sort)) + "\" title=\"" + esc(french_date(b.value)) +
         " : " + with_thousands(b.count) + "\"><span>" + esc(b.value) + "</span></a>";
  }
  h += "</div><div class=\"axis\"><span>" + esc(french_date(bars.front().value)) + "</span><span>" +
       esc(french_date(bars.back().value)) + "</span></div></section>";
  return h;
}

std::string facets_column(const SearchView& v, const SearchResult& r) {
  std::string h = "<aside class=\"facets\" aria-label=\"Filtres\">" + histogram(v, r);
  for (const char* name : {"speaker", "person", "org", "place", "topic", "source"}) {
    // Over a handful of documents the distinctive words are noise, not themes.
    if (std::string(name) == "topic" && r.total < 5) continue;
    if (const Facet* f = find_facet(r, name)) h += facet_list(v, *f);
  }
  return h + "</aside>";
}

// The filters written in the query, each with a × that removes it.
std::string active_filters(const SearchView& v) {
  static const std::regex clause(R"re((speaker|person|org|place|source|date|tag|section|author|title):("[^"]*"|[^\s()]+))re");
  std::string h;
  for (auto it = std::sregex_iterator(v.q.begin(), v.q.end(), clause); it != std::sregex_iterator(); ++it) {
    const std::string c = it->str();
    h += "<a class=\"chip\" href=\"" + esc(search_url(toggle_clause(v.q, c), v.quotes, v.sort)) +
         "\" title=\"Retirer ce filtre\">" + esc(c) + " <span aria-hidden=\"true\">×</span></a>";
  }
  return h.empty() ? h : "<div class=\"chips\">" + h + "</div>";
}

std::string pagination(const SearchView& v, std::uint64_t total, const std::string& base_q, bool speaker,
                       const std::string& speaker_name) {
  const std::size_t pages = static_cast<std::size_t>(std::min<std::uint64_t>((total + v.per_page - 1) / v.per_page, 500));
  if (pages <= 1) return {};
  auto url = [&](std::size_t p) {
    if (speaker) return speaker_url(speaker_name, base_q) + (p > 1 ? "&page=" + std::to_string(p) : "");
    return search_url(base_q, v.quotes, v.sort, p);
  };
  std::string h = "<nav class=\"pages\" aria-label=\"Pages\">";
  if (v.page > 1) h += "<a rel=\"prev\" href=\"" + esc(url(v.page - 1)) + "\">‹ Précédente</a>";
  std::set<std::size_t> shown{1, pages};
  for (std::size_t p = v.page > 2 ? v.page - 2 : 1; p <= std::min(pages, v.page + 2); ++p) shown.insert(p);
  std::size_t last = 0;
  for (std::size_t p : shown) {
    if (last && p > last + 1) h += "<span class=\"gap\">…</span>";
    h += p == v.page ? "<span class=\"cur\" aria-current=\"page\">" + std::to_string(p) + "</span>"
                     : "<a href=\"" + esc(url(p)) + "\">" + std::to_string(p) + "</a>";
    last = p;
  }
  if (v.page < pages) h += "<a rel=\"next\" href=\"" + esc(url(v.page + 1)) + "\">Suivante ›</a>";
  return h + "</nav>";
}

std::string meta_line(const Hit& hit) {
  std::vector<std::string> parts;
  if (!hit.date.empty()) parts.push_back("<time datetime=\"" + esc(hit.date) + "\">" + esc(french_date(hit.date)) + "</time>");
  if (!hit.source.empty()) parts.push_back("<span class=\"src\">" + esc(hit.source) + "</span>");
  std::string h;
  for (const auto& p : parts) h += (h.empty() ? "" : " · ") + p;
  return h;
}

std::string quote_fragment(const std::string& quote_id) {
  const auto hash = quote_id.rfind('#');
  return hash == std::string::npos ? std::string() : quote_id.substr(hash + 1);
}

std::string article_hit(const Hit& hit) {
  std::string h = "<li class=\"hit\"><h2><a href=\"" + esc(article_url(hit.id)) + "\">" + esc(hit.title) + "</a></h2>";
  const std::string meta = meta_line(hit);
  h += "<div class=\"meta\">" + (meta.empty() ? std::string() : meta + " · ") + "<span class=\"id\">" + esc(hit.id) + "</span></div>";
  return h + "<p class=\"snippet\">" + snippet_html(hit.snippet) + "</p></li>";
}

const char* kind_label(const std::string& kind) {
  if (kind == "direct") return "citation directe";
  if (kind == "indirect") return "discours rapporté";
  if (kind == "partial") return "citation partielle";
  return "citation";
}

std::string quote_hit(const Hit& hit, bool show_speaker) {
  std::string h = "<li class=\"qhit\"><blockquote class=\"" + std::string(hit.kind == "indirect" ? "indirect" : "direct") +
                  "\">" + snippet_html(hit.snippet) + "</blockquote><div class=\"who\">";
  if (show_speaker) {
    if (hit.speaker.empty())
      h += "<span class=\"speaker unknown\">locuteur inconnu</span>";
    else
      h += "<a class=\"speaker\" href=\"" + esc(speaker_url(hit.speaker)) + "\">" + esc(hit.speaker) + "</a>";
  }
  h += "<span class=\"kind\">" + std::string(kind_label(hit.kind)) + "</span><span class=\"meta\">";
  const std::string meta = meta_line(hit);
  if (!meta.empty()) h += meta + " · ";
  // Untitled articles get their id as title from the engine; say what the link does instead.
  const bool untitled = hit.title.empty() || hit.title == hit.article_id;
  h += "<a href=\"" + esc(article_url(hit.article_id, quote_fragment(hit.id))) + "\">" +
       (untitled ? "lire l’article <span class=\"id\">" + esc(hit.article_id) + "</span>" : esc(hit.title)) + "</a>";
  if (hit.duplicates > 0)
    h += " <span class=\"dups\">(+ " + plural(hit.duplicates, "reprise", "reprises") + ")</span>";
  return h + "</span></div></li>";
}

std::string summary(const SearchView& v, const SearchResult& r) {
  std::string h = "<div class=\"summary\"><span class=\"count\">" + std::string(r.total_exact ? "" : "environ ") +
                  plural(r.total, v.quotes ? "citation" : "article", v.quotes ? "citations" : "articles") + "</span>";
  if (r.total > 0) {
    const std::size_t first = (v.page - 1) * v.per_page + 1;
    h += " <span class=\"range\">" + std::to_string(first) + "–" + std::to_string(first + r.hits.size() - 1) + "</span>";
  }
  if (!r.corrected_query.empty() && r.corrected_query != v.q)
    h += " <span class=\"dym\">Vouliez-vous dire <a href=\"" + esc(search_url(r.corrected_query, v.quotes, v.sort)) +
         "\">" + esc(r.corrected_query) + "</a> ?</span>";
  for (const auto& note : r.notes) h += " <span class=\"note\">" + esc(note) + "</span>";
  return h + "</div>";
}

// ---- the article's text with entities and quotes marked -------------------------------------------------

struct Span {
  std::size_t start, end, index;
};

const char* entity_facet(const std::string& type) {
  if (type == "PER") return "person";
  if (type == "ORG") return "org";
  if (type == "LOC") return "place";
  return nullptr;
}

const char* entity_label(const std::string& type) {
  if (type == "PER") return "Personne";
  if (type == "ORG") return "Organisation";
  if (type == "LOC") return "Lieu";
  return "Entité";
}

// Spans from stored offsets, sorted, clamped to the text, overlapping ones dropped (the first wins).
std::vector<Span> spans(const nlohmann::json& list, std::size_t from, std::size_t size) {
  std::vector<Span> out;
  if (!list.is_array()) return out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::size_t a = num(list[i], "start"), b = num(list[i], "end");
    if (a >= from && a < b && b <= size) out.push_back({a, b, i});
  }
  std::stable_sort(out.begin(), out.end(), [](const Span& x, const Span& y) { return x.start < y.start; });
  std::vector<Span> kept;
  for (const Span& s : out)
    if (kept.empty() || s.start >= kept.back().end) kept.push_back(s);
  return kept;
}

class MarkedText {
 public:
  MarkedText(const nlohmann::json& article, std::size_t from)
      : text_(str(article, "text")),
        entities_(article.value("entities", nlohmann::json::array())),
        quotes_(article.value("quotes", nlohmann::json::array())),
        from_(std::min(from, text_.size())),
        entity_spans_(spans(entities_, from_, text_.size())),
        quote_spans_(spans(quotes_, from_, text_.size())) {}

  std::string html() {
    std::size_t pos = from_;
    for (const Span& q : quote_spans_) {
      emit(pos, q.start);
      const nlohmann::json& quote = quotes_[q.index];
      const std::string speaker = str(quote, "speaker"), kind = str(quote, "kind");
      out_ += "<span class=\"q " + std::string(kind == "indirect" ? "indirect" : "direct") + "\" id=\"q" +
              std::to_string(q.index) + "\" title=\"" + esc((speaker.empty() ? "Locuteur inconnu" : speaker) + " — " + kind_label(kind)) + "\">";
      emit(q.start, q.end);
      out_ += "</span>";
      pos = q.end;
      // The closing mark belongs to the quote: the speaker's tag goes after it.
      for (const char* close : {" \xC2\xBB", "\xC2\xA0\xC2\xBB", "\xE2\x80\xAF\xC2\xBB", "\xC2\xBB", "\xE2\x80\x9D", "\""})
        if (text_.compare(pos, std::strlen(close), close) == 0) {
          out_ += esc(std::string_view(text_).substr(pos, std::strlen(close)));
          pos += std::strlen(close);
          break;
        }
      if (!speaker.empty())
        out_ += "<a class=\"qs\" href=\"" + esc(speaker_url(speaker)) + "\">" + esc(speaker) + "</a>";
    }
    emit(pos, text_.size());
    return out_;
  }

 private:
  // Escaped text; a line break starts a paragraph, drawn by an empty block (a <p> could not close inside a
  // quote's span).
  std::string text(std::size_t a, std::size_t n) const {
    std::string out;
    const std::string_view t = std::string_view(text_).substr(a, n);
    for (std::size_t i = 0; i < t.size();) {
      if (t[i] == '\n') {
        while (i < t.size() && (t[i] == '\n' || t[i] == ' ' || t[i] == '\r')) ++i;
        out += "<span class=\"pb\"></span>";
        continue;
      }
      const std::size_t next = std::min(t.find('\n', i), t.size());
      out += esc(t.substr(i, next - i));
      i = next;
    }
    return out;
  }

  // Text [a, b) with the entities that lie wholly inside it; one that straddles a quote's edge stays plain.
  void emit(std::size_t a, std::size_t b) {
    std::size_t pos = a;
    while (next_entity_ < entity_spans_.size() && entity_spans_[next_entity_].start < b) {
      const Span& e = entity_spans_[next_entity_++];
      if (e.start < pos || e.end > b) continue;
      out_ += text(pos, e.start - pos);
      const nlohmann::json& entity = entities_[e.index];
      const std::string type = str(entity, "type"), canonical = str(entity, "canonical");
      const std::string shown = esc(std::string_view(text_).substr(e.start, e.end - e.start));
      const char* facet = entity_facet(type);
      std::string cls = type;
      std::transform(cls.begin(), cls.end(), cls.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (facet && !canonical.empty())
        out_ += "<a class=\"e " + esc(cls) + "\" href=\"" + esc(search_url(facet_clause(facet, canonical), false, "relevance")) +
                "\" title=\"" + esc(std::string(entity_label(type)) + " : " + canonical) + "\">" + shown + "</a>";
      else
        out_ += "<span class=\"e " + esc(cls) + "\">" + shown + "</span>";
      pos = e.end;
    }
    if (pos < b) out_ += text(pos, b - pos);
    // An entity starting past b is for a later call; one skipped above is not revisited.
  }

  std::string text_;
  nlohmann::json entities_, quotes_;
  std::size_t from_;
  std::vector<Span> entity_spans_, quote_spans_;
  std::size_t next_entity_ = 0;
  std::string out_;
};

std::string first_words(const std::string& text, std::size_t from, std::size_t words) {
  std::string out;
  std::size_t count = 0, i = std::min(from, text.size());
  while (i < text.size() && count < words) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    const std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) out += (out.empty() ? "" : " ") + text.substr(start, i - start);
    ++count;
  }
  return i < text.size() ? out + " …" : out;
}

}  // namespace

// ---- public ---------------------------------------------------------------------------------------------

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string url_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string facet_clause(const std::string& facet, const std::string& value) {
  std::string v;
  for (char c : value)
    if (c != '"') v += c;
  if (facet == "topic") return v.find(' ') == std::string::npos ? v : "\"" + v + "\"";
  if (facet == "year" || facet == "month" || facet == "date") return "date:" + v;
  return facet + ":\"" + v + "\"";
}

namespace {
// Position of clause in q as a whole token (bounded by the ends or spaces), or npos.
std::size_t find_clause(const std::string& q, const std::string& clause) {
  if (clause.empty()) return std::string::npos;
  for (std::size_t at = q.find(clause); at != std::string::npos; at = q.find(clause, at + 1)) {
    const bool left = at == 0 || q[at - 1] == ' ';
    const std::size_t end = at + clause.size();
    if (left && (end == q.size() || q[end] == ' ')) return at;
  }
  return std::string::npos;
}
}  // namespace

bool has_clause(const std::string& q, const std::string& clause) { return find_clause(q, clause) != std::string::npos; }

std::string toggle_clause(const std::string& q, const std::string& clause) {
  const std::size_t at = find_clause(q, clause);
  if (at == std::string::npos) {
    std::string trimmed = q;
    while (!trimmed.empty() && trimmed.back() == ' ') trimmed.pop_back();
    return trimmed.empty() ? clause : trimmed + " " + clause;
  }
  std::string out = q.substr(0, at) + q.substr(at + clause.size());
  std::string squashed;
  for (char c : out)
    if (!(c == ' ' && (squashed.empty() || squashed.back() == ' '))) squashed += c;
  while (!squashed.empty() && squashed.back() == ' ') squashed.pop_back();
  return squashed;
}

std::string search_page(const SearchView& v) {
  std::string h = head(v.q.empty() ? "Gazette — archives de presse" : v.q + " — Gazette");
  h += header(v.q, v.quotes, v.sort);
  h += "<main class=\"layout\">";
  if (!v.result) {
    h += "<section class=\"results\">" + error_box(v.error, v.hint) + "</section></main>";
    return h + footer(v.server_ms);
  }
  const SearchResult& r = *v.result;
  h += facets_column(v, r);
  h += "<section class=\"results\" aria-live=\"polite\">";
  if (v.q.empty())
    h += "<p class=\"intro\">Toutes les archives, des plus récentes aux plus anciennes. Cherchez des mots, un nom, "
         "une citation ; cliquez sur un locuteur, une personne, un lieu ou une période pour affiner.</p>";
  h += active_filters(v) + summary(v, r);
  if (r.hits.empty()) {
    h += "<p class=\"empty\">Aucun résultat. Essayez moins de mots, ou retirez un filtre.</p>";
  } else {
    h += v.quotes ? "<ol class=\"quotes\">" : "<ol class=\"hits\">";
    for (const Hit& hit : r.hits) h += v.quotes ? quote_hit(hit, true) : article_hit(hit);
    h += "</ol>";
  }
  h += pagination(v, r.total, v.q, false, {});
  h += "</section></main>";
  return h + footer(v.server_ms);
}

std::string speaker_page(const std::string& name, const SearchView& v) {
  std::string h = head(name + " — citations — Gazette");
  h += header(v.q, true, "oldest", "/speaker", "<input type=\"hidden\" name=\"name\" value=\"" + esc(name) + "\">",
              "Que dit " + name + " sur…");
  h += "<main class=\"layout speaker-view\">";
  if (!v.result) {
    h += "<section class=\"results\">" + error_box(v.error, v.hint) + "</section></main>";
    return h + footer(v.server_ms);
  }
  const SearchResult& r = *v.result;
  SearchView facet_view = v;  // facet links lead to the full search, narrowed to this speaker
  facet_view.q = toggle_clause(v.q, facet_clause("speaker", name));
  facet_view.quotes = true;
  h += facets_column(facet_view, r);
  h += "<section class=\"results\"><div class=\"who-head\"><h1>" + esc(name) + "</h1><p>" +
       plural(r.total, "citation", "citations") + (v.q.empty() ? "" : " sur « " + esc(v.q) + " »") +
       ", dans l’ordre chronologique · <a href=\"" + esc(search_url(facet_clause("person", name), false, "newest")) +
       "\">articles qui le ou la mentionnent</a></p></div>";
  if (r.hits.empty()) h += "<p class=\"empty\">Aucune citation trouvée.</p>";
  std::string month = "\x01";
  for (const Hit& hit : r.hits) {
    const std::string m = hit.date.size() >= 7 ? hit.date.substr(0, 7) : std::string();
    if (m != month) {
      if (month != "\x01") h += "</ol>";
      h += "<h2 class=\"when\">" + esc(m.empty() ? "Sans date" : french_date(m)) + "</h2><ol class=\"quotes\">";
      month = m;
    }
    h += quote_hit(hit, false);
  }
  if (month != "\x01") h += "</ol>";
  h += pagination(v, r.total, v.q, true, name);
  h += "</section></main>";
  return h + footer(v.server_ms);
}

std::string article_page(const nlohmann::json& a) {
  const std::string text = str(a, "text"), id = str(a, "id");
  const std::size_t body_start = std::min(num(a, "body_start"), text.size());
  std::string title = str(a, "title");
  if (title.empty()) title = first_words(text, body_start, 14);
  std::string h = head(title + " — Gazette");
  h += header({}, false, "relevance");
  h += "<main class=\"layout article\"><article><h1>" + esc(title) + "</h1><div class=\"meta\">";
  std::vector<std::string> meta;
  if (!str(a, "date").empty()) meta.push_back("<time datetime=\"" + esc(str(a, "date")) + "\">" + esc(french_date(str(a, "date"))) + "</time>");
  if (!str(a, "source").empty())
    meta.push_back("<a href=\"" + esc(search_url(facet_clause("source", str(a, "source")), false, "newest")) + "\">" +
                   esc(str(a, "source")) + "</a>");
  if (a.contains("authors") && a["authors"].is_array())
    for (const auto& author : a["authors"])
      if (author.is_string()) meta.push_back("<span class=\"author\">" + esc(author.get<std::string>()) + "</span>");
  const std::string url = str(a, "url");
  if (url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0)  // no javascript: or data: links
    meta.push_back("<a href=\"" + esc(url) + "\" rel=\"noopener noreferrer nofollow\">source originale</a>");
  meta.push_back("<span class=\"id\">" + esc(id) + "</span>");
  for (std::size_t i = 0; i < meta.size(); ++i) h += (i ? " · " : "") + meta[i];
  h += "</div><div class=\"legend\"><span class=\"e per\">personne</span><span class=\"e org\">organisation</span>"
       "<span class=\"e loc\">lieu</span><span class=\"q direct\">citation</span><span class=\"q indirect\">discours "
       "rapporté</span></div>";
  h += "<div class=\"text\">" + MarkedText(a, body_start).html() + "</div></article>";

  // Beside the text: who is named and who speaks, each a link to a search.
  h += "<aside class=\"facets\">";
  std::map<std::string, std::map<std::string, int>> by_type;
  if (a.contains("entities") && a["entities"].is_array())
    for (const auto& e : a["entities"])
      if (!str(e, "canonical").empty()) ++by_type[str(e, "type")][str(e, "canonical")];
  std::map<std::string, int> speakers;
  std::size_t quote_count = 0;
  if (a.contains("quotes") && a["quotes"].is_array())
    for (const auto& q : a["quotes"]) {
      ++quote_count;
      if (!str(q, "speaker").empty()) ++speakers[str(q, "speaker")];
    }
  if (!speakers.empty()) {
    h += "<section class=\"facet\"><h3>Locuteurs</h3><ul>";
    for (const auto& [name, n] : speakers)
      h += "<li><a href=\"" + esc(speaker_url(name)) + "\"><span class=\"v\">" + esc(name) + "</span><span class=\"n\">" +
           std::to_string(n) + "</span></a></li>";
    h += "</ul></section>";
  }
  for (const auto& [type, names] : by_type) {
    const char* facet = entity_facet(type);
    if (!facet) continue;
    h += "<section class=\"facet\"><h3>" + std::string(type == "PER" ? "Personnes" : type == "ORG" ? "Organisations" : "Lieux") + "</h3><ul>";
    for (const auto& [name, n] : names)
      h += "<li><a href=\"" + esc(search_url(facet_clause(facet, name), false, "relevance")) + "\"><span class=\"v\">" +
           esc(name) + "</span><span class=\"n\">" + std::to_string(n) + "</span></a></li>";
    h += "</ul></section>";
  }
  if (quote_count)
    h += "<p class=\"aside-note\">" + plural(quote_count, "citation repérée", "citations repérées") +
         " · <a href=\"/api/article?id=" + esc(url_encode(id)) + "\">JSON</a></p>";
  h += "</aside></main>";
  return h + footer(0);
}

std::string message_page(const std::string& title, const std::string& message, const std::string& hint) {
  std::string h = head(title + " — Gazette") + header({}, false, "relevance");
  h += "<main class=\"layout\"><section class=\"results\"><h1>" + esc(title) + "</h1><p>" + esc(message) + "</p>";
  if (!hint.empty()) h += "<p class=\"hint\">" + esc(hint) + "</p>";
  h += "<p><a href=\"/\">Retour à la recherche</a></p></section></main>";
  return h + footer(0);
}

std::string_view style_css() { return kStyleCss; }
std::string_view app_js() { return kAppJs; }

}  // namespace gazette::web
