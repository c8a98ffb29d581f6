#include "quotes/lexicon.h"

#include <algorithm>
#include <array>

namespace gazette::quotes {

namespace {

template <std::size_t N>
bool in(const std::array<std::string_view, N>& words, std::string_view w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

constexpr std::array<std::string_view, 12> kAvoir = {"a", "ont", "avait", "avaient", "aurait", "auraient",
                                                     "eut", "eurent", "aura", "auront", "avaient", "ait"};
constexpr std::array<std::string_view, 10> kEtre = {"est", "sont", "était", "étaient", "serait", "seraient",
                                                    "fut", "furent", "sera", "seront"};
constexpr std::array<std::string_view, 26> kAdverbs = {
    "également", "aussi", "ainsi", "encore", "ensuite", "enfin", "alors", "déjà", "toutefois", "cependant",
    "néanmoins", "pourtant", "même", "aussitôt", "hier", "bien", "plus", "tôt", "tard", "ailleurs", "d'ailleurs",
    "souvent", "toujours", "jamais", "aujourd'hui", "vite"};
constexpr std::array<std::string_view, 16> kDeterminers = {"le", "la", "l'", "les", "un", "une", "son", "sa",
                                                           "ses", "leur", "leurs", "ce", "cette", "cet", "notre",
                                                           "des"};
constexpr std::array<std::string_view, 24> kBoundaries = {
    "et", "mais", "que", "qu'", "qui", "dont", "si", "lorsque", "lorsqu'", "quand", "car", "ou", "où", "puis",
    "comme", "puisque", "puisqu'", "parce", "tandis", "alors", "selon", "après", "avant", "donc"};
constexpr std::array<std::string_view, 14> kClitics = {"lui", "leur", "l'", "les", "nous", "vous", "me", "m'",
                                                       "te", "t'", "y", "en", "ne", "n'"};
constexpr std::array<std::string_view, 33> kNpStops = {
    "à", "au", "aux", "dans", "lors", "pour", "sur", "avec", "après", "avant", "devant", "depuis",
    "pendant", "et", "qui", "que", "qu'", "dont", "lorsque", "lorsqu'", "alors", "tandis", "mais", "car",
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "selon", "ajoutant"};

struct Role {
  std::string_view word;
  bool feminine;
  int group;  // 0: none; 1: leaders; 2: spokespeople; 3: aides; 4: ministers and officials; 5: diplomats
};
constexpr Role kRoles[] = {
    {"président", false, 1}, {"présidente", true, 1}, {"dirigeant", false, 1}, {"dirigeante", true, 1},
    {"chef", false, 1}, {"cheffe", true, 1}, {"leader", false, 1}, {"chancelier", false, 1},
    {"chancelière", true, 1}, {"roi", false, 1}, {"reine", true, 1}, {"premier", false, 1},
    {"première", true, 1}, {"homologue", false, 1}, {"porte-parole", false, 2}, {"assistant", false, 3},
    {"assistante", true, 3}, {"conseiller", false, 3}, {"conseillère", true, 3}, {"collaborateur", false, 3},
    {"collaboratrice", true, 3}, {"diplomate", false, 5}, {"ambassadeur", false, 5}, {"ambassadrice", true, 5},
    {"ministre", false, 4}, {"secrétaire", false, 4}, {"maire", false, 4}, {"député", false, 4},
    {"députée", true, 4}, {"sénateur", false, 4}, {"sénatrice", true, 4}, {"gouverneur", false, 4},
    {"commissaire", false, 4}, {"préfet", false, 4}, {"préfète", true, 4}, {"élu", false, 4}, {"élue", true, 4},
    {"vice-président", false, 4}, {"vice-présidente", true, 4}, {"avocat", false, 0}, {"avocate", true, 0},
    {"procureur", false, 0}, {"procureure", true, 0}, {"juge", false, 0}, {"directeur", false, 0},
    {"directrice", true, 0}, {"responsable", false, 0}, {"patron", false, 0}, {"patronne", true, 0},
    {"candidat", false, 0}, {"candidate", true, 0}, {"militant", false, 0}, {"militante", true, 0},
    {"expert", false, 0}, {"experte", true, 0}, {"chercheur", false, 0}, {"chercheuse", true, 0},
    {"entraîneur", false, 0}, {"entraineur", false, 0}, {"sélectionneur", false, 0}, {"joueur", false, 0},
    {"joueuse", true, 0}, {"capitaine", false, 0}, {"pilote", false, 0}, {"général", false, 0},
    {"colonel", false, 0}, {"officier", false, 0}, {"policier", false, 0}, {"policière", true, 0},
    {"témoin", false, 0}, {"écrivain", false, 0}, {"écrivaine", true, 0}, {"auteur", false, 0},
    {"autrice", true, 0}, {"acteur", false, 0}, {"actrice", true, 0}, {"chanteur", false, 0},
    {"chanteuse", true, 0}, {"réalisateur", false, 0}, {"réalisatrice", true, 0}, {"fondateur", false, 0},
    {"fondatrice", true, 0}, {"médecin", false, 0}, {"professeur", false, 0}, {"professeure", true, 0},
    {"scientifique", false, 0}, {"astronaute", false, 0}, {"pape", false, 1}, {"cardinal", false, 0},
    {"archevêque", false, 0}, {"évêque", false, 0}, {"prince", false, 0}, {"princesse", true, 0},
    {"athlète", false, 0}, {"champion", false, 0}, {"championne", true, 0}, {"coureur", false, 0},
    {"skieur", false, 0}, {"skieuse", true, 0}, {"nageur", false, 0}, {"nageuse", true, 0},
    {"président-directeur", false, 0}, {"pdg", false, 0}, {"patriarche", false, 0}, {"activiste", false, 0},
    {"journaliste", false, 0}, {"photographe", false, 0}, {"architecte", false, 0}, {"ancien", false, 0},
    {"ancienne", true, 0}, {"ex-président", false, 0}, {"ex-ministre", false, 0}, {"économiste", false, 0},
    {"analyste", false, 0}, {"spécialiste", false, 0}, {"astronome", false, 0}, {"physicien", false, 0},
    {"physicienne", true, 0}, {"biologiste", false, 0}, {"sociologue", false, 0}, {"historien", false, 0},
    {"historienne", true, 0}, {"représentant", false, 0}, {"représentante", true, 0}, {"délégué", false, 0},
    {"déléguée", true, 0}, {"négociateur", false, 0}, {"négociatrice", true, 0}, {"envoyé", false, 5},
    {"envoyée", true, 5}, {"émissaire", false, 5}, {"administrateur", false, 0}, {"gérant", false, 0},
    {"gérante", true, 0}, {"chef-d'état-major", false, 0}, {"procureure", true, 0}};

const Role* find_role(std::string_view w) {
  for (const auto& r : kRoles) {
    if (r.word == w) return &r;
  }
  // Plural and feminine forms are not needed: a plural subject has no single speaker.
  return nullptr;
}

}  // namespace

bool is_avoir_auxiliary(std::string_view w) { return in(kAvoir, w); }
bool is_etre_auxiliary(std::string_view w) { return in(kEtre, w); }
bool is_adverb(std::string_view w) {
  return in(kAdverbs, w) || (w.size() > 6 && w.substr(w.size() - 4) == "ment" && w != "gouvernement" &&
                             w != "parlement" && w != "moment" && w != "document" && w != "département");
}
bool is_determiner(std::string_view w) { return in(kDeterminers, w); }
bool is_indefinite(std::string_view w) { return w == "un" || w == "une" || w == "des"; }
bool is_clause_boundary_word(std::string_view w) { return in(kBoundaries, w); }
bool is_object_clitic(std::string_view w) { return in(kClitics, w); }
bool is_np_stop_word(std::string_view w) { return in(kNpStops, w); }

bool is_role_noun(std::string_view w, bool* feminine) {
  const Role* r = find_role(w);
  if (r && feminine) *feminine = r->feminine;
  return r != nullptr;
}
bool is_leader_noun(std::string_view w) {
  const Role* r = find_role(w);
  return r && r->group == 1;
}
int role_group(std::string_view w) {
  const Role* r = find_role(w);
  return r ? r->group : 0;
}

}  // namespace gazette::quotes
