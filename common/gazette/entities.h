// Named entities: persons, organisations and places, with canonical names and cross-document ids.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace gazette {

enum class EntityType { Person, Organisation, Place };

const char* entity_type_code(EntityType t);  // "PER", "ORG", "LOC"

struct Mention {
  EntityType type = EntityType::Person;
  std::uint32_t start = 0;  // UTF-8 byte offsets into Article::text
  std::uint32_t end = 0;
  std::string text;       // the mention as written
  std::string canonical;  // canonical display name: "Vladimir Poutine"
  std::string key;        // cross-document identity key (folded, transliterated): "vladimir putin"
  std::string descriptor; // apposition before a person's name, if any: "assistant présidentiel"
};

// Maps an entity name in any spelling to the identity key the index holds: all the query side needs.
class NameResolver {
 public:
  virtual ~NameResolver() = default;
  // The identity key an entity name (or alias, or variant spelling) maps to: used by person:/org:/place:.
  virtual std::string key_for(std::string_view name) const = 0;
  // The same for a name known to be of `type`: a bare surname resolves to a person only when asked for one,
  // so that place:Washington never becomes a person's key. Use this for person:/org:/place:.
  virtual std::string key_for(std::string_view name, EntityType type) const = 0;
};

class EntityTagger : public NameResolver {
 public:
  // All mentions of `text`, sorted by start offset, non-overlapping.
  virtual std::vector<Mention> tag(std::string_view text) const = 0;
  std::string key_for(std::string_view name) const override = 0;
  std::string key_for(std::string_view name, EntityType type) const override;
};

// The identity key of an entity name of Latin letters, as the index has it (Mention::key of a name that the
// alias table doesn't know, which is its own canonical name), made without the identity tables: "Élysée",
// "Elysée" and "ELYSÉE" → "elyse". nullopt for a name of other letters, which needs ICU's transliterator.
// Facets count the names of one key as one value: person:/org:/place: find them together.
std::optional<std::string> plain_latin_identity_key(std::string_view name);

// The tagger shipped with Gazette (model and gazetteers from data/). Returns nullptr if none is available.
std::unique_ptr<EntityTagger> load_default_tagger();
// Only the identity tables of the shipped tagger (aliases, known persons): the same keys as the tagger's,
// without loading the model and gazetteers, which a query process doesn't need and would wait for.
std::unique_ptr<NameResolver> load_default_name_resolver();

}  // namespace gazette
