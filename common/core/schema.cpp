#include "gazette/schema.h"

#include <algorithm>
#include <string>

#include "gazette/analyzer.h"
#include "gazette/entities.h"
#include "gazette/error.h"

namespace gazette::schema {

namespace {

std::optional<std::string> folded_tag(std::string_view tag) {
  // fold() reads no cache, so threads that count facets at once may share one analyzer.
  static const FrenchAnalyzer analyzer;
  return analyzer.fold(tag);
}

}  // namespace

FacetGroupKey facet_group_key(Slot s) {
  switch (s) {
    case Slot::Persons: case Slot::Organisations: case Slot::Places: case Slot::Speakers:
    case Slot::QuoteSpeaker: case Slot::QuotePersons: case Slot::QuoteOrganisations: case Slot::QuotePlaces:
      return &plain_latin_identity_key;
    case Slot::Tags: case Slot::QuoteTags:
      return &folded_tag;
    default: return nullptr;
  }
}

std::string rank_key(std::string_view unique_id) {
  std::uint64_t h = stable_hash(unique_id);
  std::string key(8, '\0');
  for (std::size_t i = 8; i-- > 0; h >>= 8) key[i] = static_cast<char>(h & 0xff);
  return key;
}

std::uint64_t stable_hash(std::string_view s) {
  std::uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

std::string safe_term(std::string_view prefix, std::string_view value) {
  constexpr std::size_t kMaxTerm = 240;
  std::string term;
  term.reserve(prefix.size() + value.size());
  term.append(prefix).append(value);
  if (term.size() <= kMaxTerm) return term;
  // Keep a readable head, then a hash of the whole so distinct long values stay distinct.
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(stable_hash(value)));
  std::size_t keep = kMaxTerm - 17;
  while (keep > 0 && (static_cast<unsigned char>(term[keep]) & 0xC0) == 0x80) --keep;  // UTF-8 boundary
  term.resize(keep);
  term += '#';
  term += hash;
  return term;
}

const std::vector<std::string>& stop_words() {
  static const std::vector<std::string> words = [] {
    std::vector<std::string> out;
    const FrenchAnalyzer analyzer;
    for (const char* w : {
#include "stopwords_fr.inc"
         })
      out.push_back(analyzer.fold(w));
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }();
  return words;
}

bool is_stop_word(std::string_view folded) {
  const auto& words = stop_words();
  return std::binary_search(words.begin(), words.end(), folded, std::less<>{});
}

void stamp_versions(Xapian::WritableDatabase& db) {
  // Set only when they differ: a rewritten value is a change, and the commit of a run that changed nothing
  // would make a new revision, for which the facet columns would be written again.
  const auto stamp = [&](std::string_view key, const std::string& value) {
    if (db.get_metadata(std::string(key)) != value) db.set_metadata(std::string(key), value);
  };
  stamp(kMetaSchemaVersion, std::to_string(kVersion));
  stamp(kMetaAnalyzerVersion, std::to_string(FrenchAnalyzer::kVersion));
}

void check_versions(const Xapian::Database& db, const std::string& path, const std::string& rebuild) {
  const std::string schema = db.get_metadata(std::string(kMetaSchemaVersion));
  const std::string analyzer = db.get_metadata(std::string(kMetaAnalyzerVersion));
  if (schema.empty() && db.get_doccount() == 0) return;  // a new, empty database
  if (schema.empty())
    throw Error(ErrorCode::SchemaMismatch, path + " is not a Gazette database (no schema version)",
                "point --db at a database built by gazette-index");
  if (schema != std::to_string(kVersion) || analyzer != std::to_string(FrenchAnalyzer::kVersion))
    throw Error(ErrorCode::SchemaMismatch,
                path + " was built with schema " + schema + " / analyzer " + analyzer + ", this Gazette uses schema " +
                    std::to_string(kVersion) + " / analyzer " + std::to_string(FrenchAnalyzer::kVersion),
                "rebuild it: gazette-index --rebuild --db " + (rebuild.empty() ? path : rebuild) + " SOURCE...");
}

}  // namespace gazette::schema
