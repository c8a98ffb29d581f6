// Internals of the entity tagger, shared by the library, tools/train_ner, tools/eval_ner and the tests.
// The public interface is gazette/entities.h; nothing outside the entities module, its tools and its tests
// should include this header.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gazette/entities.h"

namespace gazette::ner {

// ---------------------------------------------------------------------------------------------- text
// A word or a punctuation sign with its UTF-8 byte span. Unlike the search analyzer's tokens, punctuation
// is kept (a full stop after "M" or a comma before a name is evidence) and elided articles stay separate
// tokens ("l'" "Ukraine") so that they never end up inside an entity.
struct Token {
  std::uint32_t start = 0;
  std::uint32_t end = 0;
  bool newline_before = false;  // a line break separates this token from the previous one
};

std::vector<Token> tokenize(std::string_view text);

// Lower-case, accents and ligatures folded ("Œuvre" → "oeuvre"), letter by letter; fast, no ICU objects.
std::string fold(std::string_view word);
// Word shape: X for upper-case, x lower-case, d digit, other characters as themselves ("Jean-Yves" →
// "Xxxx-Xxxx"); `compress` collapses runs ("Xx-Xx").
std::string word_shape(std::string_view word, bool compress);
bool starts_upper(std::string_view word);
bool has_letter(std::string_view word);

// Sentence boundaries: indices of the first token of each sentence (always starts with 0). A break is a line
// break or . ! ? followed by a capitalised word, except after abbreviations and initials ("M." "J.").
std::vector<std::size_t> sentence_starts(std::string_view text, const std::vector<Token>& tokens);

// The model's memory grows with the length of what it decodes at once (about 600 bytes a token), and a text
// without a full stop is one sentence: 5 MB of it took 770 MB. Sentences longer than `longest` tokens are cut
// after the last punctuation mark among the window's last quarter when there is one (names don't cross a
// comma), else at the window's end. Real sentences stay whole: the longest of OrangeSum's 560,000 has fewer
// than 400 tokens.
constexpr std::size_t kLongestSentence = 1000;
std::vector<std::size_t> bounded_sentence_starts(std::string_view text, const std::vector<Token>& tokens,
                                                 std::size_t longest = kLongestSentence);

// ------------------------------------------------------------------------------------------ tags
// BILOU encoding over three types: O, then B/I/L/U for PER, ORG, LOC.
constexpr int kTagCount = 13;
enum class Part { B = 0, I = 1, L = 2, U = 3 };
inline int tag_of(EntityType type, Part part) { return 1 + static_cast<int>(type) * 4 + static_cast<int>(part); }
inline EntityType type_of_tag(int tag) { return static_cast<EntityType>((tag - 1) / 4); }
inline Part part_of_tag(int tag) { return static_cast<Part>((tag - 1) % 4); }
std::string tag_name(int tag);

// An entity over tokens [first, last].
struct TokenSpan {
  EntityType type;
  std::size_t first;
  std::size_t last;
};
std::vector<int> encode_bilou(std::size_t token_count, const std::vector<TokenSpan>& spans);
std::vector<TokenSpan> decode_bilou(const std::vector<int>& tags);

// -------------------------------------------------------------------------------------- gazetteers
// Lists of names, matched on folded token sequences. Categories are bit flags.
enum GazetteerCategory : std::uint8_t {
  kCountry = 1,     // ICU's French country names, iso-codes' French names
  kCity = 2,        // GeoNames French exonyms (cities and regions, Debian libgeonames-common), CLDR exemplar cities
  kFirstName = 4,   // first names of persons in the training data
  kAcronym = 8,     // French administrative acronyms (sigles, CC0), matched case-sensitively
  kKnownPerson = 16,  // unused by the model; reserved
};

class Gazetteers {
 public:
  // Loads what exists: ICU country names, Debian's geonames.mo and iso_3166-1.mo (French), and from
  // `ner_dir`: first_names.txt, acronyms.txt. Missing files are skipped (listed in `missing()`).
  static Gazetteers load(const std::filesystem::path& ner_dir);

  void add(std::string_view name, std::uint8_t category);
  void add_acronym(std::string_view acronym);
  // Per token, the bits of every category whose longest match covers it, with the token's position in that
  // match (B/I/L/U) — encoded as category_index*4 + part, as a list.
  std::vector<std::vector<std::uint8_t>> match(std::string_view text, const std::vector<Token>& tokens) const;
  bool is_first_name(std::string_view folded_word) const;
  std::size_t size() const;  // names, not counting the leading words marked kLongerName
  const std::vector<std::string>& missing() const { return missing_; }

