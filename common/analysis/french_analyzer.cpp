// The French analyzer (see docs/ANALYSIS.md for the steps and the conflations they cause).
#include "gazette/analyzer.h"

#include <algorithm>
#include <functional>
#include <stdexcept>
#include <utility>

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utext.h>
#include <unicode/utf16.h>
#include <xapian.h>

#include "utf16_text.h"

namespace gazette {
namespace {

using analysis::append_utf8;
using analysis::decode_for_analysis;
using analysis::is_joining_hyphen;
using analysis::Utf16Text;

// Beyond this many distinct words a cache is dropped and refilled: a bound on memory for very long runs,
// far above the vocabulary of a year of news (a few hundred thousand forms).
constexpr std::size_t kMaxCachedWords = 1'000'000;

// A word → value cache: open addressing over a flat array of (hash tag, entry index), entries stored
// contiguously. Most tokens are among a few thousand frequent words whose slots and entries stay in the
// processor caches; a node-based std::unordered_map missed them on nearly every lookup once the vocabulary
// of a large corpus was in (measured: over half of the analysis time).
template <typename Char, typename Value>
class WordCache {
 public:
  using KeyView = std::basic_string_view<Char>;

  // The reference is valid until the next call.
  template <typename Compute>
  const Value& get(KeyView word, Compute&& compute) {
    const std::size_t hash = std::hash<KeyView>{}(word);
    const auto tag = static_cast<std::uint32_t>(hash >> 32) | 1u;  // 0 marks an empty slot
    std::size_t i = hash & mask_;
    while (slots_[i].tag != 0) {
      if (slots_[i].tag == tag && entries_[slots_[i].index].key == word) return entries_[slots_[i].index].value;
      i = (i + 1) & mask_;
    }
    if (entries_.size() >= kMaxCachedWords) {
      clear();
      return get(word, std::forward<Compute>(compute));
    }
    entries_.push_back(Entry{std::basic_string<Char>(word), compute(word)});
    slots_[i] = Slot{tag, static_cast<std::uint32_t>(entries_.size() - 1)};
    if (entries_.size() * 2 > slots_.size()) grow();
    return entries_.back().value;
  }

 private:
  struct Slot {
    std::uint32_t tag = 0;
    std::uint32_t index = 0;
  };
  struct Entry {
    std::basic_string<Char> key;
    Value value;
  };
  static constexpr std::size_t kInitialSlots = 1u << 14;  // a power of two

  void place(std::size_t index) {
    const std::size_t hash = std::hash<KeyView>{}(entries_[index].key);
    std::size_t i = hash & mask_;
    while (slots_[i].tag != 0) i = (i + 1) & mask_;
    slots_[i] = Slot{static_cast<std::uint32_t>(hash >> 32) | 1u, static_cast<std::uint32_t>(index)};
  }

  void grow() {
    slots_.assign(slots_.size() * 2, Slot{});
    mask_ = slots_.size() - 1;
    for (std::size_t index = 0; index < entries_.size(); ++index) place(index);
  }

  void clear() {
    entries_.clear();
    slots_.assign(kInitialSlots, Slot{});
    mask_ = kInitialSlots - 1;
  }

