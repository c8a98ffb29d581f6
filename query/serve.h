#pragma once
#include <string>
#include <vector>

namespace gazette {
// Serves the search page and the JSON API (docs/web.md) until interrupted. Returns the process exit code.
int serve_http(const std::vector<std::string>& db_paths, const std::string& listen);
}  // namespace gazette
