#include "serve.h"

#include "gazette/error.h"

namespace gazette {
// Replaced by the HTTP server (issue 6); until then --serve says plainly that it isn't there.
int serve_http(const std::vector<std::string>&, const std::string&) {
  throw Error(ErrorCode::Usage, "--serve is not available in this build", "use the command-line search");
}
}  // namespace gazette
