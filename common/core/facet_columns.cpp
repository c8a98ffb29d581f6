// The column file: a header, a table of the columns in it, then each column's arrays, 4-byte aligned, in
// the machine's byte order (it is rebuilt from the database, never copied to another kind of machine):
//
//   header   magic "GZFCOLS1", format (5), column count, revision, UUID (40 bytes, NUL-padded), file size
//   entry    slot, split, base (first row's docid), rows, entries, values, value bytes, grouped, offset of
//            the column's arrays
//   arrays   starts[rows + 1] (split only), numbers[entries], value_offsets[values + 1], groups[values]
//            (grouped only), value bytes
//
// A row per docid from the slot's first document with a value to its last; a single-valued slot's row
// without a value holds Column::kNoValue, a split one's is empty. Format 1 listed the documents with a value
// instead, without rows for the others; format 2 had no groups, format 3 none for the tags, format 4 put
// the names with æ, œ, ø, ß, ł… in groups of their own.
#include "gazette/facet_columns.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "gazette/error.h"
#include "gazette/schema.h"

namespace gazette::facet_columns {
namespace {

using schema::Slot;

constexpr char kMagic[8] = {'G', 'Z', 'F', 'C', 'O', 'L', 'S', '1'};
constexpr std::uint32_t kFormat = 5;
constexpr std::size_t kMaxSlot = 32;

// The slots a facet counts (search.cpp's facet_spec), and whether each holds a list.
struct ColumnSlot {
  Slot slot;
  bool split;
};
constexpr ColumnSlot kColumnSlots[] = {
    {Slot::Year, false},          {Slot::Month, false},        {Slot::Source, false},
    {Slot::Section, false},       {Slot::Persons, true},       {Slot::Organisations, true},
    {Slot::Places, true},         {Slot::Tags, true},          {Slot::Speakers, true},
    {Slot::QuoteFingerprint, false}, {Slot::QuoteYear, false}, {Slot::QuoteMonth, false},
    {Slot::QuoteSource, false},   {Slot::QuoteSpeaker, false}, {Slot::QuotePersons, true},
    {Slot::QuoteOrganisations, true}, {Slot::QuotePlaces, true}, {Slot::QuoteTags, true},
    {Slot::QuoteSection, false},
};

struct Header {
  char magic[8];
  std::uint32_t format;
  std::uint32_t columns;
  std::uint64_t revision;
  char uuid[40];
  std::uint64_t file_size;
};

struct Entry {
  std::uint32_t slot, split, base, rows, entries, values, value_bytes, grouped;
  std::uint64_t offset;
};

std::uint64_t aligned(std::uint64_t n) { return (n + 3) & ~std::uint64_t{3}; }

// Bytes of a column's arrays, or 0 when its counts overflow what the format can address.
std::uint64_t arrays_size(const Entry& e) {
  std::uint64_t n = 0;
  if (e.split) n += (std::uint64_t{e.rows} + 1) * 4;
  n += std::uint64_t{e.entries} * 4 + (std::uint64_t{e.values} + 1) * 4 + e.value_bytes;
  if (e.grouped) n += std::uint64_t{e.values} * 4;
  return aligned(n);
}

struct Built {
  Entry entry{};
  std::vector<std::uint32_t> starts, numbers, value_offsets, groups;
  std::string value_bytes;
};

// One slot's value stream, numbered: the distinct values sorted, so that a number orders like its value.
Built build_column(const Xapian::Database& db, ColumnSlot cs) {
  Built b;
  const Xapian::valueno slot = schema::slot(cs.slot);
  std::string arena;  // every value (or name) read, end to end
  std::vector<std::pair<std::uint32_t, std::uint32_t>> pieces;  // offset, length in arena
  std::unordered_map<std::string_view, std::uint32_t> first_numbers;
  std::vector<std::uint32_t> provisional;  // by piece: its value's number in order of first sight
  std::vector<std::string_view> distinct;
  std::vector<std::uint32_t> row_piece;  // not split: by row, its piece, or kNoValue
  auto add = [&](std::string_view piece) {
    pieces.emplace_back(static_cast<std::uint32_t>(arena.size()), static_cast<std::uint32_t>(piece.size()));
    arena.append(piece);
  };
  Xapian::docid base = 0, next_row = 0;  // next_row: the docid of the row after the last one made
  for (auto v = db.valuestream_begin(slot); v != db.valuestream_end(slot); ++v) {
    const std::string value = *v;
    const Xapian::docid docid = v.get_docid();
    if (base == 0) base = next_row = docid;
    // The documents in between have no value here: empty rows.
    for (; next_row < docid; ++next_row) {
      if (cs.split) b.starts.push_back(static_cast<std::uint32_t>(pieces.size()));
      else row_piece.push_back(Column::kNoValue);
    }
    ++next_row;
    if (cs.split) b.starts.push_back(static_cast<std::uint32_t>(pieces.size()));
    if (!cs.split) {
      row_piece.push_back(static_cast<std::uint32_t>(pieces.size()));
      add(value);
      continue;
    }
    // As search.cpp's count_values splits a list: empty names skipped, repeated ones kept.
    std::size_t from = 0;
    while (from < value.size()) {
      std::size_t to = value.find(schema::kListSeparator, from);
      if (to == std::string::npos) to = value.size();
      if (to > from) add(std::string_view(value).substr(from, to - from));
      from = to + 1;
    }
  }
  if (cs.split) b.starts.push_back(static_cast<std::uint32_t>(pieces.size()));
  if (arena.size() > std::numeric_limits<std::uint32_t>::max() || pieces.size() > std::numeric_limits<std::uint32_t>::max())
    throw Error(ErrorCode::Internal, "facet column of slot " + std::to_string(slot) + " is too large");
  // The arena no longer grows: views into it stay valid.
  provisional.reserve(pieces.size());
  for (const auto& [offset, length] : pieces) {
    const std::string_view piece(arena.data() + offset, length);
    const auto [it, inserted] = first_numbers.emplace(piece, static_cast<std::uint32_t>(distinct.size()));
    if (inserted) distinct.push_back(piece);
    provisional.push_back(it->second);
  }
  std::vector<std::uint32_t> order(distinct.size());
  for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) { return distinct[x] < distinct[y]; });
  std::vector<std::uint32_t> final_number(distinct.size());
  b.value_offsets.reserve(distinct.size() + 1);
  for (std::uint32_t rank = 0; rank < order.size(); ++rank) {
    final_number[order[rank]] = rank;
    b.value_offsets.push_back(static_cast<std::uint32_t>(b.value_bytes.size()));
    b.value_bytes.append(distinct[order[rank]]);
  }
  b.value_offsets.push_back(static_cast<std::uint32_t>(b.value_bytes.size()));
  const schema::FacetGroupKey group_key = schema::facet_group_key(cs.slot);
  const bool grouped = group_key != nullptr;
  if (grouped) {
    // Numbered in sorted order, a key's first value has the smallest number.
    std::unordered_map<std::string, std::uint32_t> first_of_key;
    b.groups.reserve(order.size());
    for (std::uint32_t rank = 0; rank < order.size(); ++rank) {
      const auto key = group_key(distinct[order[rank]]);
      b.groups.push_back(key ? first_of_key.emplace(*key, rank).first->second : rank);
    }
  }
  if (cs.split) {
    b.numbers.reserve(provisional.size());
    for (std::uint32_t p : provisional) b.numbers.push_back(final_number[p]);
  } else {
    b.numbers.reserve(row_piece.size());
    for (std::uint32_t p : row_piece) b.numbers.push_back(p == Column::kNoValue ? p : final_number[provisional[p]]);
  }
  const std::uint32_t rows = base == 0 ? 0 : static_cast<std::uint32_t>(next_row - base);
  b.entry = {slot,
             cs.split ? 1u : 0u,
             base == 0 ? 1u : static_cast<std::uint32_t>(base),
             rows,
             static_cast<std::uint32_t>(b.numbers.size()),
             static_cast<std::uint32_t>(distinct.size()),
             static_cast<std::uint32_t>(b.value_bytes.size()),
             grouped ? 1u : 0u,
             0};
  return b;
}

