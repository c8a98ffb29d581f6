// Facet columns: the values of the facet slots, numbered, in a file beside a database's tables, so that
// counting a facet reads arrays instead of Xapian value streams.
//
// On OrangeSum ×10, France's 122,780 matching articles took 25 ms per entity facet through value streams:
// half of it is Xapian decoding the stream's chunks and copying each value out, half is splitting the lists
// and numbering their names. The column file holds, for each facet slot, each document's value numbers by
// docid, and the distinct values sorted, so a value's number orders like its text. It is derived data:
// gazette-index writes it after its last commit, for that revision and that database's UUID, and a reader
// uses it only when both match its own database's; otherwise it counts from the value streams as before,
// with the same result. Nothing in the Xapian database refers to it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <xapian.h>

namespace gazette::facet_columns {

// The file inside a database directory.
std::string file_for(const std::string& db_dir);

// Writes the columns of the database at `db_dir` for its current revision, unless the file already holds
// them; written aside and renamed into place, so a reader sees an old file or the new one. Returns whether
// it wrote.
bool refresh(const std::string& db_dir);

// One slot's column: a row per docid from `base` to `base + rows - 1`, so that a match's values are found by
// its docid alone. Looking each match up in a list of the documents that have a value (format 1) was about
// half of a list facet's time: France with six facets on OrangeSum ×10 took 36 ms instead of 43
// (bench/ab-queries, bench/RESULTS.md). A full build numbers the articles first, so an article slot's rows
// are the articles and a quote slot's the quotes.
struct Column {
  static constexpr std::uint32_t kNoValue = 0xFFFFFFFFu;  // a single-valued row without a value
  bool split = false;  // the slot holds kListSeparator-joined lists: one number per name, repeats kept
  std::uint32_t base = 1;  // the docid of the first row
  std::uint32_t rows = 0;
  const std::uint32_t* starts = nullptr;   // split only: rows + 1 offsets into numbers
  const std::uint32_t* numbers = nullptr;  // one per row (not split; kNoValue for none), or per name (split)
  std::uint32_t entries = 0;               // numbers' length
  std::uint32_t values = 0;                // distinct values
  const std::uint32_t* value_offsets = nullptr;  // values + 1 offsets into value_bytes
  const char* value_bytes = nullptr;
  // Slots whose values group (schema::facet_group_key): by value, the smallest number of a value of the same
  // key, so that "Élysée" and "Elysée", or the tags "Économie" and "économie", are counted as one; null
  // elsewhere.
  const std::uint32_t* groups = nullptr;

  std::uint32_t group(std::uint32_t n) const { return groups ? groups[n] : n; }
  std::string_view value(std::uint32_t n) const {
    return std::string_view(value_bytes + value_offsets[n], value_offsets[n + 1] - value_offsets[n]);
  }

  // Calls f(i, first, last) for each i such that ids[i] has values here, with its numbers [first, last).
  // `ids` ascending. A number may still be past `values` in a damaged file: callers skip those.
  template <class F>
  void for_each(const std::uint32_t* ids, std::size_t count, F&& f) const {
    for (std::size_t i = 0; i < count; ++i) {
      if (ids[i] < base) continue;
      const std::uint32_t row = ids[i] - base;
      if (row >= rows) break;
      if (!split) {
        if (numbers[row] != kNoValue) f(i, numbers + row, numbers + row + 1);
      } else if (starts[row] < starts[row + 1] && starts[row + 1] <= entries) {  // else none, or a damaged file
        f(i, numbers + starts[row], numbers + starts[row + 1]);
      }
    }
  }
};

class Columns {
 public:
  // The columns written for `db`'s revision and UUID in `db_dir`, or null when there are none (never
  // written, stale, or not a column file at all).
  static std::unique_ptr<Columns> open(const std::string& db_dir, const Xapian::Database& db);
  ~Columns();
  Columns(const Columns&) = delete;
  Columns& operator=(const Columns&) = delete;

  Xapian::rev revision() const { return revision_; }
  // The slot's column, or null when the file has none for it.
  const Column* find(Xapian::valueno slot) const;

 private:
  Columns() = default;
  void* map_ = nullptr;
  std::size_t size_ = 0;
  Xapian::rev revision_ = 0;
  Column columns_[32];
  bool present_[32] = {};
};

}  // namespace gazette::facet_columns
