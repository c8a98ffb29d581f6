#include "quotes/speech_verbs.h"

#include <cstdlib>
#include <fstream>

#include "gazette/error.h"

namespace gazette::quotes {

namespace {

std::uint8_t bits_for_tag(std::string_view tag) {
  if (tag == "pp") return kParticiple;
  if (tag == "ger") return kGerund;
  if (tag == "inf") return kInfinitive;
  return kFinite;  // p3 p6 i3 i6 j3 j6 f3 f6 c3 c6
}

}  // namespace

SpeechVerbs SpeechVerbs::load(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw Error(ErrorCode::Io, "cannot read the speech-verb list " + path,
                "set GAZETTE_DATA to the data/ directory of Gazette, or regenerate it with scripts/gen-speech-verbs");
  }
  SpeechVerbs verbs;
  // A form listed for both "dire" and "se dire" is a reporting verb on its own: the pronominal-only flag survives
  // only when every listing of the form is pronominal.
  std::unordered_map<std::string, bool> seen_plain;
  std::string line;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (line.empty() || line[0] == '#') continue;
    std::string_view rest(line);
    std::string_view fields[4];
    for (int i = 0; i < 4; ++i) {
      auto tab = rest.find('\t');
      fields[i] = rest.substr(0, tab);
      rest = tab == std::string_view::npos ? std::string_view{} : rest.substr(tab + 1);
    }
    if (fields[0].empty() || fields[1].empty() || fields[2].empty()) {
      throw Error(ErrorCode::BadInput, path + ":" + std::to_string(line_number) + ": expected form, lemma, tag",
                  "regenerate the file with scripts/gen-speech-verbs");
    }
    std::string form(fields[0]);
    auto& entry = verbs.forms_[form];
    if (entry.lemma.empty()) entry.lemma = std::string(fields[1]);
    entry.bits |= bits_for_tag(fields[2]);
    bool pronominal = fields[3] == "1";
    if (!pronominal) seen_plain[form] = true;
  }
  for (auto& [form, entry] : verbs.forms_) {
    if (!seen_plain.count(form)) entry.bits |= kPronominalOnly;
  }
  return verbs;
}

const SpeechVerbs& SpeechVerbs::shipped() {
  static const SpeechVerbs verbs = [] {
    const char* env = std::getenv("GAZETTE_DATA");
    std::string dir = env && *env ? env : GAZETTE_DATA_DIR;
    return load(dir + "/speech-verbs/forms.tsv");
  }();
  return verbs;
}

const VerbForm* SpeechVerbs::find(std::string_view lower) const {
  auto it = forms_.find(std::string(lower));
  return it == forms_.end() ? nullptr : &it->second;
}

}  // namespace gazette::quotes
