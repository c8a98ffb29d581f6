// The one error type of Gazette: a message for the user and a hint saying what to do about it.
#pragma once

#include <stdexcept>
#include <string>

namespace gazette {

// Exit codes follow ripgrep: 0 hits/success, 1 no hits, 2 error. The indexer adds its own.
enum ExitCode : int {
  kExitOk = 0,
  kExitNoHits = 1,
  kExitError = 2,
  kExitPartial = 3,  // indexer: some inputs failed, the rest was indexed
  kExitLocked = 4,   // indexer: another writer holds the database lock
};

enum class ErrorCode {
  Usage,
  Io,
  BadInput,
  BadQuery,
  DatabaseOpen,
  DatabaseLocked,
  DatabaseModified,
  DatabaseCorrupt,  // may also be a read that raced a writer's commit: readers retry it a few times
  SchemaMismatch,
  Xapian,
  Internal,
};

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string message, std::string hint = {})
      : std::runtime_error(std::move(message)), code_(code), hint_(std::move(hint)) {}

  ErrorCode code() const noexcept { return code_; }
  const std::string& hint() const noexcept { return hint_; }
  int exit_code() const noexcept { return code_ == ErrorCode::DatabaseLocked ? kExitLocked : kExitError; }

 private:
  ErrorCode code_;
  std::string hint_;
};

// Runs f, translating Xapian's exceptions into gazette::Error. Call sites are the boundaries where
// Xapian is used (opening databases, committing, running queries).
template <typename F>
auto translate_xapian_errors(const std::string& what, F&& f) -> decltype(f());

}  // namespace gazette

#include "gazette/error_impl.h"
