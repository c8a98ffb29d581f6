// The shipped tagger: the model's spans per sentence, then document-level consistency (a name tagged once is
// the same entity wherever it recurs, a surname after a full name is that person), canonical names, keys and
// appositive descriptors.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

#include "entities/ner.h"

namespace gazette {

const char* entity_type_code(EntityType t) {
  switch (t) {
    case EntityType::Person: return "PER";
    case EntityType::Organisation: return "ORG";
    case EntityType::Place: return "LOC";
  }
  return "?";
}

std::string EntityTagger::key_for(std::string_view name, EntityType /*type*/) const { return key_for(name); }

namespace {
std::filesystem::path default_data_dir() {
  const char* env = std::getenv("GAZETTE_DATA");
  return env != nullptr && *env != '\0' ? std::filesystem::path(env) : std::filesystem::path(GAZETTE_DATA_DIR);
}
}  // namespace

std::unique_ptr<EntityTagger> load_default_tagger() {
  std::string error;
  return ner::load_tagger(default_data_dir(), &error);
}

std::unique_ptr<NameResolver> load_default_name_resolver() {
  // Without a model there is no tagged index to match either: keep the behaviour of load_default_tagger().
  if (!std::filesystem::exists(default_data_dir() / "ner" / "model.bin")) return nullptr;
  return ner::load_name_resolver(default_data_dir());
}

namespace ner {
namespace {

// The longest name, in words, that the tagger looks for again in a document: "Organisation des Nations unies
// pour l'éducation, la science et la culture" is 13.
constexpr std::size_t kLongestRecurrence = 16;

std::string_view word_of(std::string_view text, const Token& t) { return text.substr(t.start, t.end - t.start); }

// Words of a span folded and joined, the document-level identity of a mention.
std::string folded_span(std::string_view text, const std::vector<Token>& tokens, std::size_t first, std::size_t last) {
  std::string out;
  for (std::size_t i = first; i <= last; ++i) {
    if (i > first) out.push_back(' ');
    out += fold(word_of(text, tokens[i]));
  }
  return out;
}

// Words that end a descriptor when reading leftwards from a name: determiners and possessives.
bool is_determiner(std::string_view folded) {
  static const std::array<std::string_view, 16> kDeterminers = {"le", "la", "les", "l'", "un", "une", "son", "sa",
                                                                "ses", "du", "des", "de", "d'", "notre", "leur", "ce"};
  return std::find(kDeterminers.begin(), kDeterminers.end(), folded) != kDeterminers.end();
}

}  // namespace

Tagger::Tagger(Model model, Gazetteers gazetteers, Identity identity)
    : model_(std::move(model)), gazetteers_(std::move(gazetteers)), identity_(std::move(identity)) {}

std::vector<TokenSpan> Tagger::model_spans(std::string_view text, const std::vector<Token>& tokens) const {
  auto hits = gazetteers_.match(text, tokens);
  std::vector<std::size_t> starts = bounded_sentence_starts(text, tokens);
  std::vector<TokenSpan> spans;
  for (std::size_t s = 0; s < starts.size(); ++s) {
    std::size_t begin = starts[s], end = s + 1 < starts.size() ? starts[s + 1] : tokens.size();
    std::vector<std::uint8_t> word_only;
    const Model::Features features = extract_features(text, tokens, begin, end, hits, &word_only);
    std::vector<int> tags = model_.decode(features, &word_only);
    for (TokenSpan span : decode_bilou(tags)) {
      span.first += begin;
      span.last += begin;
      // A name never starts with punctuation ("Groupe B : Angleterre" gave ": Angleterre") nor ends with a
      // separator; "Canal +" and "En marche !" keep their signs.
      auto separator = [&](std::size_t i) {
        const std::string_view w = word_of(text, tokens[i]);
        return !has_letter(w) && w.find_first_of("0123456789") == std::string_view::npos;
      };
      while (span.first < span.last && separator(span.first)) ++span.first;
      while (span.last > span.first && separator(span.last) && word_of(text, tokens[span.last]) != "!" &&
             word_of(text, tokens[span.last]) != "+")
        --span.last;
      if (separator(span.first) && span.first == span.last) continue;
      spans.push_back(span);
    }
  }
  return spans;
}

std::vector<Mention> Tagger::tag_model_only(std::string_view text) const {
  std::vector<Token> tokens = tokenize(text);
  std::vector<Mention> mentions;
  for (const TokenSpan& span : model_spans(text, tokens)) {
    Mention m;
    m.type = span.type;
    m.start = tokens[span.first].start;
    m.end = tokens[span.last].end;
    m.text = std::string(text.substr(m.start, m.end - m.start));
    mentions.push_back(std::move(m));
  }
  return mentions;
}

std::vector<Mention> Tagger::tag(std::string_view text) const {
  std::vector<Token> tokens = tokenize(text);
  std::vector<TokenSpan> spans = model_spans(text, tokens);

  // Each distinct name (folded words) takes the type it got most often in this document.
  // The surname of a person named in full counts as two person votes for that surname alone ("exprimé à Biden"
  // reads like a place to the model), but a name that is mostly something else keeps its type.
  std::map<std::string, std::array<int, 3>> votes;
  for (const TokenSpan& s : spans) {
    ++votes[folded_span(text, tokens, s.first, s.last)][static_cast<std::size_t>(s.type)];
    if (s.type == EntityType::Person && s.last > s.first) votes[folded_span(text, tokens, s.last, s.last)][0] += 2;
  }
  auto majority = [&](const std::string& name) {
    const auto& v = votes.at(name);
    return static_cast<EntityType>(std::max_element(v.begin(), v.end()) - v.begin());
  };
  for (TokenSpan& s : spans) s.type = majority(folded_span(text, tokens, s.first, s.last));

  // Recurrences the model missed: a multi-word name, or the surname of a person named in full, written again
  // with its capital elsewhere in the document.
  std::map<std::string, EntityType> known;
  std::size_t longest = 1;
  for (const TokenSpan& s : spans) {
    std::size_t length = s.last - s.first + 1;
    bool capitalised = starts_upper(word_of(text, tokens[s.first]));
    // Looked for again only up to kLongestRecurrence words: each capitalised word is tried at every length,
    // and a text of capitals without a full stop (one span of 100,000 words) made that quadratic.
    if (capitalised && length <= kLongestRecurrence) {
      known.emplace(folded_span(text, tokens, s.first, s.last), s.type);
      longest = std::max(longest, length);
    }
    if (s.type == EntityType::Person && length >= 2 && starts_upper(word_of(text, tokens[s.last]))) {
      known.emplace(folded_span(text, tokens, s.last, s.last), EntityType::Person);
    }
  }
  std::vector<bool> taken(tokens.size(), false);
  for (const TokenSpan& s : spans) std::fill(taken.begin() + static_cast<std::ptrdiff_t>(s.first), taken.begin() + static_cast<std::ptrdiff_t>(s.last) + 1, true);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (taken[i] || !starts_upper(word_of(text, tokens[i]))) continue;
    for (std::size_t length = std::min(longest, tokens.size() - i); length >= 1; --length) {
      std::size_t last = i + length - 1;
      if (std::any_of(taken.begin() + static_cast<std::ptrdiff_t>(i), taken.begin() + static_cast<std::ptrdiff_t>(last) + 1, [](bool b) { return b; })) continue;
      auto it = known.find(folded_span(text, tokens, i, last));
      if (it == known.end()) continue;
      // The next word must not continue the name ("Washington" inside "Washington Post").
      if (last + 1 < tokens.size() && starts_upper(word_of(text, tokens[last + 1])) && !taken[last + 1]) break;
      spans.push_back({it->second, i, last});
      std::fill(taken.begin() + static_cast<std::ptrdiff_t>(i), taken.begin() + static_cast<std::ptrdiff_t>(last) + 1, true);
      i = last;
      break;
    }
  }
  std::sort(spans.begin(), spans.end(), [](const TokenSpan& a, const TokenSpan& b) { return a.first < b.first; });

