// Cross-document identity of entities: transliteration, spelling rules and the alias file.
#include <unicode/normalizer2.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <fstream>
#include <initializer_list>
#include <mutex>
#include <set>
#include <sstream>
#include <unordered_map>

#include "entities/ner.h"

namespace gazette::ner {
namespace {

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size())) {
    s.replace(at, from.size(), to);
  }
}

bool ends_with(const std::string& s, std::string_view tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// Spelling rules on one ASCII lower-case word. They merge the French, English and German transcriptions of
// the same (mostly Slavic) name; they are applied to both sides of every comparison, so a rule that also
// changes an ordinary name only costs a rare collision of keys, never a mismatch.
std::string normalise_word(std::string w) {
  replace_all(w, "tsch", "ch");  // Tschechow → chechow
  replace_all(w, "tch", "ch");   // Tchekhov → chekhov
  replace_all(w, "sch", "sh");   // Uschakow → ushakow
  replace_all(w, "ch", "sh");    // Ouchakov → oushakov (French ch = English sh)
  replace_all(w, "kh", "h");     // Khrouchtchev / Chruschtschow lose the h-sound spelling
  replace_all(w, "ou", "u");     // Poutine → putine, Youri → yuri
  replace_all(w, "ph", "f");
  for (char& c : w) {
    if (c == 'w') c = 'v';  // Wladimir, Uschakow
  }
  if (w.size() > 3 && (ends_with(w, "iy") || ends_with(w, "ij") || ends_with(w, "ii"))) w.resize(w.size() - 1);
  if (w.size() > 4 && ends_with(w, "ff")) w.replace(w.size() - 2, 2, "v");  // Smirnoff
  if (w.size() > 4 && ends_with(w, "of")) w.replace(w.size() - 2, 2, "ov");
  if (w.size() > 5 && ends_with(w, "ine")) w.pop_back();  // Poutine → putin
  if (w.size() > 2 && w[0] == 'i' && w[1] == 'u') w[0] = 'y';  // Iouri → yuri
  std::string out;
  for (char c : w) {
    if (out.empty() || out.back() != c) out.push_back(c);  // double letters
  }
  return out;
}

std::vector<std::string> split_words(const std::string& s) {
  std::vector<std::string> words;
  std::istringstream in(s);
  std::string w;
  while (in >> w) words.push_back(w);
  return words;
}

// The spelling rules over a name already folded to ASCII: punctuation separates words ("Jean-Yves" →
// "jean yves"), except apostrophes inside names (O'Brien).
std::string spelling_key(const std::string& ascii) {
  std::string cleaned;
  for (char c : ascii) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      cleaned.push_back(c);
    } else if (c >= 'A' && c <= 'Z') {
      cleaned.push_back(static_cast<char>(c + 32));
    } else if (c == '\'') {
      continue;
    } else {
      cleaned.push_back(' ');
    }
  }
  std::string out;
  for (const std::string& w : split_words(cleaned)) {
    if (!out.empty()) out.push_back(' ');
    out += normalise_word(w);
  }
  return out;
}

// The no-break spaces of French typography (U+00A0, U+202F, and the figure and thin spaces U+2007, U+2009)
// as ASCII spaces, and its apostrophes (U+2019, U+2018) as ASCII ones, which gives the key the
// transliterator's path gives (it makes the apostrophes ASCII, and the spelling rules take whatever it
// makes of those spaces for word breaks): "Gérald\u00a0Darmanin" and "Conseil d’État" are then names of
// plain Latin letters for the fast fold, which doesn't know those characters.
std::string ascii_punctuation(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size(); ++i) {
    const auto c = static_cast<unsigned char>(name[i]);
    if (c == 0xC2 && i + 1 < name.size() && static_cast<unsigned char>(name[i + 1]) == 0xA0) {
      out.push_back(' ');
      i += 1;
    } else if (c == 0xE2 && i + 2 < name.size() && static_cast<unsigned char>(name[i + 1]) == 0x80) {
      const auto d = static_cast<unsigned char>(name[i + 2]);
      if (d == 0xAF || d == 0x87 || d == 0x89 || d == 0x98 || d == 0x99) {
        out.push_back(d == 0x98 || d == 0x99 ? '\'' : ' ');
        i += 2;
      } else {
        out.push_back(name[i]);
      }
    } else {
      out.push_back(name[i]);
    }
  }
  return out;
}

