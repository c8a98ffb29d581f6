// docs/SCHEMA.md against common/gazette/schema.h: the tables of the document must list exactly the term prefixes
// of schema::kPrefixes (same order, query field and kind) and exactly the named values of schema::Slot with their
// numbers, so that neither can change without the other.
//
// schema.h has no iterable slot table, so the enumerators are found by asking the compiler for the name of each
// value 0..kMaxSlot (__PRETTY_FUNCTION__ spells a named enumerator by its name and any other value as a cast).
// kFrozenSlots below is the history the documentation promises: a slot, once numbered, keeps its number.
#define BOOST_TEST_MODULE schema_docs
#include <boost/test/unit_test.hpp>

#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gazette/analyzer.h"
#include "gazette/schema.h"

namespace {

using gazette::schema::Slot;

std::string read_doc() {
  const std::string path = std::string(GAZETTE_SOURCE_DIR) + "/docs/SCHEMA.md";
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  return {std::istreambuf_iterator<char>(in), {}};
}

std::string trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return std::string(s.substr(b, e - b + 1));
}

// The body rows of the first table after the heading line `heading`, as trimmed cells. Throws if there is none,
// so a renamed heading fails loudly instead of comparing against nothing.
std::vector<std::vector<std::string>> table_after(const std::string& doc, const std::string& heading) {
  std::istringstream in(doc);
  std::string line;
  bool found = false;
  while (std::getline(in, line))
    if (line == heading) {
      found = true;
      break;
    }
  if (!found) throw std::runtime_error("docs/SCHEMA.md has no heading '" + heading + "'");
  std::vector<std::vector<std::string>> rows;
  bool in_table = false;
  std::size_t seen = 0;
  while (std::getline(in, line)) {
    if (line.rfind("|", 0) != 0) {
      if (in_table) break;
      if (line.rfind("#", 0) == 0) break;  // next section, no table in this one
      continue;
    }
    in_table = true;
    if (++seen <= 2) continue;  // header and |---| separator
    std::vector<std::string> cells;
    std::size_t from = 1;
    for (std::size_t bar; (bar = line.find('|', from)) != std::string::npos; from = bar + 1)
      cells.push_back(trim(std::string_view(line).substr(from, bar - from)));
    rows.push_back(std::move(cells));
  }
  if (rows.empty()) throw std::runtime_error("no table under '" + heading + "' in docs/SCHEMA.md");
  return rows;
}

// "`XP`" → "XP"; "(none)" → "" (the bare prefix, which a code span cannot show).
std::string code_or_none(const std::string& cell) {
  if (cell == "(none)" || cell == "—") return {};
  if (cell.size() >= 2 && cell.front() == '`' && cell.back() == '`') return cell.substr(1, cell.size() - 2);
  throw std::runtime_error("expected `code`, (none) or — in a table cell, got: " + cell);
}

// Built with append: GCC 12 at -O3 reports a false -Wrestrict on `"`" + std::string(...)`.
std::string code_span(std::string_view s) {
  std::string out(1, '`');
  out.append(s);
  out += '`';
  return out;
}

template <auto V>
std::string enumerator_name() {
  // GCC: "... [with auto V = gazette::schema::Slot::Date]"; a value without a name: "(gazette::schema::Slot)12".
  const std::string_view f = __PRETTY_FUNCTION__;
  const auto at = f.find("V = ");
  if (at == std::string_view::npos) return {};
  std::string_view v = f.substr(at + 4);
  v = v.substr(0, v.find_first_of(";]"));
  if (v.empty() || v.front() == '(' || (v.front() >= '0' && v.front() <= '9')) return {};
  return std::string(v.substr(v.rfind("::") == std::string_view::npos ? 0 : v.rfind("::") + 2));
}

constexpr Xapian::valueno kMaxSlot = 127;  // far above any slot Gazette will number by hand

template <std::size_t I>
void add_if_named(std::map<Xapian::valueno, std::string>& out) {
  std::string name = enumerator_name<static_cast<Slot>(I)>();
  if (!name.empty()) out.emplace(static_cast<Xapian::valueno>(I), std::move(name));
}

template <std::size_t... I>
std::map<Xapian::valueno, std::string> named_slots(std::index_sequence<I...>) {
  std::map<Xapian::valueno, std::string> out;
  (add_if_named<I>(out), ...);
  return out;
}

std::map<Xapian::valueno, std::string> slots_of_schema() { return named_slots(std::make_index_sequence<kMaxSlot + 1>{}); }

