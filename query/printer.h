#pragma once
#include <iosfwd>

#include "gazette/search.h"

namespace gazette {
// Human-readable results: colour on a terminal, [brackets] around matches otherwise.
void print_text(std::ostream& out, const SearchResult& result, std::size_t offset, bool colour);
}  // namespace gazette