std::string collapse_spaces(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// Latin letters of U+00C0–U+017F as the transliterator spells them, in lower case: those whose canonical
// decomposition is one ASCII letter and combining marks (é → e), taken from ICU's normaliser, which needs no
// transliterator registry; and the letters of their own that French and European names are written with
// (æ → ae, œ → oe, ø → o, ß → ss, ł → l), which it doesn't decompose. Left to the transliterator, those
// made a name a group of its own in the facets, although the index keys it with its plain spelling:
// "Læticia Hallyday" counted 1 and "Laeticia Hallyday" 22, each finding 23. "": not such a letter.
constexpr char32_t kLatinFirst = 0xC0, kLatinLast = 0x17F;
const std::array<std::string_view, kLatinLast - kLatinFirst + 1>& plain_latin_letters() {
  static const auto table = [] {
    std::array<std::string_view, kLatinLast - kLatinFirst + 1> t{};
    static constexpr std::string_view kLower[26] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m",
                                                    "n", "o", "p", "q", "r", "s", "t", "u", "v", "w", "x", "y", "z"};
    // tests/entities_identity_test.cpp checks each against ICU's transliterator.
    for (const auto& [c, ascii] : std::initializer_list<std::pair<char32_t, std::string_view>>{
             {0xC6, "ae"}, {0xE6, "ae"}, {0xD0, "d"}, {0xF0, "d"}, {0xD8, "o"}, {0xF8, "o"}, {0xDE, "th"},
             {0xFE, "th"}, {0xDF, "ss"}, {0x110, "d"}, {0x111, "d"}, {0x126, "h"}, {0x127, "h"}, {0x131, "i"},
             {0x141, "l"}, {0x142, "l"}, {0x152, "oe"}, {0x153, "oe"}, {0x166, "t"}, {0x167, "t"}})
      t[c - kLatinFirst] = ascii;
    UErrorCode status = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
    if (U_FAILURE(status)) return t;
    for (char32_t c = kLatinFirst; c <= kLatinLast; ++c) {
      icu::UnicodeString d;
      if (!nfd->getDecomposition(static_cast<UChar32>(c), d) || d.length() < 2) continue;
      const char16_t base = d.charAt(0);
      const bool letter = (base >= u'a' && base <= u'z') || (base >= u'A' && base <= u'Z');
      bool marks_only = true;
      for (int32_t i = 1; i < d.length(); ++i) marks_only = marks_only && d.charAt(i) >= 0x300 && d.charAt(i) <= 0x36F;
      if (letter && marks_only) t[c - kLatinFirst] = kLower[(base | 0x20) - 'a'];
    }
    return t;
  }();
  return table;
}

}  // namespace

std::optional<std::string> Identity::fold_plain_latin(std::string_view name) {
  const auto& letters = plain_latin_letters();
  std::string out;
  out.reserve(name.size());
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(name.data());
  const auto length = static_cast<std::int32_t>(name.size());
  for (std::int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(bytes, i, length, c);
    if (c >= 0 && c < 0x80) {
      out.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
    } else if (c >= static_cast<UChar32>(kLatinFirst) && c <= static_cast<UChar32>(kLatinLast) &&
               !letters[static_cast<std::size_t>(c) - kLatinFirst].empty()) {
      out.append(letters[static_cast<std::size_t>(c) - kLatinFirst]);
    } else {
      return std::nullopt;
    }
  }
  return out;
}

struct Identity::Impl {
  // Created on first use: setting up ICU's transliterator registry takes ~25 ms, which was most of the
  // time of a one-query gazette-query process. Names of ASCII and plain accented Latin letters, and the
  // names of the data files (transliterations.tsv), never need it.
  std::unique_ptr<icu::Transliterator> to_ascii;
  bool to_ascii_tried = false;
  std::mutex transliterator_mutex;  // ICU transliterators are not safe for concurrent use
  std::unordered_map<std::string, std::string> known_transliterations;
  std::vector<std::string> transliterated;  // the first names transliterate() had to do, for the data test
  struct Entry {
    std::string canonical;
    std::optional<EntityType> type;
  };
  std::vector<Entry> entries;
  std::unordered_map<std::string, std::size_t> by_skeleton;             // alias or canonical → entry
  std::unordered_map<std::string, std::set<std::size_t>> by_surname;    // alias-file persons
  std::unordered_map<std::string, std::set<std::size_t>> known_surname; // persons of the training data

  std::size_t add_entry(std::string canonical, std::optional<EntityType> type) {
    entries.push_back({std::move(canonical), type});
    return entries.size() - 1;
  }
};

Identity::Identity() : impl_(std::make_unique<Impl>()) {}
Identity::~Identity() = default;
Identity::Identity(Identity&&) noexcept = default;
Identity& Identity::operator=(Identity&&) noexcept = default;

std::string Identity::skeleton(std::string_view name) const {
  // The same names come back in every article (Macron, Paris, l'Union européenne), and the transliterator is
  // slow and shared under a lock: each thread remembers the skeletons it made. The transliteration rules are
  // the same for every Identity, so the cache doesn't need to know which one asks. Bounded by clearing.
  thread_local std::unordered_map<std::string, std::string> cache;
  constexpr std::size_t kCacheEntries = 1 << 16;
  const std::string key(name);
  if (auto it = cache.find(key); it != cache.end()) return it->second;
  if (cache.size() >= kCacheEntries) cache.clear();
  std::string result = skeleton_uncached(name);
  cache.emplace(key, result);
  return result;
}

