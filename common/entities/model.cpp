// The averaged structured perceptron (Collins 2002): Viterbi decoding under BILOU constraints, training with
// integer updates (so that training is exactly reproducible), and the binary model file.
#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iostream>
#include <random>
#include <set>

#include "entities/ner.h"

namespace gazette::ner {
namespace {

constexpr int kStart = kTagCount;  // row of the transition matrix for "before the first token"
constexpr char kMagic[8] = {'G', 'Z', 'N', 'E', 'R', 'B', 'I', '1'};

bool allowed(int previous, int tag) {
  bool previous_open = previous != kStart && previous != 0 &&
                       (part_of_tag(previous) == Part::B || part_of_tag(previous) == Part::I);
  if (!previous_open) return tag == 0 || part_of_tag(tag) == Part::B || part_of_tag(tag) == Part::U;
  return tag != 0 && type_of_tag(tag) == type_of_tag(previous) &&
         (part_of_tag(tag) == Part::I || part_of_tag(tag) == Part::L);
}

// Viterbi's inner loop visits, for each tag, only the tags allowed before it (2 or 7 of the 13), in
// increasing order so that ties go to the same predecessor as a full scan would pick.
struct Predecessors {
  std::array<std::array<std::uint8_t, kTagCount>, kTagCount> of{};
  std::array<std::uint8_t, kTagCount> count{};
  Predecessors() {
    for (int t = 0; t < kTagCount; ++t)
      for (int p = 0; p < kTagCount; ++p)
        if (allowed(p, t)) of[static_cast<std::size_t>(t)][count[static_cast<std::size_t>(t)]++] = static_cast<std::uint8_t>(p);
  }
};
const Predecessors kPredecessors;

bool allowed_last(int tag) { return tag == 0 || part_of_tag(tag) == Part::L || part_of_tag(tag) == Part::U; }

// Best tag sequence given emission scores (n × kTagCount) and transition scores ((kTagCount+1) × kTagCount).
template <typename Score, typename Transition>
std::vector<int> viterbi(std::size_t n, const std::vector<Score>& emission, const Transition* transitions) {
  std::vector<int> tags(n, 0);
  if (n == 0) return tags;
  constexpr double kImpossible = -1e300;
  std::vector<double> best(n * kTagCount, kImpossible);
  std::vector<int> back(n * kTagCount, 0);
  for (int t = 0; t < kTagCount; ++t) {
    if (allowed(kStart, t)) best[t] = double(emission[t]) + double(transitions[kStart * kTagCount + t]);
  }
  for (std::size_t i = 1; i < n; ++i) {
    const double* previous_row = best.data() + (i - 1) * kTagCount;
    for (int t = 0; t < kTagCount; ++t) {
      double top = kImpossible;
      int arg = 0;
      const auto& candidates = kPredecessors.of[static_cast<std::size_t>(t)];
      for (std::size_t c = 0; c < kPredecessors.count[static_cast<std::size_t>(t)]; ++c) {
        const int p = candidates[c];
        double previous = previous_row[p];
        if (previous <= kImpossible) continue;
        double score = previous + double(transitions[p * kTagCount + t]);
        if (score > top) {
          top = score;
          arg = p;
        }
      }
      if (top <= kImpossible) continue;
      best[i * kTagCount + t] = top + double(emission[i * kTagCount + t]);
      back[i * kTagCount + t] = arg;
    }
  }
  double top = kImpossible;
  int arg = 0;
  for (int t = 0; t < kTagCount; ++t) {
    double score = best[(n - 1) * kTagCount + t];
    if (allowed_last(t) && score > top) {
      top = score;
      arg = t;
    }
  }
  for (std::size_t i = n; i-- > 0;) {
    tags[i] = arg;
    arg = back[i * kTagCount + arg];
  }
  return tags;
}

template <typename T>
void write_raw(std::ostream& out, const T& value) {
  out.write(reinterpret_cast<const char*>(&value), sizeof(T));
}

}  // namespace

Model::Model() = default;

void Model::assign(std::vector<Entry> entries, const std::array<float, (kTagCount + 1) * kTagCount>& transitions) {
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) { return a.key < b.key; });
  keys_.clear();
  masks_.clear();
  offsets_.clear();
  weights_.clear();
  for (const Entry& e : entries) {
    std::uint16_t mask = 0;
    keys_.push_back(e.key);
    offsets_.push_back(static_cast<std::uint32_t>(weights_.size()));
    for (int t = 0; t < kTagCount; ++t) {
      if (e.weights[t] == 0.0f) continue;
      mask = static_cast<std::uint16_t>(mask | (1u << t));
      weights_.push_back(e.weights[t]);
    }
    masks_.push_back(mask);
  }
  transitions_ = transitions;
  static std::atomic<std::uint64_t> generations{0};
  generation_ = ++generations;
  std::size_t capacity = 16;
  while (capacity < keys_.size() * 2) capacity *= 2;
  table_.assign(capacity, Slot{});
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    std::size_t slot = keys_[i] & (capacity - 1);
    while (table_[slot].offset != Slot::kEmpty) slot = (slot + 1) & (capacity - 1);
    table_[slot] = Slot{keys_[i], offsets_[i], masks_[i]};
  }
}

