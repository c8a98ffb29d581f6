// Gazetteers compiled at load time from maintained sources: ICU (French country names, exemplar cities of
// the time-zone database), Debian's libgeonames-common and iso-codes translation catalogues; plus the lists
// shipped in data/ner (first names derived from the training data, French acronyms).
#include <unicode/locid.h>
#include <unicode/timezone.h>
#include <unicode/tznames.h>
#include <unicode/strenum.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

#include "entities/ner.h"

namespace gazette::ner {
namespace {

// Translations (msgstr) of a GNU gettext .mo catalogue. The format is a fixed little- or big-endian header
// followed by two tables of (length, offset) pairs; see the gettext manual, "The Format of GNU MO Files".
std::vector<std::string> mo_translations(const std::filesystem::path& file) {
  std::vector<std::string> out;
  std::ifstream in(file, std::ios::binary);
  if (!in) return out;
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (data.size() < 28) return out;
  auto read32 = [&](std::size_t at, bool swap) -> std::uint32_t {
    if (at + 4 > data.size()) return 0;
    std::uint32_t value;
    std::memcpy(&value, data.data() + at, 4);
    return swap ? __builtin_bswap32(value) : value;
  };
  bool swap = false;
  if (read32(0, false) != 0x950412deU) {
    if (read32(0, true) != 0x950412deU) return out;
    swap = true;
  }
  std::uint32_t count = read32(8, swap);
  std::uint32_t translations = read32(16, swap);
  for (std::uint32_t i = 0; i < count; ++i) {
    std::uint32_t length = read32(translations + 8 * i, swap);
    std::uint32_t offset = read32(translations + 8 * i + 4, swap);
    if (length == 0 || std::size_t(offset) + length > data.size()) continue;  // the header entry
    std::string text = data.substr(offset, length);
    // Plural forms are NUL-separated; keep the first.
    text = text.substr(0, text.find('\0'));
    out.push_back(text);
  }
  return out;
}

std::string join_folded(std::string_view text, const std::vector<Token>& tokens, std::size_t first, std::size_t last) {
  std::string key;
  for (std::size_t i = first; i <= last; ++i) {
    if (i > first) key.push_back(' ');
    key += fold(text.substr(tokens[i].start, tokens[i].end - tokens[i].start));
  }
  return key;
}

std::string to_utf8(const icu::UnicodeString& s) {
  std::string out;
  s.toUTF8String(out);
  return out;
}

}  // namespace

void Gazetteers::add(std::string_view name, std::uint8_t category) {
  std::vector<Token> tokens = tokenize(name);
  if (tokens.empty()) return;
  std::string key = join_folded(name, tokens, 0, tokens.size() - 1);
  names_[key] |= category;
  // Every leading run of whole words of a name is marked, so that match() stops extending a key as soon as
  // no longer name can start with it, instead of looking up every length up to the longest name.
  for (std::size_t space = key.find(' '); space != std::string::npos; space = key.find(' ', space + 1))
    names_[key.substr(0, space)] |= kLongerName;
  longest_ = std::max(longest_, tokens.size());
}

std::size_t Gazetteers::size() const {
  return static_cast<std::size_t>(
      std::count_if(names_.begin(), names_.end(), [](const auto& entry) { return (entry.second & ~kLongerName) != 0; }));
}

void Gazetteers::add_acronym(std::string_view acronym) {
  acronyms_[std::string(acronym)] = true;
  acronyms_capitalised_ = acronyms_capitalised_ && starts_upper(acronym);
}

bool Gazetteers::is_first_name(std::string_view folded_word) const {
  auto it = names_.find(std::string(folded_word));
  return it != names_.end() && (it->second & kFirstName) != 0;
}

Gazetteers Gazetteers::load(const std::filesystem::path& ner_dir) {
  Gazetteers g;
  // ICU: French names of every ISO country, and of the exemplar cities of time zones (CLDR data).
  icu::Locale french("fr");
  for (const char* const* code = icu::Locale::getISOCountries(); *code != nullptr; ++code) {
    icu::UnicodeString name;
    icu::Locale("", *code).getDisplayCountry(french, name);
    std::string utf8 = to_utf8(name);
    if (utf8 != *code) g.add(utf8, kCountry);
  }
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<icu::TimeZoneNames> zone_names(icu::TimeZoneNames::createInstance(french, status));
  std::unique_ptr<icu::StringEnumeration> zones(icu::TimeZone::createEnumeration(status));
  if (U_SUCCESS(status) && zone_names && zones) {
    while (const icu::UnicodeString* zone = zones->snext(status)) {
      if (U_FAILURE(status)) break;
      icu::UnicodeString city;
      zone_names->getExemplarLocationName(*zone, city);
      if (!city.isEmpty() && zone->indexOf(u"Etc/") != 0) g.add(to_utf8(city), kCity);
    }
  }
  // Debian catalogues: GeoNames cities and regions in French and English; iso-codes country names.
  const std::filesystem::path locale_dir = "/usr/share/locale";
  for (const char* language : {"fr", "en"}) {
    auto file = locale_dir / language / "LC_MESSAGES" / "geonames.mo";
    auto names = mo_translations(file);
    if (names.empty()) g.missing_.push_back(file.string());
    for (const std::string& name : names) g.add(name, kCity);
  }
  {
    auto file = locale_dir / "fr" / "LC_MESSAGES" / "iso_3166-1.mo";
    auto names = mo_translations(file);
    if (names.empty()) g.missing_.push_back(file.string());
    for (const std::string& name : names) g.add(name, kCountry);
  }
  // Shipped lists.
  auto read_lines = [&](const std::filesystem::path& file, auto&& each) {
    std::ifstream in(file);
    if (!in) {
      g.missing_.push_back(file.string());
      return;
    }
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      each(line);
    }
  };
  read_lines(ner_dir / "first_names.txt", [&](const std::string& line) { g.add(line, kFirstName); });
  read_lines(ner_dir / "acronyms.txt", [&](const std::string& line) { g.add_acronym(line); });
  return g;
}

