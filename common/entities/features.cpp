// Token features of the tagger. Each feature is a (template, value) string pair hashed to 64 bits; the model
// stores weights by hash, so adding a template means retraining, never a format change.
#include <algorithm>
#include <array>

#include "entities/ner.h"

namespace gazette::ner {
namespace {

constexpr std::uint64_t kFnvOffset = 1469598103934665603ULL;
constexpr std::uint64_t kFnvPrime = 1099511628211ULL;

std::uint64_t hash_more(std::uint64_t h, std::string_view value) {
  for (char c : value) h = (h ^ static_cast<unsigned char>(c)) * kFnvPrime;
  return h;
}

std::uint64_t hash_feature(char kind, std::string_view value) {
  std::uint64_t h = kFnvOffset;
  h = (h ^ static_cast<unsigned char>(kind)) * kFnvPrime;
  h = (h ^ 0x1F) * kFnvPrime;
  return hash_more(h, value);
}

// The hash of the value "a|b", without building it.
std::uint64_t hash_feature(char kind, std::string_view a, std::string_view b) {
  return hash_more(hash_more(hash_feature(kind, a), "|"), b);
}

// Words that announce a name of a given type a few words later. They are general French vocabulary
// (titles, institutions, place nouns), not names: the names themselves come from data.
enum Trigger : std::uint8_t { kNone = 0, kPersonTrigger = 1, kOrgTrigger = 2, kPlaceTrigger = 4 };

std::uint8_t trigger_of(std::string_view folded) {
  static const std::unordered_map<std::string_view, std::uint8_t> kTriggers = [] {
    std::unordered_map<std::string_view, std::uint8_t> m;
    for (std::string_view w :
         {"president", "presidente", "ministre", "porte-parole", "m", "mme", "mlle", "mm", "assistant", "assistante",
          "conseiller", "conseillere", "secretaire", "chancelier", "chanceliere", "premier", "senateur", "senatrice",
          "depute", "deputee", "maire", "general", "directeur", "directrice", "chef", "roi", "reine", "pape", "prince",
          "princesse", "candidat", "candidate", "acteur", "actrice", "chanteur", "chanteuse", "joueur", "joueuse",
          "entraineur", "ecrivain", "journaliste", "homologue", "dirigeant", "dirigeante", "fondateur", "fondatrice",
          "juge", "avocat", "avocate", "dr", "docteur", "professeur", "coureur", "pilote", "realisateur", "auteur",
          "epouse", "mari", "fils", "fille", "ambassadeur", "ambassadrice", "commissaire", "procureur", "patron",
          "presidentiel", "diplomate", "opposant", "leader", "selon", "a-t-il", "a-t-elle", "declare", "explique"}) {
      m[w] |= kPersonTrigger;
    }
    for (std::string_view w :
         {"ministere", "parti", "societe", "groupe", "entreprise", "association", "universite", "agence", "banque",
          "compagnie", "club", "federation", "conseil", "organisation", "comite", "union", "commission", "institut",
          "tribunal", "cour", "assemblee", "armee", "syndicat", "equipe", "constructeur", "operateur", "chaine",
          "journal", "quotidien", "fondation", "ong", "mouvement", "coalition", "gouvernement", "office", "service"}) {
      m[w] |= kOrgTrigger;
    }
    for (std::string_view w :
         {"ville", "region", "pays", "province", "capitale", "departement", "commune", "ile", "etat", "village",
          "pres", "a", "en", "au", "aux", "dans", "vers", "habitants", "nord", "sud", "est", "ouest", "frontiere",
          "depuis", "de", "fleuve", "mont", "quartier", "territoire", "republique", "royaume", "situe", "situee"}) {
      m[w] |= kPlaceTrigger;
    }
    return m;
  }();
  auto it = kTriggers.find(folded);
  return it == kTriggers.end() ? std::uint8_t{kNone} : it->second;
}

// Decimal forms of gazetteer hit codes, built once: std::to_string in the per-token loop was a visible cost.
const std::array<std::string, 256>& decimal() {
  static const std::array<std::string, 256> kDecimal = [] {
    std::array<std::string, 256> out;
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = std::to_string(i);
    return out;
  }();
  return kDecimal;
}

}  // namespace

Model::Features extract_features(std::string_view text, const std::vector<Token>& tokens, std::size_t begin,
                                 std::size_t end, const std::vector<std::vector<std::uint8_t>>& gazetteer_hits,
                                 std::vector<std::uint8_t>* word_only) {
  const std::size_t n = end - begin;
  if (word_only) word_only->assign(n, 0);
  std::vector<std::string_view> words(n);
  std::vector<std::string> folded(n), shapes(n);
  std::vector<std::uint8_t> triggers(n);
  for (std::size_t k = 0; k < n; ++k) {
    const Token& t = tokens[begin + k];
    words[k] = text.substr(t.start, t.end - t.start);
    folded[k] = fold(words[k]);
    shapes[k] = word_shape(words[k], true);
    triggers[k] = trigger_of(folded[k]);
  }
  auto word_at = [&](std::ptrdiff_t k) -> std::string_view {
    if (k < 0) return "<s>";
    if (k >= static_cast<std::ptrdiff_t>(n)) return "</s>";
    return folded[static_cast<std::size_t>(k)];
  };
  auto shape_at = [&](std::ptrdiff_t k) -> std::string_view {
    if (k < 0) return "<s>";
    if (k >= static_cast<std::ptrdiff_t>(n)) return "</s>";
    return shapes[static_cast<std::size_t>(k)];
  };

  Model::Features features(n);
  for (std::size_t k = 0; k < n; ++k) {
    auto& f = features[k];
    f.reserve(48);  // about the number of features of a word, so the vector is allocated once
    auto add = [&](char kind, std::string_view value) { f.push_back(hash_feature(kind, value)); };
    auto add2 = [&](char kind, std::string_view a, std::string_view b) { f.push_back(hash_feature(kind, a, b)); };
    const auto ik = static_cast<std::ptrdiff_t>(k);
    const std::string& w = folded[k];
    add('b', "");
    add('w', words[k]);
    add('f', w);
    add('s', shapes[k]);
    add('S', word_shape(words[k], false));
    // Affixes by code point count would be nicer; byte affixes on folded (mostly ASCII) text are close enough.
    for (std::size_t len = 1; len <= 4 && len <= w.size(); ++len) {
      add('p', std::string_view(w).substr(0, len));
      add('x', std::string_view(w).substr(w.size() - len));
    }
    // Everything so far follows from words[k] alone (its 'w' feature, second, stands for it); keep it first.
    if (word_only) (*word_only)[k] = static_cast<std::uint8_t>(f.size());
    add('1', word_at(ik - 1));
    add('2', word_at(ik - 2));
    add('3', word_at(ik + 1));
    add('4', word_at(ik + 2));
    add2('5', word_at(ik - 1), w);
    add2('6', w, word_at(ik + 1));
    add2('7', word_at(ik - 2), word_at(ik - 1));
    add('8', shape_at(ik - 1));
    add('9', shape_at(ik + 1));
    add2('A', shape_at(ik - 1), shapes[k]);
    add2('B', shapes[k], shape_at(ik + 1));
    add2('C', shape_at(ik - 1), shape_at(ik + 1));
    if (k == 0) add('D', shapes[k]);  // first word of the sentence: its capital says little
    bool upper = starts_upper(words[k]);
    if (upper && k > 0) add('E', "inner-capital");
    if (w.size() > 3 && w.find('-') != std::string::npos) add('F', std::string_view(w).substr(w.find('-')));
    // Trigger words in a window, by type and side.
    for (std::ptrdiff_t d = -3; d <= 3; ++d) {
      if (d == 0) continue;
      std::ptrdiff_t j = ik + d;
      if (j < 0 || j >= static_cast<std::ptrdiff_t>(n)) continue;
      std::uint8_t trig = triggers[static_cast<std::size_t>(j)];
      if (trig == kNone) continue;
      // Triggers are bit sets of three types, so one digit.
      const char label_chars[3] = {d < 0 ? 'L' : 'R', static_cast<char>('0' + trig), std::abs(d) == 1 ? '1' : 'n'};
      const std::string_view label(label_chars, 3);
      add('G', label);
      if (std::abs(d) == 1) add2('H', label, upper ? "U" : "l");
    }
    // Gazetteer hits of this word and its neighbours.
    for (std::uint8_t hit : gazetteer_hits[begin + k]) {
      add('I', decimal()[hit]);
      add2('J', decimal()[hit], upper ? "U" : "l");
    }
    if (k > 0) {
      for (std::uint8_t hit : gazetteer_hits[begin + k - 1]) add('K', decimal()[hit]);
    }
    if (k + 1 < n) {
      for (std::uint8_t hit : gazetteer_hits[begin + k + 1]) add('M', decimal()[hit]);
    }
  }
  return features;
}

}  // namespace gazette::ner
