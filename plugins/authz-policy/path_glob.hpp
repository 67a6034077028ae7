// path_glob.hpp — the path patterns of a policy rule, and the API path a
// request target is matched as.
//
// Patterns are '/'-separated segments: "*" inside a segment matches any run
// of characters but never '/', a whole "**" segment matches any number of
// segments (none included). "/containers/*/logs" matches
// "/containers/abc/logs"; "/containers/**" matches "/containers",
// "/containers/json" and "/containers/abc/logs".
#pragma once

#include <string>
#include <string_view>

namespace berth::authz_policy {

// The path a rule sees for a request target: the query dropped and an API
// version prefix ("/v1.43") stripped, so one rule covers every client
// version. The path is left percent-encoded, exactly as the daemon routes it.
std::string api_path(std::string_view uri);

bool glob_match(std::string_view pattern, std::string_view path);

} // namespace berth::authz_policy