  std::vector<Slot> slots_ = std::vector<Slot>(kInitialSlots);
  std::size_t mask_ = kInitialSlots - 1;
  std::vector<Entry> entries_;
};

// What the analysis of one written word gives, whatever its position.
struct WordForms {
  std::string lower;
  std::string folded;
  bool capitalised = false;
};

bool is_ascii(std::u16string_view units) {
  return std::all_of(units.begin(), units.end(), [](char16_t c) { return c < 0x80; });
}

char16_t ascii_lower(char16_t c) { return (c >= u'A' && c <= u'Z') ? static_cast<char16_t>(c + 32) : c; }

// Elided words written before an apostrophe: l’ d’ j’ m’ t’ s’ n’ c’ ç’ qu’ jusqu’ lorsqu’ puisqu’ quoiqu’ presqu’.
bool is_elided_prefix(std::u16string_view word) {
  static constexpr std::u16string_view kElided[] = {u"l",  u"d",     u"j",      u"m",      u"t",
                                                    u"s",  u"n",     u"c",      u"\u00e7", u"qu",
                                                    u"jusqu", u"lorsqu", u"puisqu", u"quoiqu", u"presqu"};
  if (word.empty() || word.size() > 6) return false;
  char16_t lowered[6];
  for (std::size_t i = 0; i < word.size(); ++i) {
    const char16_t c = word[i];
    lowered[i] = c == 0xC7 ? char16_t{0xE7} : ascii_lower(c);
  }
  const std::u16string_view candidate(lowered, word.size());
  return std::find(std::begin(kElided), std::end(kElided), candidate) != std::end(kElided);
}

// Ligatures that no Unicode decomposition splits: œ æ ß (and ĳ). Returns the replacement, empty if none.
std::u16string_view ligature_expansion(UChar32 c, bool next_is_lower) {
  switch (c) {
    case 0x0153: return u"oe";
    case 0x00E6: return u"ae";
    case 0x00DF: return u"ss";
    case 0x0133: return u"ij";
    case 0x0152: return next_is_lower ? u"Oe" : u"OE";
    case 0x00C6: return next_is_lower ? u"Ae" : u"AE";
    case 0x1E9E: return next_is_lower ? u"Ss" : u"SS";
    case 0x0132: return next_is_lower ? u"Ij" : u"IJ";
    default: return {};
  }
}

}  // namespace

struct FrenchAnalyzer::Impl {
  const icu::Normalizer2* nfc = nullptr;
  const icu::Normalizer2* nfd = nullptr;
  const icu::Normalizer2* nfkc = nullptr;
  icu::Locale french{"fr"};
  std::unique_ptr<icu::BreakIterator> words;
  Xapian::Stem stemmer{"french"};
  WordCache<char16_t, WordForms> forms_cache;
  WordCache<char, std::string> stem_cache;

  Impl() {
    UErrorCode status = U_ZERO_ERROR;
    nfc = icu::Normalizer2::getNFCInstance(status);
    nfd = icu::Normalizer2::getNFDInstance(status);
    nfkc = icu::Normalizer2::getNFKCInstance(status);
    words.reset(icu::BreakIterator::createWordInstance(french, status));
    if (U_FAILURE(status) || !words) {
      throw std::runtime_error(std::string("ICU word segmentation unavailable: ") + u_errorName(status));
    }
  }

  // Case-mapped (French rules, full mapping) copy; format characters (soft hyphen, zero-width joiners) are
  // invisible in print and would only make two spellings of one word differ, so they go.
  std::u16string lower_units(std::u16string_view in) const {
    icu::UnicodeString text(in.data(), static_cast<int32_t>(in.size()));
    text.toLower(french);
    std::u16string out;
    out.reserve(static_cast<std::size_t>(text.length()));
    for (int32_t i = 0; i < text.length(); ++i) {
      const char16_t c = text.charAt(i);
      if (u_charType(c) != U_FORMAT_CHAR) out.push_back(c);
    }
    return out;
  }

  // Accents (non-spacing marks after canonical decomposition), format characters and ligatures removed;
  // compatibility forms (ﬁ, ², full-width letters) are first brought to their plain letters by NFKC.
  std::u16string fold_units(std::u16string_view in) const {
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString compatible;
    nfkc->normalize(icu::UnicodeString(false, in.data(), static_cast<int32_t>(in.size())), compatible, status);
    icu::UnicodeString decomposed;
    nfd->normalize(compatible, decomposed, status);
    if (U_FAILURE(status)) return std::u16string(in);
    std::u16string out;
    out.reserve(static_cast<std::size_t>(decomposed.length()) + 4);
    const char16_t* units = reinterpret_cast<const char16_t*>(decomposed.getBuffer());
    const int32_t length = decomposed.length();
    int32_t i = 0;
    while (i < length) {
      UChar32 c;
      U16_NEXT(units, i, length, c);
      const int8_t type = u_charType(c);
      if (type == U_NON_SPACING_MARK || type == U_FORMAT_CHAR) continue;
      UChar32 next = 0;
      if (i < length) U16_GET(units, 0, i, length, next);
      const std::u16string_view expansion = ligature_expansion(c, u_islower(next));
      if (!expansion.empty()) {
        out.append(expansion);
      } else if (c <= 0xFFFF) {
        out.push_back(static_cast<char16_t>(c));
      } else {
        out.push_back(static_cast<char16_t>(U16_LEAD(c)));
        out.push_back(static_cast<char16_t>(U16_TRAIL(c)));
      }
    }
    // Marks that are not non-spacing (rare outside Latin script) may still compose with what is left.
    icu::UnicodeString recomposed;
    nfc->normalize(icu::UnicodeString(false, out.data(), static_cast<int32_t>(out.size())), recomposed, status);
    if (U_FAILURE(status)) return out;
    return std::u16string(reinterpret_cast<const char16_t*>(recomposed.getBuffer()),
                          static_cast<std::size_t>(recomposed.length()));
  }