 private:
  // Not a category: set on the words a longer name starts with ("jean" of "jean castex").
  static constexpr std::uint8_t kLongerName = 128;
  std::unordered_map<std::string, std::uint8_t> names_;  // folded, tokens joined by ' '
  std::unordered_map<std::string, bool> acronyms_;       // exact form
  bool acronyms_capitalised_ = true;  // then only capitalised words are looked up among them
  std::size_t longest_ = 1;
  std::vector<std::string> missing_;
};

// ------------------------------------------------------------------------------------------ model
// Averaged structured perceptron: per-token features × tag weights, tag-to-tag transition weights, Viterbi
// decoding under BILOU constraints.
class Model {
 public:
  Model();
  static std::optional<Model> load(const std::filesystem::path& file, std::string* error);
  void save(const std::filesystem::path& file) const;

  // Feature hashes of each token of one sentence.
  using Features = std::vector<std::vector<std::uint64_t>>;
  // `word_only`, if given: how many of each token's first features depend on nothing but the word itself
  // (extract_features says), so that their summed weights can be looked up once per distinct word.
  std::vector<int> decode(const Features& features, const std::vector<std::uint8_t>* word_only = nullptr) const;

  std::size_t feature_count() const { return keys_.size(); }

  // Training writes these directly.
  struct Entry {
    std::uint64_t key;
    std::array<float, kTagCount> weights;
  };
  void assign(std::vector<Entry> entries, const std::array<float, (kTagCount + 1) * kTagCount>& transitions);

 private:
  const float* find(std::uint64_t key, std::uint16_t* mask) const;
  std::vector<std::uint64_t> keys_;  // sorted
  std::vector<std::uint16_t> masks_;
  std::vector<std::uint32_t> offsets_;
  std::vector<float> weights_;
  // Open addressing over the entries. Key, mask and offset share one slot: a lookup is one cache miss
  // into the table (plus one into weights_) instead of one per array, and decoding is mostly lookups.
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t offset = kEmpty;
    std::uint16_t mask = 0;
    static constexpr std::uint32_t kEmpty = 0xFFFFFFFFu;
  };
  std::vector<Slot> table_;
  std::array<float, (kTagCount + 1) * kTagCount> transitions_{};  // [previous (kTagCount = start)][tag]
  // Which weights these are: a decoding thread's cache of word rows is only valid for one (see decode).
  std::uint64_t generation_ = 0;
};

// Features of every token of a document; `sentence` bounds are [begin, end) token indices. With `word_only`,
// also how many of each token's features, at its start, are functions of its word alone (Model::decode).
Model::Features extract_features(std::string_view text, const std::vector<Token>& tokens, std::size_t begin,
                                 std::size_t end, const std::vector<std::vector<std::uint8_t>>& gazetteer_hits,
                                 std::vector<std::uint8_t>* word_only = nullptr);

// ------------------------------------------------------------------------------------------- data
struct GoldEntity {
  EntityType type;
  std::uint32_t start;  // bytes
  std::uint32_t end;
};

struct Document {
  std::string name;
  std::string text;
  std::vector<GoldEntity> gold;  // flat (outermost of nested annotations), sorted
  std::size_t misaligned = 0;    // gold entities whose bounds fall inside a token (dropped for training)
};

// Reads BRAT standoff pairs NAME.txt + NAME.ann (character offsets, converted to bytes). `txt_dir` may
// differ from `ann_dir` (the repository keeps texts in corpus/wikinews and annotations in data/ner).
std::vector<Document> read_brat(const std::filesystem::path& ann_dir, const std::filesystem::path& txt_dir);
// The held-aside evaluation split: every 10th document by sorted name (index % 10 == 9).
bool is_held_out(std::size_t index_in_sorted_order);
// Europeana Newspapers IO file: tokens joined by spaces, documents cut every `tokens_per_doc` tokens.
std::vector<Document> read_io_file(const std::filesystem::path& file, std::size_t tokens_per_doc);

struct TrainOptions {
  int epochs = 12;
  std::uint32_t seed = 20240601;
  float prune_below = 0.05f;  // averaged weights smaller than this (absolute) are dropped
  bool verbose = false;
};
Model train(const std::vector<Document>& documents, const Gazetteers& gazetteers, const TrainOptions& options);

// First names seen at the start of multi-word gold PER mentions in at least `min_documents` documents.
std::vector<std::string> first_names_from(const std::vector<Document>& documents, int min_documents);
// Full person names (≥ 2 words) seen in the gold data, for resolving bare surnames: "canonical" lines.
std::vector<std::string> full_person_names_from(const std::vector<Document>& documents, int min_documents);