const float* Model::find(std::uint64_t key, std::uint16_t* mask) const {
  if (table_.empty()) return nullptr;
  const std::size_t capacity = table_.size();
  for (std::size_t slot = key & (capacity - 1);; slot = (slot + 1) & (capacity - 1)) {
    const Slot& s = table_[slot];
    if (s.offset == Slot::kEmpty) return nullptr;
    if (s.key == key) {
      *mask = s.mask;
      return weights_.data() + s.offset;
    }
  }
}

namespace {

// A decoding thread's summed weights of the word-only features (extract_features' `word_only`) by word:
// news text repeats its words, and those features are about half of a word's, each one a look-up that
// misses the processor's caches. A row is summed from 0 in feature order, as decode sums a token's
// features, so a token's scores are the same floats whether its word's row was cached or not.
class WordRows {
 public:
  struct Row {
    std::uint64_t key;  // the word's 'w' feature
    std::array<float, kTagCount> scores;
    std::uint32_t used;  // 0: free
  };
  // Valid for `generation` (one model's weights) until the next call.
  Row* find_or_add(std::uint64_t generation, std::uint64_t key, bool* added) {
    if (generation != generation_ || count_ * 2 >= kCapacity) {
      // A bound on memory: from time to time the words seen so far are forgotten.
      if (rows_.empty()) rows_.resize(kCapacity);
      else std::fill(rows_.begin(), rows_.end(), Row{});
      generation_ = generation;
      count_ = 0;
    }
    for (std::size_t i = key & (kCapacity - 1);; i = (i + 1) & (kCapacity - 1)) {
      Row& row = rows_[i];
      if (row.used == 0) {
        row = Row{key, {}, 1};
        ++count_;
        *added = true;
        return &row;
      }
      if (row.key == key) {
        *added = false;
        return &row;
      }
    }
  }
  void prefetch(std::uint64_t key) const {
    if (!rows_.empty()) __builtin_prefetch(&rows_[key & (kCapacity - 1)]);
  }

 private:
  static constexpr std::size_t kCapacity = std::size_t{1} << 17;  // 64-byte rows: 8 MB a thread
  std::vector<Row> rows_;
  std::size_t count_ = 0;
  std::uint64_t generation_ = 0;
};

}  // namespace

std::vector<int> Model::decode(const Features& features, const std::vector<std::uint8_t>* word_only) const {
  std::vector<float> emission(features.size() * kTagCount, 0.0f);
  if (table_.empty()) return viterbi(features.size(), emission, transitions_.data());
  if (word_only && word_only->size() != features.size()) word_only = nullptr;
  // Decoding is mostly cache misses: the slot table and the weights are megabytes. So the lookups run one
  // token ahead of their prefetches, and the weights they find are prefetched and summed in a second pass
  // (in the same order, so the sums are the same floats).
  thread_local WordRows word_rows;
  // A token's features from `first_of(i)` on are looked up one by one; those before it come from its
  // word's row, keyed by its second feature ('w', the word).
  auto first_of = [&](std::size_t i) -> std::size_t {
    const std::size_t n = word_only ? (*word_only)[i] : 0;
    return n >= 2 && n <= features[i].size() ? n : 0;
  };
  const std::size_t slot_mask = table_.size() - 1;
  auto prefetch_slots = [&](std::size_t i) {
    const std::size_t first = first_of(i);
    if (first > 0) word_rows.prefetch(features[i][1]);
    for (std::size_t f = first; f < features[i].size(); ++f) __builtin_prefetch(&table_[features[i][f] & slot_mask]);
  };
  auto add_weights = [](float* row, const float* w, std::uint16_t mask) {
    for (; mask != 0; mask = static_cast<std::uint16_t>(mask & (mask - 1))) row[std::countr_zero(mask)] += *w++;
  };
  struct Hit {
    const float* weights;
    std::uint32_t token;
    std::uint16_t mask;
  };
  thread_local std::vector<Hit> hits;
  hits.clear();
  if (!features.empty()) prefetch_slots(0);
  for (std::size_t i = 0; i < features.size(); ++i) {
    if (i + 1 < features.size()) prefetch_slots(i + 1);
    const std::size_t first = first_of(i);
    if (first > 0) {
      bool added = false;
      WordRows::Row* row = word_rows.find_or_add(generation_, features[i][1], &added);
      if (added)
        for (std::size_t f = 0; f < first; ++f) {
          std::uint16_t mask = 0;
          if (const float* w = find(features[i][f], &mask)) add_weights(row->scores.data(), w, mask);
        }
      std::copy(row->scores.begin(), row->scores.end(), emission.begin() + static_cast<std::ptrdiff_t>(i * kTagCount));
    }
    for (std::size_t f = first; f < features[i].size(); ++f) {
      const std::uint64_t key = features[i][f];
      std::uint16_t mask = 0;
      const float* w = find(key, &mask);
      if (w == nullptr) continue;
      __builtin_prefetch(w);
      hits.push_back({w, static_cast<std::uint32_t>(i), mask});
    }
  }
  for (const Hit& hit : hits) add_weights(emission.data() + std::size_t{hit.token} * kTagCount, hit.weights, hit.mask);
  return viterbi(features.size(), emission, transitions_.data());
}

