// request_framing.h — how fuzz_router reads one request from fuzzer bytes.
// A readable framing, so corpus files can be written by hand:
//
//   METHOD SP TARGET LF
//   Name: value LF          (zero or more headers)
//   LF
//   body bytes...           (everything after the blank line)
//
// Missing parts are empty: "GET /_ping" alone is a request without headers
// or body. A '\r' before a LF is dropped, so CRLF files read the same.
#pragma once

#include "api/http_types.h"

#include <string_view>

namespace berth::fuzz {

api::Request parse_framed_request(std::string_view input);

} // namespace berth::fuzz
