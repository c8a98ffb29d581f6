// The bundled corpus indexed once per test program, and one Searcher over it.
#pragma once

#include "gazette/search.h"
#include "corpus_db.h"

namespace gazette::testing {

inline const CorpusDb& corpus() {
  static CorpusDb db;
  return db;
}

inline Searcher& corpus_searcher() {
  static Searcher s({corpus().path()});
  return s;
}

}  // namespace gazette::testing