std::vector<std::vector<std::uint8_t>> Gazetteers::match(std::string_view text, const std::vector<Token>& tokens) const {
  std::vector<std::vector<std::uint8_t>> hits(tokens.size());
  std::vector<std::string> folded(tokens.size());
  for (std::size_t i = 0; i < tokens.size(); ++i) folded[i] = fold(text.substr(tokens[i].start, tokens[i].end - tokens[i].start));
  std::array<std::size_t, 4> covered_until{};  // per category index, the first token not yet covered
  std::array<std::size_t, 4> covered_from{};
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    std::string_view word = text.substr(tokens[i].start, tokens[i].end - tokens[i].start);
    const bool upper = starts_upper(word);
    if ((upper || !acronyms_capitalised_) && acronyms_.count(std::string(word)) != 0)
      hits[i].push_back(3 * 4 + static_cast<int>(Part::U));
    if (!upper) continue;  // names start with a capital; saves lookups
    std::string key;
    for (std::size_t length = 1; length <= longest_ && i + length <= tokens.size(); ++length) {
      if (length > 1) key.push_back(' ');
      key += folded[i + length - 1];
      if (!has_letter(folded[i + length - 1]) && folded[i + length - 1] != "-") {
        if (length > 1) break;
      }
      auto it = names_.find(key);
      if (it == names_.end()) break;  // neither a name nor the start of one
      for (int category = 0; category < 3; ++category) {
        if ((it->second & (1 << category)) == 0) continue;
        // Longest match from the leftmost start wins: record it, possibly replacing a shorter one from i.
        std::size_t last = i + length - 1;
        if (covered_until[category] > i && covered_from[category] != i) continue;  // inside an earlier match
        for (std::size_t j = i; j <= last; ++j) {
          auto& h = hits[j];
          h.erase(std::remove_if(h.begin(), h.end(), [&](std::uint8_t x) { return x / 4 == category; }), h.end());
          Part part = length == 1 ? Part::U : j == i ? Part::B : j == last ? Part::L : Part::I;
          h.push_back(static_cast<std::uint8_t>(category * 4 + static_cast<int>(part)));
        }
        covered_until[category] = last + 1;
        covered_from[category] = i;
      }
      if ((it->second & kLongerName) == 0) break;
    }
  }
  return hits;
}

}  // namespace gazette::ner