void fill_uuid(char (&out)[40], const std::string& uuid) {
  std::memset(out, 0, sizeof out);
  std::memcpy(out, uuid.data(), std::min(uuid.size(), sizeof out));
}

// The header of the file at `path`, if it is a column file of this format for `db`'s revision and UUID.
bool matches(const Header& h, std::uint64_t size, const Xapian::Database& db) {
  char uuid[40];
  fill_uuid(uuid, db.get_uuid());
  return size >= sizeof(Header) && std::memcmp(h.magic, kMagic, sizeof kMagic) == 0 && h.format == kFormat &&
         h.file_size == size && h.revision == db.get_revision() && std::memcmp(h.uuid, uuid, sizeof uuid) == 0;
}

bool up_to_date(const std::string& file, const Xapian::Database& db) {
  std::ifstream in(file, std::ios::binary);
  Header h{};
  if (!in.read(reinterpret_cast<char*>(&h), sizeof h)) return false;
  std::error_code ec;
  const auto size = std::filesystem::file_size(file, ec);
  return !ec && matches(h, size, db);
}

template <class T>
void write_array(std::ofstream& out, const std::vector<T>& a) {
  out.write(reinterpret_cast<const char*>(a.data()), static_cast<std::streamsize>(a.size() * sizeof(T)));
}

}  // namespace

