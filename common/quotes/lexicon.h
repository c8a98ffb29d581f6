// Closed word classes the attribution rules rely on: function words of French grammar and the role nouns that
// name a person by their function ("le porte-parole", "la ministre").
#pragma once

#include <string_view>

namespace gazette::quotes {

bool is_avoir_auxiliary(std::string_view lower);   // a, ont, avait, aurait…
bool is_etre_auxiliary(std::string_view lower);    // est, sont, était… (pronominal past: s'est félicité)
bool is_adverb(std::string_view lower);            // également, aussi, notamment, any -ment adverb
bool is_determiner(std::string_view lower);        // le, la, l', un, son…
bool is_indefinite(std::string_view lower);        // un, une, des
bool is_clause_boundary_word(std::string_view lower);  // et, mais, que, qui, si…
bool is_object_clitic(std::string_view lower);     // lui, leur, l', ne…
bool is_np_stop_word(std::string_view lower);      // prepositions that end a subject after an incise verb

// Role nouns; `feminine` is set when the noun itself is feminine (ministre is epicene: not set).
bool is_role_noun(std::string_view lower, bool* feminine = nullptr);
// Heads of state and government: never resolved by "the last speaker" fallback, as they usually name someone new.
bool is_leader_noun(std::string_view lower);
// Nouns that can name the same function in an article ("le dirigeant russe" after "le président russe X").
int role_group(std::string_view lower);

}  // namespace gazette::quotes