// File layout, little-endian: 8-byte magic "GZNERBI1"; u32 tag count (13); u32 entry count; the transition
// matrix as (13+1)×13 float32 (row 13 = sentence start); then per entry, by increasing key: u64 feature hash,
// u16 mask of the tags that have a weight, and that many float32 weights in tag order.
void Model::save(const std::filesystem::path& file) const {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + file.string());
  out.write(kMagic, sizeof kMagic);
  write_raw(out, static_cast<std::uint32_t>(kTagCount));
  write_raw(out, static_cast<std::uint32_t>(keys_.size()));
  for (float f : transitions_) write_raw(out, f);
  for (std::size_t i = 0; i < keys_.size(); ++i) {
    write_raw(out, keys_[i]);
    write_raw(out, masks_[i]);
    int count = std::popcount(masks_[i]);
    for (int k = 0; k < count; ++k) write_raw(out, weights_[offsets_[i] + static_cast<std::uint32_t>(k)]);
  }
  if (!out) throw std::runtime_error("cannot write " + file.string());
}

std::optional<Model> Model::load(const std::filesystem::path& file, std::string* error) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    if (error) *error = "no model at " + file.string();
    return std::nullopt;
  }
  std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::size_t at = 0;
  auto take = [&](void* into, std::size_t size) {
    if (at + size > data.size()) return false;
    std::memcpy(into, data.data() + at, size);
    at += size;
    return true;
  };
  char magic[8];
  std::uint32_t tags = 0, count = 0;
  std::array<float, (kTagCount + 1) * kTagCount> transitions{};
  if (!take(magic, 8) || std::memcmp(magic, kMagic, 8) != 0 || !take(&tags, 4) || tags != kTagCount ||
      !take(&count, 4) || !take(transitions.data(), sizeof transitions)) {
    if (error) *error = file.string() + ": not a Gazette entity model (or another version)";
    return std::nullopt;
  }
  std::vector<Entry> entries(count);
  for (Entry& e : entries) {
    std::uint16_t mask = 0;
    e.weights.fill(0.0f);
    if (!take(&e.key, 8) || !take(&mask, 2)) {
      if (error) *error = file.string() + ": truncated";
      return std::nullopt;
    }
    for (int t = 0; t < kTagCount; ++t) {
      if ((mask & (1u << t)) != 0 && !take(&e.weights[t], 4)) {
        if (error) *error = file.string() + ": truncated";
        return std::nullopt;
      }
    }
  }
  Model model;
  model.assign(std::move(entries), transitions);
  return model;
}

// ------------------------------------------------------------------------------------------ training
namespace {

struct Sequence {
  std::vector<std::vector<std::uint32_t>> features;  // interned ids
  std::vector<int> gold;
};

// Token spans of the gold entities that align with token boundaries.
std::vector<TokenSpan> gold_token_spans(const Document& doc, const std::vector<Token>& tokens) {
  std::vector<TokenSpan> spans;
  std::size_t i = 0;
  for (const GoldEntity& g : doc.gold) {
    while (i < tokens.size() && tokens[i].start < g.start) ++i;
    if (i == tokens.size() || tokens[i].start != g.start) continue;
    std::size_t j = i;
    while (j < tokens.size() && tokens[j].end < g.end) ++j;
    if (j == tokens.size() || tokens[j].end != g.end) continue;
    spans.push_back({g.type, i, j});
  }
  return spans;
}

}  // namespace