// -------------------------------------------------------------------------------------- identity
// Cross-document identity: ICU transliteration to Latin ASCII, lower case, then spelling rules that merge
// French, English and German transcriptions (ou→u, sch/tch/ch→sh, final w/ff→v, -ine→-in …).
class Identity {
 public:
  Identity();
  ~Identity();
  Identity(Identity&&) noexcept;
  Identity& operator=(Identity&&) noexcept;

  // Reads `canonical<TAB>alias<TAB>…` lines (optionally preceded by a PER/ORG/LOC field).
  void load_aliases(const std::filesystem::path& file);
  // Adds full person names whose bare surname may stand for them when unambiguous.
  void add_known_person(std::string_view full_name);

  // Reads `name<TAB>transliteration` lines: what ICU's transliterator gives the data files' names that
  // fold_plain_latin can't fold, so that loading them needs no transliterator (see transliterate).
  void load_transliterations(const std::filesystem::path& file);

  // Folded, transliterated and spelling-normalised form of a name: "Uschakow" → "ushakov".
  std::string skeleton(std::string_view name) const;
  // ICU's transliteration of a name to lower-case Latin ASCII, before the spelling rules ("Ушаков" →
  // "ushakov"). Exact, and the first call costs ~25 ms: skeleton uses it only when the short cuts can't.
  std::string transliterate(std::string_view name) const;
  // The transliteration of a name of ASCII and accented Latin letters (U+00C0–U+017F that decompose into
  // an ASCII letter and marks, and æ, œ, ø, ß, ł, đ, ð, þ, ħ, ŧ, ı), lower case, without ICU's
  // transliterator; nullopt for any other character.
  static std::optional<std::string> fold_plain_latin(std::string_view name);
  // The first (up to 100) names this identity had to give ICU's transliterator.
  std::vector<std::string> names_transliterated() const;
  struct Resolution {
    std::string canonical;
    std::string key;
  };
  // Canonical name and key of a name: alias table, then unambiguous bare surname, then the name itself.
  Resolution resolve(std::string_view name, std::optional<EntityType> type) const;

 private:
  std::string skeleton_uncached(std::string_view name) const;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The identity tables of a data directory's ner/: transliterations.tsv, aliases.tsv, known_persons.txt.
Identity load_identity(const std::filesystem::path& ner_dir);

// ------------------------------------------------------------------------------------------ tagger
class Tagger final : public EntityTagger {
 public:
  Tagger(Model model, Gazetteers gazetteers, Identity identity);
  std::vector<Mention> tag(std::string_view text) const override;
  std::string key_for(std::string_view name) const override;
  std::string key_for(std::string_view name, EntityType type) const override;
  // The model's spans only, before document-level consistency (for evaluation of each stage).
  std::vector<Mention> tag_model_only(std::string_view text) const;
  const Gazetteers& gazetteers() const { return gazetteers_; }

 private:
  std::vector<TokenSpan> model_spans(std::string_view text, const std::vector<Token>& tokens) const;
  Model model_;
  Gazetteers gazetteers_;
  Identity identity_;
};

// Loads model.bin, gazetteers and aliases from a data directory (its ner/ folder).
std::unique_ptr<Tagger> load_tagger(const std::filesystem::path& data_dir, std::string* error);
std::unique_ptr<NameResolver> load_name_resolver(const std::filesystem::path& data_dir);

// ------------------------------------------------------------------------------------------- scores
struct Counts {
  std::size_t true_positives = 0, predicted = 0, gold = 0;
  double precision() const { return predicted ? double(true_positives) / double(predicted) : 0.0; }
  double recall() const { return gold ? double(true_positives) / double(gold) : 0.0; }
  double f1() const {
    double p = precision(), r = recall();
    return p + r > 0 ? 2 * p * r / (p + r) : 0.0;
  }
};
struct Scores {
  std::array<Counts, 3> per_type{};
  Counts overall;
  void add(const std::vector<GoldEntity>& gold, const std::vector<GoldEntity>& predicted);
};
// Exact-span scores of the tagger on documents; `document_level` = the full tag() (else the model alone);
// `merge` = merge adjacent same-type predictions first (for IO-tagged gold).
Scores evaluate(const Tagger& tagger, const std::vector<Document>& documents, bool document_level, bool merge);

// Adjacent same-type spans separated only by spaces merged into one, as IO-tagged gold data does.
std::vector<GoldEntity> merge_adjacent(std::string_view text, std::vector<GoldEntity> spans);

}  // namespace gazette::ner
