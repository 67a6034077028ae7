// json_text.hpp — the exact bytes dockerd's json-file driver writes: its
// string escaping (moby's ffjsonWriteJSONBytesAsString, which is Go's
// encoding/json with HTML escaping) and Go's time.RFC3339Nano in UTC. Lines
// must match dockerd byte for byte, because tools outside Docker (log
// shippers, `jq` scripts) read these files directly.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace berth::logjson {

// Append s as a JSON string literal (with quotes), escaped as Go does:
// \" \\ \n \r \t, other control bytes and < > & as \u00xx, invalid UTF-8 as
// \ufffd, U+2028/U+2029 as \u2028/\u2029.
void append_json_string(std::string &out, std::string_view s);

// Append a Go RFC3339Nano time in UTC: 2024-05-01T10:00:00.12345Z (trailing
// zeros of the fraction dropped; no fraction at all when it is zero).
void append_rfc3339nano(std::string &out, int64_t unix_nano);

// Parse an RFC 3339 time (fraction optional, Z or +hh:mm) to unix nanos.
std::optional<int64_t> parse_rfc3339(std::string_view s);

} // namespace berth::logjson