Model train(const std::vector<Document>& documents, const Gazetteers& gazetteers, const TrainOptions& options) {
  std::unordered_map<std::uint64_t, std::uint32_t> ids;
  std::vector<std::uint64_t> keys;
  std::vector<Sequence> sequences;
  for (const Document& doc : documents) {
    std::vector<Token> tokens = tokenize(doc.text);
    auto hits = gazetteers.match(doc.text, tokens);
    std::vector<int> gold = encode_bilou(tokens.size(), gold_token_spans(doc, tokens));
    std::vector<std::size_t> starts = sentence_starts(doc.text, tokens);
    // Never cut through a gold entity.
    starts.erase(std::remove_if(starts.begin(), starts.end(),
                                [&](std::size_t s) {
                                  return s > 0 && gold[s] != 0 &&
                                         (part_of_tag(gold[s]) == Part::I || part_of_tag(gold[s]) == Part::L);
                                }),
                 starts.end());
    for (std::size_t s = 0; s < starts.size(); ++s) {
      std::size_t begin = starts[s], end = s + 1 < starts.size() ? starts[s + 1] : tokens.size();
      Model::Features features = extract_features(doc.text, tokens, begin, end, hits);
      Sequence seq;
      seq.gold.assign(gold.begin() + static_cast<std::ptrdiff_t>(begin), gold.begin() + static_cast<std::ptrdiff_t>(end));
      for (auto& token_features : features) {
        std::vector<std::uint32_t> interned;
        interned.reserve(token_features.size());
        for (std::uint64_t key : token_features) {
          auto [it, inserted] = ids.try_emplace(key, static_cast<std::uint32_t>(keys.size()));
          if (inserted) keys.push_back(key);
          interned.push_back(it->second);
        }
        seq.features.push_back(std::move(interned));
      }
      sequences.push_back(std::move(seq));
    }
  }

  // Weights are integers (every update is ±1), and the running sums for averaging are integers weighted by the
  // step counter, so training gives the same model on any machine.
  std::vector<std::int32_t> slot_of(keys.size(), -1);
  std::vector<std::int32_t> weights;
  std::vector<std::int64_t> sums;
  std::array<std::int32_t, (kTagCount + 1) * kTagCount> transition_weights{};
  std::array<std::int64_t, (kTagCount + 1) * kTagCount> transition_sums{};
  std::int64_t step = 1;

  auto slot = [&](std::uint32_t id) {
    if (slot_of[id] < 0) {
      slot_of[id] = static_cast<std::int32_t>(weights.size() / kTagCount);
      weights.resize(weights.size() + kTagCount, 0);
      sums.resize(sums.size() + kTagCount, 0);
    }
    return static_cast<std::size_t>(slot_of[id]) * kTagCount;
  };

  std::vector<std::size_t> order(sequences.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937 rng(options.seed);
  for (int epoch = 0; epoch < options.epochs; ++epoch) {
    // Fisher-Yates with plain modulo: std::shuffle's algorithm differs between standard libraries.
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng() % i]);
    std::size_t errors = 0, total = 0;
    for (std::size_t index : order) {
      const Sequence& seq = sequences[index];
      const std::size_t n = seq.gold.size();
      std::vector<std::int64_t> emission(n * kTagCount, 0);
      for (std::size_t i = 0; i < n; ++i) {
        for (std::uint32_t id : seq.features[i]) {
          if (slot_of[id] < 0) continue;
          const std::int32_t* w = weights.data() + static_cast<std::size_t>(slot_of[id]) * kTagCount;
          for (int t = 0; t < kTagCount; ++t) emission[i * kTagCount + static_cast<std::size_t>(t)] += w[t];
        }
      }
      std::vector<int> predicted = viterbi(n, emission, transition_weights.data());
      total += n;
      for (std::size_t i = 0; i < n; ++i) {
        int previous_gold = i == 0 ? kStart : seq.gold[i - 1];
        int previous_predicted = i == 0 ? kStart : predicted[i - 1];
        if (seq.gold[i] != predicted[i]) {
          ++errors;
          for (std::uint32_t id : seq.features[i]) {
            std::size_t base = slot(id);
            weights[base + static_cast<std::size_t>(seq.gold[i])] += 1;
            sums[base + static_cast<std::size_t>(seq.gold[i])] += step;
            weights[base + static_cast<std::size_t>(predicted[i])] -= 1;
            sums[base + static_cast<std::size_t>(predicted[i])] -= step;
          }
        }
        if (seq.gold[i] != predicted[i] || previous_gold != previous_predicted) {
          std::size_t g = static_cast<std::size_t>(previous_gold * kTagCount + seq.gold[i]);
          std::size_t p = static_cast<std::size_t>(previous_predicted * kTagCount + predicted[i]);
          transition_weights[g] += 1;
          transition_sums[g] += step;
          transition_weights[p] -= 1;
          transition_sums[p] -= step;
        }
      }
      ++step;
    }
    if (options.verbose) {
      std::cerr << "epoch " << epoch + 1 << ": " << errors << " token errors of " << total << ", "
                << weights.size() / kTagCount << " features with weights\n";
    }
  }

  // Averaged weight = w − Σ(step·Δ)/step_final: the mean of the weight over all steps.
  auto average = [&](std::int32_t w, std::int64_t sum) {
    return static_cast<float>(double(w) - double(sum) / double(step));
  };
  std::vector<Model::Entry> entries;
  for (std::size_t id = 0; id < keys.size(); ++id) {
    if (slot_of[id] < 0) continue;
    std::size_t base = static_cast<std::size_t>(slot_of[id]) * kTagCount;
    Model::Entry e{keys[id], {}};
    bool any = false;
    for (int t = 0; t < kTagCount; ++t) {
      float a = average(weights[base + static_cast<std::size_t>(t)], sums[base + static_cast<std::size_t>(t)]);
      if (std::fabs(a) < options.prune_below) a = 0.0f;
      e.weights[static_cast<std::size_t>(t)] = a;
      any = any || a != 0.0f;
    }
    if (any) entries.push_back(e);
  }
  std::array<float, (kTagCount + 1) * kTagCount> transitions{};
  for (std::size_t i = 0; i < transitions.size(); ++i) transitions[i] = average(transition_weights[i], transition_sums[i]);
  Model model;
  model.assign(std::move(entries), transitions);
  return model;
}