std::string file_for(const std::string& db_dir) { return db_dir + "/gazette-facets"; }

bool refresh(const std::string& db_dir) {
  const Xapian::Database db(db_dir);
  const std::string file = file_for(db_dir);
  if (up_to_date(file, db)) return false;
  std::vector<Built> built;
  for (const ColumnSlot& cs : kColumnSlots) built.push_back(build_column(db, cs));
  Header h{};
  std::memcpy(h.magic, kMagic, sizeof kMagic);
  h.format = kFormat;
  h.columns = static_cast<std::uint32_t>(built.size());
  h.revision = db.get_revision();
  fill_uuid(h.uuid, db.get_uuid());
  std::uint64_t offset = aligned(sizeof(Header) + built.size() * sizeof(Entry));
  for (Built& b : built) {
    b.entry.offset = offset;
    offset += arrays_size(b.entry);
  }
  h.file_size = offset;

  const std::string tmp = file + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(&h), sizeof h);
    for (const Built& b : built) out.write(reinterpret_cast<const char*>(&b.entry), sizeof b.entry);
    const char zeros[4] = {};
    auto pad = [&] { out.write(zeros, static_cast<std::streamsize>(aligned(out.tellp()) - static_cast<std::uint64_t>(out.tellp()))); };
    pad();
    for (const Built& b : built) {
      if (b.entry.split) write_array(out, b.starts);
      write_array(out, b.numbers);
      write_array(out, b.value_offsets);
      if (b.entry.grouped) write_array(out, b.groups);
      out.write(b.value_bytes.data(), static_cast<std::streamsize>(b.value_bytes.size()));
      pad();
    }
    out.flush();
    if (!out) throw Error(ErrorCode::Io, "cannot write " + tmp + ": " + std::strerror(errno));
  }
  // The data on disk before the name: after a crash, a file by that name is whole.
  const int fd = ::open(tmp.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (::rename(tmp.c_str(), file.c_str()) != 0)
    throw Error(ErrorCode::Io, "cannot rename " + tmp + " to " + file + ": " + std::strerror(errno));
  return true;
}

std::unique_ptr<Columns> Columns::open(const std::string& db_dir, const Xapian::Database& db) {
  const std::string file = file_for(db_dir);
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  struct stat st{};
  if (::fstat(fd, &st) != 0 || static_cast<std::uint64_t>(st.st_size) < sizeof(Header)) {
    ::close(fd);
    return nullptr;
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  if (map == MAP_FAILED) return nullptr;
  std::unique_ptr<Columns> c(new Columns());
  c->map_ = map;
  c->size_ = size;
  const char* base = static_cast<const char*>(map);
  Header h;
  std::memcpy(&h, base, sizeof h);
  if (!matches(h, size, db) || sizeof(Header) + std::uint64_t{h.columns} * sizeof(Entry) > size) return nullptr;
  c->revision_ = h.revision;
  for (std::uint32_t i = 0; i < h.columns; ++i) {
    Entry e;
    std::memcpy(&e, base + sizeof(Header) + i * sizeof(Entry), sizeof e);
    if (e.slot >= kMaxSlot || e.offset % 4 != 0 || e.offset > size || arrays_size(e) > size - e.offset) return nullptr;
    Column col;
    col.split = e.split != 0;
    col.base = e.base;
    col.rows = e.rows;
    col.entries = e.entries;
    col.values = e.values;
    const auto* words = reinterpret_cast<const std::uint32_t*>(base + e.offset);
    if (col.split) {
      col.starts = words;
      words += std::uint64_t{e.rows} + 1;
    }
    col.numbers = words;
    words += e.entries;
    col.value_offsets = words;
    words += std::uint64_t{e.values} + 1;
    if (e.grouped) {
      col.groups = words;
      words += e.values;
    }
    col.value_bytes = reinterpret_cast<const char*>(words);
    // What a count relies on, so that a damaged file is refused rather than read out of bounds.
    if ((col.split && col.starts[e.rows] != e.entries) || (!col.split && e.rows != e.entries) ||
        col.value_offsets[e.values] != e.value_bytes || e.base == 0 ||
        std::uint64_t{e.base} + e.rows > std::numeric_limits<std::uint32_t>::max())
      return nullptr;
    if (col.groups)
      for (std::uint32_t n = 0; n < e.values; ++n)
        if (col.groups[n] > n) return nullptr;
    c->columns_[e.slot] = col;
    c->present_[e.slot] = true;
  }
  return c;
}

Columns::~Columns() {
  if (map_) ::munmap(map_, size_);
}

const Column* Columns::find(Xapian::valueno slot) const {
  return slot < kMaxSlot && present_[slot] ? &columns_[slot] : nullptr;
}

}  // namespace gazette::facet_columns