  WordForms compute_forms(std::u16string_view word) const {
    WordForms forms;
    UChar32 first;
    U16_GET(word.data(), 0, 0, word.size(), first);
    forms.capitalised = u_isupper(first) || u_istitle(first);
    if (is_ascii(word)) {
      forms.lower.reserve(word.size());
      for (const char16_t c : word) forms.lower.push_back(static_cast<char>(ascii_lower(c)));
      forms.folded = forms.lower;
      return forms;
    }
    const std::u16string lowered = lower_units(word);
    append_utf8(lowered, forms.lower);
    append_utf8(fold_units(lowered), forms.folded);
    return forms;
  }

  const WordForms& forms_of(std::u16string_view word) {
    return forms_cache.get(word, [this](std::u16string_view w) { return compute_forms(w); });
  }

  std::vector<Token> tokenize(std::string_view text_utf8) {
    const Utf16Text text = decode_for_analysis(text_utf8, *nfc);
    const std::u16string& units = text.units;
    std::vector<Token> tokens;
    if (units.empty()) return tokens;
    // Where each token's ICU segment started (before an elided prefix) and ended, in UTF-16 units: two
    // tokens whose segments are separated by exactly one hyphen are parts of one compound.
    std::vector<std::pair<std::size_t, std::size_t>> segments;
    tokens.reserve(units.size() / 5);  // French news: about one word per 6.4 characters
    segments.reserve(units.size() / 5);

    UErrorCode status = U_ZERO_ERROR;
    UText* utext = utext_openUChars(nullptr, units.data(), static_cast<int64_t>(units.size()), &status);
    words->setText(utext, status);
    if (U_FAILURE(status)) {
      utext_close(utext);
      throw std::runtime_error(std::string("ICU word segmentation failed: ") + u_errorName(status));
    }
    int32_t segment_start = words->first();
    for (int32_t segment_end = words->next(); segment_end != icu::BreakIterator::DONE;
         segment_start = segment_end, segment_end = words->next()) {
      if (words->getRuleStatus() < UBRK_WORD_NONE_LIMIT) continue;  // spaces and punctuation
      const auto start = static_cast<std::size_t>(segment_start);
      const auto end = static_cast<std::size_t>(segment_end);
      const std::u16string_view segment = std::u16string_view(units).substr(start, end - start);
      std::size_t elided = 0;
      // ICU keeps l'Ukraine, qu'il, jusqu'aujourd'hui as one word: drop the elided prefixes it begins with.
      while (true) {
        const std::size_t apostrophe = segment.find(u'\'', elided);
        if (apostrophe == std::u16string_view::npos || apostrophe + 1 == segment.size() ||
            !is_elided_prefix(segment.substr(elided, apostrophe - elided))) {
          break;
        }
        elided = apostrophe + 1;
      }
      const std::size_t word_start = start + elided;
      const std::u16string_view word = segment.substr(elided);
      // An elided word ICU left alone ("l’" before a number or a quote) is not a word of its own.
      if (end < units.size() && units[end] == u'\'' && is_elided_prefix(word)) continue;
      Token token;
      if (is_ascii(word)) {
        // Most French words: lower-casing is cheaper than a cache lookup, which costs a cache miss or two.
        token.lower.resize(word.size());
        std::transform(word.begin(), word.end(), token.lower.begin(),
                       [](char16_t c) { return static_cast<char>(ascii_lower(c)); });
        token.folded = token.lower;
        token.capitalised = word[0] >= u'A' && word[0] <= u'Z';
      } else {
        const WordForms& forms = forms_of(word);
        token.lower = forms.lower;
        token.folded = forms.folded;
        token.capitalised = forms.capitalised;
      }
      token.start = text.byte_offset[word_start];
      token.end = text.byte_offset[end];
      tokens.push_back(std::move(token));
      segments.emplace_back(start, end);
    }
    utext_close(utext);

    for (std::size_t i = 1; i < tokens.size(); ++i) {
      const std::size_t previous_end = segments[i - 1].second;
      if (segments[i].first == previous_end + 1 && is_joining_hyphen(units[previous_end])) {
        tokens[i - 1].hyphen_part = true;
        tokens[i].hyphen_part = true;
      }
    }
    return tokens;
  }

