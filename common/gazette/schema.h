// The index schema: every term prefix and value slot Gazette writes, in one table.
//
// Slot numbers are explicit and never renumbered: a database written by an older Gazette keeps its meaning.
// Add new slots at the end; retire old ones by leaving a gap. docs/SCHEMA.md mirrors this file.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <xapian.h>

namespace gazette::schema {

// Bump when terms, values or document data change meaning; databases store it and readers refuse a mismatch.
// 2: quote context (XC, ZXC); stems of author, source, section.
// 3: quote documents without data (their quote is in the article's data); long terms hashed with stable_hash.
// 4: month (M) and day (D) terms beside the year's, which date ranges are made of.
// 5: quote documents' date, year, month, source and speaker in slots 12-16 of their own (quote_slot).
// 6: the date slots (0, 12) hold the date key then the document's rank key (rank_key), on every document.
// 7: quote documents carry their article's entities (XAP, XAO, XAL), tags, source and section words, and
//    its entity, tag and section values in slots 17-21, so that --quotes filters and facets by them.
inline constexpr int kVersion = 7;

// Database metadata keys.
inline constexpr std::string_view kMetaSchemaVersion = "gazette.schema_version";
inline constexpr std::string_view kMetaAnalyzerVersion = "gazette.analyzer_version";

// Every Xapian document is either an article or one quotation of an article.
inline constexpr std::string_view kKindArticle = "XKarticle";
inline constexpr std::string_view kKindQuote = "XKquote";

// Slots 0-10 and 22 are those of articles; quote documents have their own copies of those they need (12-21).
enum class Slot : Xapian::valueno {
  Date = 0,          // "YYYYMMDD" ("YYYYMM00", "YYYY0000", undated "00000000") then rank_key: sort
  Year = 1,          // "YYYY": date facet
  Month = 2,         // "YYYY-MM": date facet
  Source = 3,        // publisher as written: source facet
  Section = 4,       // section as written: section facet
  ContentHash = 5,   // hash of what was indexed: incremental runs skip unchanged articles
  Persons = 6,       // canonical names of persons, joined by kListSeparator: person facet (multi-valued)
  Organisations = 7, // same for organisations
  Places = 8,        // same for places
  Tags = 9,          // tags as written, joined: tag facet
  Speakers = 10,     // canonical names of quoted speakers, joined: speaker facet (multi-valued)
  QuoteFingerprint = 11,  // quotes: normalised text hash, to collapse the same quote reprinted elsewhere
  QuoteDate = 12,    // quotes: their article's Date
  QuoteYear = 13,    // quotes: their article's Year
  QuoteMonth = 14,   // quotes: their article's Month
  QuoteSource = 15,  // quotes: their article's Source
  QuoteSpeaker = 16, // quotes: the speaker's canonical name (one)
  QuotePersons = 17, // quotes: their article's Persons
  QuoteOrganisations = 18,  // quotes: their article's Organisations
  QuotePlaces = 19,  // quotes: their article's Places
  QuoteTags = 20,    // quotes: their article's Tags
  QuoteSection = 21, // quotes: their article's Section
  // The file an article was last indexed from (its origin without a row's ":line"), so that a row moved to
  // another file is re-indexed and its stored origin, which --prune goes by, names its file. Articles indexed
  // before it have none: no schema bump, they are skipped on their hash alone until they change.
  OriginFile = 22,
};

inline constexpr char kListSeparator = '\x1f';

constexpr Xapian::valueno slot(Slot s) { return static_cast<Xapian::valueno>(s); }

// The slot that holds in a quote document what `article_slot` holds in an article. Apart, a facet or a sort
// in one mode walks a value stream of that mode's documents only: with five quotes an article, the year
// stream of OrangeSum ×10 was 2.2 million values for 366,000 articles, and the year facet of France read
// them all (14 ms).
constexpr Slot quote_slot(Slot article_slot) {
  switch (article_slot) {
    case Slot::Date: return Slot::QuoteDate;
    case Slot::Year: return Slot::QuoteYear;
    case Slot::Month: return Slot::QuoteMonth;
    case Slot::Source: return Slot::QuoteSource;
    case Slot::Speakers: return Slot::QuoteSpeaker;
    case Slot::Persons: return Slot::QuotePersons;
    case Slot::Organisations: return Slot::QuoteOrganisations;
    case Slot::Places: return Slot::QuotePlaces;
    case Slot::Tags: return Slot::QuoteTags;
    case Slot::Section: return Slot::QuoteSection;
    default: return article_slot;
  }
}

// How a facet counts the values of a slot as one: the key that the values of one group share, or nullopt
// for a value that is a group of its own. The values a filter takes for one are one facet value, so that a
// value finds, clicked, what it counts: the entity names of one identity key (person:, org:, place:,
// speaker: look names up by it: plain_latin_identity_key), and the tags of one fold (tag: is accents and
// case aside). Null for the slots whose values are each their own.
using FacetGroupKey = std::optional<std::string> (*)(std::string_view value);
FacetGroupKey facet_group_key(Slot s);

enum class TermKind {
  Free,     // free text, positional, searchable by bare words
  Boolean,  // exact filter value, no positions, no weight unless given a wdf
};

struct Prefix {
  std::string_view prefix;      // Xapian term prefix
  std::string_view field;       // query field name ("title" for title:), empty if not user-visible
  TermKind kind;
  std::string_view description;
};

// The prefix table. Free-text prefixes also get a stemmed twin: "Z" + prefix + stem (e.g. "ZS" for titles).
inline constexpr std::array kPrefixes = {
    Prefix{"", "", TermKind::Free, "body and title words, folded (lower-case, no accents), with positions"},
    Prefix{"Z", "", TermKind::Free, "French Snowball stems of body and title words (no positions)"},
    Prefix{"E", "", TermKind::Boolean, "exact lower-case form with accents, for words whose accents fold away"},
    Prefix{"S", "title", TermKind::Free, "title words, folded, with positions"},
    Prefix{"A", "author", TermKind::Free, "author name words, folded"},
    Prefix{"XSRC", "source", TermKind::Free, "source/publisher words, folded"},
    Prefix{"XSEC", "section", TermKind::Free, "section words, folded"},
    Prefix{"XTAG", "tag", TermKind::Boolean, "a whole tag, folded"},
    Prefix{"Q", "", TermKind::Boolean, "unique id: the article id, or article id + \"#q\" + n for a quote"},
    Prefix{"XK", "", TermKind::Boolean, "document kind: article or quote"},
    Prefix{"XAID", "", TermKind::Boolean, "quotes: the id of the article they come from"},
    Prefix{"XP", "person", TermKind::Boolean, "person identity key, wdf = mentions"},
    Prefix{"XO", "org", TermKind::Boolean, "organisation identity key, wdf = mentions"},
    Prefix{"XL", "place", TermKind::Boolean, "place identity key, wdf = mentions"},
    Prefix{"XSP", "speaker", TermKind::Boolean, "identity key of a quoted speaker"},
    Prefix{"XAP", "person", TermKind::Boolean, "quotes: identity key of a person their article mentions"},
    Prefix{"XAO", "org", TermKind::Boolean, "quotes: identity key of an organisation their article mentions"},
    Prefix{"XAL", "place", TermKind::Boolean, "quotes: identity key of a place their article mentions"},
    Prefix{"XQ", "quote", TermKind::Free, "articles: folded words of their quotes (no positions); quotes use bare words"},
    Prefix{"ZXQ", "", TermKind::Free, "stems of quote words in articles"},
    Prefix{"Y", "date", TermKind::Boolean, "year of publication, YYYY"},
    Prefix{"M", "date", TermKind::Boolean, "month of publication, YYYYMM, when known"},
    Prefix{"D", "date", TermKind::Boolean, "day of publication, YYYYMMDD, when known"},
    Prefix{"XC", "", TermKind::Free, "quotes: folded words of the text just before the quote (no positions)"},
    Prefix{"ZXC", "", TermKind::Free, "quotes: stems of those context words"},
};

// A compile-time check that no prefix is declared twice.
consteval bool prefixes_unique() {
  for (std::size_t i = 0; i < kPrefixes.size(); ++i)
    for (std::size_t j = i + 1; j < kPrefixes.size(); ++j)
      if (kPrefixes[i].prefix == kPrefixes[j].prefix) return false;
  return true;
}
static_assert(prefixes_unique(), "duplicate term prefix in the schema table");

// Gap between fields in the positional stream so that phrases never match across a title and its body.
inline constexpr Xapian::termpos kFieldGap = 100;

// Xapian refuses terms over 245 bytes; longer identity keys and ids are cut and hashed.
std::string safe_term(std::string_view prefix, std::string_view value);

// 64-bit FNV-1a: the same on every build and platform, unlike std::hash, which a new standard library may
// change. For what is stored or decides where something is stored: long terms, hash shards.
std::uint64_t stable_hash(std::string_view s);

// Equal scores and equal dates must rank the same way whatever the docids are: they depend on how the index
// was built (--jobs, shards, the order of nightly runs), and a tie broken by docid gave pages that repeated
// some hits and never showed others. So every document's date slot ends with this key, 8 bytes of the
// stable hash of its unique id, and Xapian sorts by relevance then that slot (or by that slot then
// relevance): one total order, on one database, on shards and on remote shards alike.
std::string rank_key(std::string_view unique_id);

// Snowball's French stop words (Debian's liblingua-stopwords-perl, read at build time), folded. They are
// not indexed among an article's quote words (XQ, ZXQ) nor a quote's context (XC, ZXC): those terms carry
// no positions, so a stop word there can only match a query's stop word, which says nothing. They were 40 %
// of the context's postings. Queries leave them out of those fields in the same way.
bool is_stop_word(std::string_view folded);
const std::vector<std::string>& stop_words();

// Writes the versions into a database that is being created, or checks them on an existing one; throws
// gazette::Error(SchemaMismatch) with a hint to rebuild.
void stamp_versions(Xapian::WritableDatabase& db);
// `rebuild` names what the hint tells to rebuild: the stub, when `db` is one of its shards (default: path).
void check_versions(const Xapian::Database& db, const std::string& path, const std::string& rebuild = "");

}  // namespace gazette::schema