std::string Identity::transliterate(std::string_view name) const {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<std::int32_t>(name.size())));
  {
    std::lock_guard<std::mutex> lock(impl_->transliterator_mutex);
    if (!impl_->to_ascii_tried) {
      impl_->to_ascii_tried = true;
      UErrorCode status = U_ZERO_ERROR;
      // BGN/PCGN romanisation for Cyrillic (Ушаков → Ushakov, as English-language news write it), then any
      // other script to Latin, then accents away.
      impl_->to_ascii.reset(icu::Transliterator::createInstance("Russian-Latin/BGN; Any-Latin; Latin-ASCII; Lower",
                                                                UTRANS_FORWARD, status));
      if (U_FAILURE(status)) impl_->to_ascii.reset();
    }
    if (impl_->transliterated.size() < 100) impl_->transliterated.emplace_back(name);
    if (!impl_->to_ascii) return fold(name);
    impl_->to_ascii->transliterate(u);
  }
  std::string ascii;
  u.toUTF8String(ascii);
  return ascii;
}

std::vector<std::string> Identity::names_transliterated() const {
  std::lock_guard<std::mutex> lock(impl_->transliterator_mutex);
  return impl_->transliterated;
}

void Identity::load_transliterations(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const std::size_t tab = line.find('\t');
    if (tab != std::string::npos) impl_->known_transliterations.emplace(line.substr(0, tab), line.substr(tab + 1));
  }
}

std::string Identity::skeleton_uncached(std::string_view name) const {
  // What the transliterator would give, without it when possible (tests/entities_identity_test checks both
  // short cuts against it): most names are ASCII (Macron, Trump) or plain accented Latin (Élysée).
  const std::string spaced = ascii_punctuation(name);
  std::string ascii;
  if (auto plain = fold_plain_latin(spaced)) {
    ascii = std::move(*plain);
  } else if (auto known = impl_->known_transliterations.find(std::string(name));
             known != impl_->known_transliterations.end()) {
    ascii = known->second;
  } else {
    ascii = transliterate(name);
  }
  return spelling_key(ascii);
}

void Identity::load_aliases(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::istringstream row(line);
    std::string field;
    while (std::getline(row, field, '\t')) {
      field = collapse_spaces(field);
      if (!field.empty()) fields.push_back(field);
    }
    std::optional<EntityType> type;
    if (!fields.empty() && (fields[0] == "PER" || fields[0] == "ORG" || fields[0] == "LOC")) {
      type = fields[0] == "PER" ? EntityType::Person : fields[0] == "ORG" ? EntityType::Organisation : EntityType::Place;
      fields.erase(fields.begin());
    }
    if (fields.empty()) continue;
    std::size_t entry = impl_->add_entry(fields[0], type);
    for (const std::string& name : fields) {
      impl_->by_skeleton.try_emplace(skeleton(name), entry);  // the first line naming a spelling wins
    }
    if (type == EntityType::Person) {
      for (const std::string& name : fields) {
        auto words = split_words(skeleton(name));
        if (words.size() >= 2) impl_->by_surname[words.back()].insert(entry);
      }
    }
  }
}

void Identity::add_known_person(std::string_view full_name) {
  std::string key = skeleton(full_name);
  auto words = split_words(key);
  if (words.size() < 2) return;
  std::size_t entry = impl_->add_entry(collapse_spaces(full_name), EntityType::Person);
  impl_->by_skeleton.try_emplace(key, entry);
  impl_->known_surname[words.back()].insert(entry);
}

Identity::Resolution Identity::resolve(std::string_view name, std::optional<EntityType> type) const {
  std::string key = skeleton(name);
  auto compatible = [&](std::size_t entry) {
    return !type || !impl_->entries[entry].type || impl_->entries[entry].type == type;
  };
  auto found = [&](std::size_t entry) {
    const std::string& canonical = impl_->entries[entry].canonical;
    return Resolution{canonical, skeleton(canonical)};
  };
  if (auto it = impl_->by_skeleton.find(key); it != impl_->by_skeleton.end() && compatible(it->second)) {
    return found(it->second);
  }
  if (key.find(' ') == std::string::npos && (!type || type == EntityType::Person)) {
    // A bare surname stands for the one person of that name the alias file (then the training data) knows.
    for (const auto* index : {&impl_->by_surname, &impl_->known_surname}) {
      auto it = index->find(key);
      if (it == index->end()) continue;
      std::set<std::string> canonicals;
      for (std::size_t entry : it->second) canonicals.insert(skeleton(impl_->entries[entry].canonical));
      if (canonicals.size() == 1) return found(*it->second.begin());
      break;  // ambiguous: keep the surname alone
    }
  }
  return Resolution{collapse_spaces(name), key};
}

}  // namespace gazette::ner

namespace gazette {

std::optional<std::string> plain_latin_identity_key(std::string_view name) {
  auto plain = ner::Identity::fold_plain_latin(ner::ascii_punctuation(name));
  if (!plain) return std::nullopt;
  return ner::spelling_key(*plain);
}

}  // namespace gazette