  std::string fold(std::string_view text_utf8, bool keep_case) const {
    const Utf16Text text = decode_for_analysis(text_utf8, *nfc);
    std::string out;
    out.reserve(text_utf8.size());
    if (is_ascii(text.units)) {
      for (const char16_t c : text.units) out.push_back(static_cast<char>(keep_case ? c : ascii_lower(c)));
      return out;
    }
    append_utf8(fold_units(keep_case ? text.units : lower_units(text.units)), out);
    return out;
  }

  const std::string& stem(std::string_view folded_word) {
    return stem_cache.get(folded_word, [this](std::string_view word) { return stemmer(std::string(word)); });
  }

  std::string normalize_query(std::string_view query, const std::vector<std::string>& whole_fields) const {
    const std::u16string units = decode_for_analysis(query, *nfc).units;
    const std::size_t n = units.size();
    auto is_letter = [&](std::size_t i) { return i < n && u_isalpha(units[i]); };
    auto is_word_char = [&](std::size_t i) { return u_isalnum(units[i]) || units[i] == u'\''; };
    auto is_quote = [&](std::size_t i) {
      return i < n && (units[i] == u'"' || units[i] == 0xAB || units[i] == 0xBB || units[i] == 0x201C ||
                       units[i] == 0x201D || units[i] == 0x201E);
    };
    // The value of a field of `whole_fields` keeps its elisions: to the next space, or between its quotes.
    enum class Whole { No, ToSpace, ToClosingQuote };
    Whole whole = Whole::No;
    bool opened = false;  // ToClosingQuote: the opening quote was seen
    std::u16string out;
    out.reserve(n);
    std::size_t i = 0;
    while (i < n) {
      const char16_t c = units[i];
      if (whole == Whole::ToSpace && u_isUWhiteSpace(c)) whole = Whole::No;
      if (whole == Whole::ToClosingQuote && is_quote(i)) {
        if (opened) whole = Whole::No;
        opened = true;
      }
      if (c == 0xAB) {  // « opens a phrase; the (no-break) space after it belongs to typography only
        out.push_back(u'"');
        ++i;
        while (i < n && u_isUWhiteSpace(units[i])) ++i;
        continue;
      }
      if (c == 0xBB) {
        while (!out.empty() && u_isUWhiteSpace(out.back())) out.pop_back();
        out.push_back(u'"');
        ++i;
        continue;
      }
      if (c == 0x201C || c == 0x201D || c == 0x201E) {  // “ ” „ : QueryParser only knows ASCII quotes
        out.push_back(u'"');
        ++i;
        continue;
      }
      if (whole == Whole::No && is_letter(i) && (i == 0 || !is_word_char(i - 1))) {
        std::size_t j = i;
        while (is_letter(j)) ++j;
        if (j < n && units[j] == u':' && !whole_fields.empty()) {
          std::string name;
          for (std::size_t k = i; k < j; ++k) name.push_back(units[k] < 0x80 ? static_cast<char>(units[k]) : '\0');
          if (std::find(whole_fields.begin(), whole_fields.end(), name) != whole_fields.end()) {
            out.append(units, i, j + 1 - i);
            i = j + 1;
            whole = is_quote(i) ? Whole::ToClosingQuote : Whole::ToSpace;
            opened = false;
            continue;
          }
        }
        // At the start of a word: drop elided prefixes, as tokenize() does ("title:l'Élysée" → "title:Élysée").
        while (true) {
          j = i;
          while (is_letter(j)) ++j;
          if (j + 1 < n && units[j] == u'\'' && u_isalnum(units[j + 1]) &&
              is_elided_prefix(std::u16string_view(units).substr(i, j - i))) {
            i = j + 1;
          } else {
            break;
          }
        }
      }
      out.push_back(units[i]);
      ++i;
    }
    std::string result;
    result.reserve(query.size());
    append_utf8(is_ascii(out) ? out : fold_units(out), result);
    return result;
  }
};

FrenchAnalyzer::FrenchAnalyzer() : impl_(std::make_unique<Impl>()) {}
FrenchAnalyzer::~FrenchAnalyzer() = default;

std::vector<Token> FrenchAnalyzer::tokenize(std::string_view text) const { return impl_->tokenize(text); }

std::string FrenchAnalyzer::fold(std::string_view text) const { return impl_->fold(text, false); }

std::string FrenchAnalyzer::fold_keep_case(std::string_view text) const { return impl_->fold(text, true); }

std::string FrenchAnalyzer::stem(std::string_view folded_word) const { return impl_->stem(folded_word); }

std::string FrenchAnalyzer::normalize_query(std::string_view query, const std::vector<std::string>& whole_fields) const {
  return impl_->normalize_query(query, whole_fields);
}

}  // namespace gazette
