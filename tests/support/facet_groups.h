// What an entity facet should count, worked out from the articles' own entity lists, the slow way: the
// names of one identity key (plain_latin_identity_key) are one value, counted once per match and shown by
// the name of the group the matches have most often (of equal ones, the first in byte order).
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "gazette/entities.h"

namespace gazette::testing {

struct NamesOfAMatch {
  std::set<std::string> names;
  std::uint64_t times = 1;  // how many results the match stands for (the quotes of an article)
};

inline std::map<std::string, std::uint64_t> expected_entity_facet(const std::vector<NamesOfAMatch>& matches) {
  const auto group_of = [](const std::string& name) {
    const auto key = plain_latin_identity_key(name);
    return key ? "k:" + *key : "n:" + name;  // a name of other letters is a group of its own
  };
  std::map<std::string, std::uint64_t> count_of_group;
  std::map<std::string, std::map<std::string, std::uint64_t>> uses_of_group;  // group → name → uses
  for (const NamesOfAMatch& m : matches) {
    std::set<std::string> groups;
    for (const std::string& name : m.names) {
      groups.insert(group_of(name));
      uses_of_group[group_of(name)][name] += m.times;
    }
    for (const std::string& g : groups) count_of_group[g] += m.times;
  }
  std::map<std::string, std::uint64_t> expected;
  for (const auto& [group, uses] : uses_of_group) {
    std::pair<std::string, std::uint64_t> shown;  // std::map iterates in byte order: the first of equals wins
    for (const auto& [name, n] : uses)
      if (n > shown.second) shown = {name, n};
    expected[shown.first] = count_of_group[group];
  }
  return expected;
}

}  // namespace gazette::testing
