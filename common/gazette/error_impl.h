#pragma once
#include <xapian.h>

namespace gazette {

template <typename F>
auto translate_xapian_errors(const std::string& what, F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const Xapian::DatabaseLockError& e) {
    throw Error(ErrorCode::DatabaseLocked, what + ": the database is locked (" + e.get_msg() + ")",
                "another gazette-index run is writing to it; wait for it to finish");
  } catch (const Xapian::DatabaseModifiedError& e) {
    throw Error(ErrorCode::DatabaseModified, what + ": " + e.get_msg(), "a writer committed meanwhile; try again");
  } catch (const Xapian::DatabaseCorruptError& e) {
    throw Error(ErrorCode::DatabaseCorrupt, what + ": " + e.get_type() + ": " + e.get_msg(),
                "if it persists, check the database with xapian-check, or rebuild it with gazette-index --rebuild");
  } catch (const Xapian::DatabaseOpeningError& e) {
    throw Error(ErrorCode::DatabaseOpen, what + ": " + e.get_msg(),
                "check the --db path; build a database with gazette-index first");
  } catch (const Xapian::QueryParserError& e) {
    throw Error(ErrorCode::BadQuery, what + ": " + e.get_msg(), "check the query syntax (docs/cli.md)");
  } catch (const Xapian::Error& e) {
    throw Error(ErrorCode::Xapian, what + ": " + e.get_type() + ": " + e.get_msg());
  }
}

}  // namespace gazette