std::vector<std::string> first_names_from(const std::vector<Document>& documents, int min_documents) {
  std::map<std::string, std::set<std::size_t>> seen;
  for (std::size_t d = 0; d < documents.size(); ++d) {
    const Document& doc = documents[d];
    for (const GoldEntity& g : doc.gold) {
      if (g.type != EntityType::Person) continue;
      std::string_view mention = std::string_view(doc.text).substr(g.start, g.end - g.start);
      std::vector<Token> tokens = tokenize(mention);
      if (tokens.size() < 2) continue;
      std::string_view first = mention.substr(tokens[0].start, tokens[0].end - tokens[0].start);
      if (!starts_upper(first) || first.size() < 2 || word_shape(first, true) != "Xx") {
        if (word_shape(first, true) != "Xx-Xx") continue;  // Jean-Pierre
      }
      seen[std::string(first)].insert(d);
    }
  }
  std::vector<std::string> out;
  for (const auto& [name, docs] : seen) {
    if (static_cast<int>(docs.size()) >= min_documents) out.push_back(name);
  }
  return out;
}

std::vector<std::string> full_person_names_from(const std::vector<Document>& documents, int min_documents) {
  std::map<std::string, std::set<std::size_t>> seen;
  for (std::size_t d = 0; d < documents.size(); ++d) {
    const Document& doc = documents[d];
    for (const GoldEntity& g : doc.gold) {
      if (g.type != EntityType::Person) continue;
      std::string_view mention = std::string_view(doc.text).substr(g.start, g.end - g.start);
      std::vector<Token> tokens = tokenize(mention);
      if (tokens.size() < 2 || tokens.size() > 4) continue;
      bool names_only = true;
      std::string joined;
      for (const Token& t : tokens) {
        std::string_view w = mention.substr(t.start, t.end - t.start);
        names_only = names_only && has_letter(w) && w.find('\'') == std::string_view::npos;
        if (!joined.empty()) joined.push_back(' ');
        joined += w;
      }
      std::string_view first = mention.substr(tokens[0].start, tokens[0].end - tokens[0].start);
      if (names_only && starts_upper(first)) seen[joined].insert(d);
    }
  }
  std::vector<std::string> out;
  for (const auto& [name, docs] : seen) {
    if (static_cast<int>(docs.size()) >= min_documents) out.push_back(name);
  }
  return out;
}

}  // namespace gazette::ner