  // A person's later short mention ("Poutine") takes the canonical name of the full mention ("Vladimir
  // Poutine") in this document: the longest person span that ends with the same words.
  std::vector<std::string> span_folded(spans.size());
  for (std::size_t k = 0; k < spans.size(); ++k) span_folded[k] = folded_span(text, tokens, spans[k].first, spans[k].last);
  // The longest person span (the first of that length) that ends with a given run of whole words, for every
  // proper word suffix of every person span: looking each short mention up here, instead of comparing it
  // with every span, keeps a document of 100,000 mentions linear. Names longer than kLongestRecurrence
  // words are not real person names and are not indexed.
  std::unordered_map<std::string, std::size_t> fullest;  // word suffix → index of the span in `spans`
  for (std::size_t j = 0; j < spans.size(); ++j) {
    const TokenSpan& other = spans[j];
    const std::size_t length = other.last - other.first + 1;
    if (other.type != EntityType::Person || length < 2 || length > kLongestRecurrence) continue;
    const std::string& a = span_folded[j];
    for (std::size_t space = a.find(' '); space != std::string::npos; space = a.find(' ', space + 1)) {
      auto [at, added] = fullest.try_emplace(a.substr(space + 1), j);
      const TokenSpan& held = spans[at->second];
      if (!added && length > held.last - held.first + 1) at->second = j;
    }
  }
  std::vector<Mention> mentions;
  for (std::size_t k = 0; k < spans.size(); ++k) {
    const TokenSpan& s = spans[k];
    Mention m;
    m.type = s.type;
    m.start = tokens[s.first].start;
    m.end = tokens[s.last].end;
    m.text = std::string(text.substr(m.start, m.end - m.start));
    std::string full = m.text;
    if (s.type == EntityType::Person) {
      if (const auto found = fullest.find(span_folded[k]); found != fullest.end()) {
        const TokenSpan& other = spans[found->second];
        if (other.last - other.first > s.last - s.first)
          full = std::string(text.substr(tokens[other.first].start, tokens[other.last].end - tokens[other.first].start));
      }
    }
    Identity::Resolution r = identity_.resolve(full, s.type);
    m.canonical = r.canonical;
    m.key = r.key;
    if (s.type == EntityType::Person && s.first > 0) {
      // Apposition: "l'assistant présidentiel Youri Ouchakov" → "assistant présidentiel".
      std::size_t j = s.first;
      while (j > 0 && s.first - j < 4) {
        std::string_view w = word_of(text, tokens[j - 1]);
        std::string f = fold(w);
        if (!has_letter(w) || starts_upper(w) || is_determiner(f)) break;
        --j;
      }
      if (j < s.first && j > 0 && is_determiner(fold(word_of(text, tokens[j - 1])))) {
        m.descriptor = std::string(text.substr(tokens[j].start, tokens[s.first - 1].end - tokens[j].start));
      }
    }
    mentions.push_back(std::move(m));
  }
  return mentions;
}

std::string Tagger::key_for(std::string_view name) const { return identity_.resolve(name, std::nullopt).key; }

std::string Tagger::key_for(std::string_view name, EntityType type) const { return identity_.resolve(name, type).key; }

Identity load_identity(const std::filesystem::path& ner_dir) {
  Identity identity;
  identity.load_transliterations(ner_dir / "transliterations.tsv");
  identity.load_aliases(ner_dir / "aliases.tsv");
  std::ifstream persons(ner_dir / "known_persons.txt");
  std::string line;
  while (std::getline(persons, line)) {
    if (!line.empty() && line[0] != '#') identity.add_known_person(line);
  }
  return identity;
}

namespace {
class IdentityResolver final : public NameResolver {
 public:
  explicit IdentityResolver(Identity identity) : identity_(std::move(identity)) {}
  std::string key_for(std::string_view name) const override { return identity_.resolve(name, std::nullopt).key; }
  std::string key_for(std::string_view name, EntityType type) const override {
    return identity_.resolve(name, type).key;
  }

 private:
  Identity identity_;
};
}  // namespace

std::unique_ptr<Tagger> load_tagger(const std::filesystem::path& data_dir, std::string* error) {
  const std::filesystem::path ner_dir = data_dir / "ner";
  auto model = Model::load(ner_dir / "model.bin", error);
  if (!model) return nullptr;
  return std::make_unique<Tagger>(std::move(*model), Gazetteers::load(ner_dir), load_identity(ner_dir));
}

std::unique_ptr<NameResolver> load_name_resolver(const std::filesystem::path& data_dir) {
  return std::make_unique<IdentityResolver>(load_identity(data_dir / "ner"));
}

}  // namespace ner
}  // namespace gazette
