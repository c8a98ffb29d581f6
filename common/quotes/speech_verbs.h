// The inflected forms of French reporting verbs, loaded once from data/speech-verbs/forms.tsv.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace gazette::quotes {

// What a form can be, as a bit set: one surface form may be several of these ("dit" is a participle, a present
// and a simple past).
enum VerbFormBits : std::uint8_t {
  kParticiple = 1,        // a déclaré, s'est félicitée
  kFinite = 2,            // déclare, déclarait, déclara, déclarera, déclarerait (3rd person)
  kGerund = 4,            // déclarant
  kInfinitive = 8,        // déclarer
  kPronominalOnly = 16,   // the lemma reports speech only when pronominal (se féliciter)
};

struct VerbForm {
  std::string lemma;
  std::uint8_t bits = 0;
};

class SpeechVerbs {
 public:
  // Reads a forms.tsv file; throws gazette::Error when it cannot.
  static SpeechVerbs load(const std::string& path);
  // The shipped list: $GAZETTE_DATA/speech-verbs/forms.tsv, else the build's GAZETTE_DATA_DIR. Loaded on first use;
  // safe to call from several threads.
  static const SpeechVerbs& shipped();

  // `lower` must be lower-cased. nullptr when the form is not a reporting verb.
  const VerbForm* find(std::string_view lower) const;
  std::size_t size() const { return forms_.size(); }

 private:
  std::unordered_map<std::string, VerbForm> forms_;
};

}  // namespace gazette::quotes