// Slot numbers as first released: never to change (add new slots after them, retire by leaving a gap).
const std::vector<std::pair<Slot, Xapian::valueno>> kFrozenSlots = {
    {Slot::Date, 0},     {Slot::Year, 1},           {Slot::Month, 2},   {Slot::Source, 3},
    {Slot::Section, 4},  {Slot::ContentHash, 5},    {Slot::Persons, 6}, {Slot::Organisations, 7},
    {Slot::Places, 8},   {Slot::Tags, 9},           {Slot::Speakers, 10}, {Slot::QuoteFingerprint, 11},
    {Slot::QuoteDate, 12}, {Slot::QuoteYear, 13},   {Slot::QuoteMonth, 14}, {Slot::QuoteSource, 15},
    {Slot::QuoteSpeaker, 16}, {Slot::QuotePersons, 17}, {Slot::QuoteOrganisations, 18}, {Slot::QuotePlaces, 19},
    {Slot::QuoteTags, 20},  {Slot::QuoteSection, 21}, {Slot::OriginFile, 22},
};

}  // namespace

BOOST_AUTO_TEST_CASE(prefix_table_lists_exactly_the_schema_prefixes) {
  const auto rows = table_after(read_doc(), "## Term prefixes");
  BOOST_REQUIRE_EQUAL(rows.size(), gazette::schema::kPrefixes.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& p = gazette::schema::kPrefixes[i];
    BOOST_TEST_CONTEXT("row " << i + 1 << " of the prefix table, schema prefix '" << p.prefix << "'") {
      BOOST_REQUIRE_GE(rows[i].size(), 4u);
      BOOST_TEST(code_or_none(rows[i][0]) == std::string(p.prefix));
      const std::string field = p.field.empty() ? std::string() : std::string(p.field) + ":";
      BOOST_TEST(code_or_none(rows[i][1]) == field);
      BOOST_TEST(rows[i][2] == (p.kind == gazette::schema::TermKind::Free ? "free" : "boolean"));
    }
  }
}

BOOST_AUTO_TEST_CASE(slot_table_lists_exactly_the_slot_enum) {
  const auto schema_slots = slots_of_schema();
  // If the compiler's spelling of enumerators changed, the scan would find nothing and prove nothing.
  BOOST_REQUIRE_EQUAL(schema_slots.count(0), 1u);
  BOOST_REQUIRE_EQUAL(schema_slots.at(0), "Date");

  std::map<Xapian::valueno, std::string> doc_slots;
  for (const auto& row : table_after(read_doc(), "## Value slots")) {
    BOOST_REQUIRE_GE(row.size(), 3u);
    const Xapian::valueno number = static_cast<Xapian::valueno>(std::stoul(row[0]));
    BOOST_TEST(doc_slots.emplace(number, code_or_none(row[1])).second, "slot " << number << " listed twice");
  }
  BOOST_TEST((doc_slots == schema_slots), "docs/SCHEMA.md value slots differ from gazette::schema::Slot");
  for (const auto& [number, name] : schema_slots)
    BOOST_TEST_CONTEXT("slot " << number << " (" << name << ")") {
      BOOST_TEST(doc_slots.count(number) == 1u, "missing from docs/SCHEMA.md");
      if (doc_slots.count(number)) BOOST_TEST(doc_slots.at(number) == name);
    }
  for (const auto& [number, name] : doc_slots)
    BOOST_TEST(schema_slots.count(number) == 1u, "docs/SCHEMA.md lists slot " << number << " (" << name
                                                     << "), which gazette::schema::Slot does not have");
}

BOOST_AUTO_TEST_CASE(slots_are_never_renumbered) {
  const auto schema_slots = slots_of_schema();
  for (const auto& [s, number] : kFrozenSlots) {
    BOOST_TEST(gazette::schema::slot(s) == number);
    BOOST_TEST(schema_slots.count(number) == 1u, "slot " << number << " was retired or renamed away");
  }
}

BOOST_AUTO_TEST_CASE(document_kinds_metadata_and_versions_are_documented) {
  const std::string doc = read_doc();
  for (std::string_view s : {gazette::schema::kKindArticle, gazette::schema::kKindQuote,
                             gazette::schema::kMetaSchemaVersion, gazette::schema::kMetaAnalyzerVersion})
    BOOST_TEST(doc.find(code_span(s)) != std::string::npos, s << " is not in docs/SCHEMA.md");

  const auto rows = table_after(doc, "## Metadata and versions");
  std::map<std::string, std::string> values;
  for (const auto& row : rows) {
    BOOST_REQUIRE_GE(row.size(), 3u);
    values[code_or_none(row[0])] = row[2];
  }
  BOOST_TEST(values[std::string(gazette::schema::kMetaSchemaVersion)] == std::to_string(gazette::schema::kVersion));
  BOOST_TEST(values[std::string(gazette::schema::kMetaAnalyzerVersion)] ==
             std::to_string(gazette::FrenchAnalyzer::kVersion));
}
