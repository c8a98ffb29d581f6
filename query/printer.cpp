#include "printer.h"

#include <ostream>

namespace gazette {
namespace {

std::string highlighted(const Snippet& s, bool colour) {
  const char* open = colour ? "\033[1;31m" : "[";
  const char* close = colour ? "\033[0m" : "]";
  std::string out;
  std::size_t pos = 0;
  for (const auto& [a, b] : s.highlights) {
    out.append(s.text, pos, a - pos).append(open).append(s.text, a, b - a).append(close);
    pos = b;
  }
  return out.append(s.text, pos, std::string::npos);
}

}  // namespace

void print_text(std::ostream& out, const SearchResult& r, std::size_t offset, bool colour) {
  const char* bold = colour ? "\033[1m" : "";
  const char* dim = colour ? "\033[2m" : "";
  const char* reset = colour ? "\033[0m" : "";
  out << (r.total_exact ? "" : "about ") << r.total << (r.total == 1 ? " match" : " matches") << (r.mode == "quotes" ? " (quotes)" : "") << "\n";
  for (const auto& note : r.notes) out << "note: " << note << "\n";
  if (!r.corrected_query.empty()) out << "did you mean: " << r.corrected_query << "\n";
  std::size_t n = offset;
  for (const Hit& h : r.hits) {
    out << "\n" << ++n << ". ";
    std::string meta = h.date.empty() ? "date unknown" : h.date;
    if (!h.source.empty()) meta += " · " + h.source;
    if (r.mode == "quotes") {
      out << bold << (h.speaker.empty() ? "(unknown speaker)" : h.speaker) << reset << " — « "
          << highlighted(h.snippet, colour) << " »\n";
      out << "   " << dim << h.kind << " · " << h.title << " · " << meta << " · " << h.article_id;
      if (h.duplicates) out << " · printed " << h.duplicates << " more time(s)";
      out << reset << "\n";
    } else {
      out << bold << h.title << reset << "\n";
      out << "   " << dim << meta << " · " << h.id << reset << "\n";
      out << "   " << highlighted(h.snippet, colour) << "\n";
    }
  }
  for (const Facet& f : r.facets) {
    out << "\n" << bold << f.name << reset << ":";
    for (const auto& v : f.values) out << "  " << v.value << " (" << v.count << ")";
    out << "\n";
  }
}

}  // namespace gazette
