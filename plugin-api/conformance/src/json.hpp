// json.hpp — a small strict JSON reader for what drivers return (status,
// changes, metadata, mounts). The kit ships with the SDK alone, so it cannot
// use the daemon's JSON library; strictness matters because the daemon's
// parser will be strict too.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace conformance {

struct Json {
    enum class Kind { null, boolean, number, string, array, object };
    Kind kind = Kind::null;
    bool boolean = false;
    double number = 0;
    std::string str;
    std::vector<Json> items;                           // array
    std::vector<std::pair<std::string, Json>> members; // object, in order

    const Json *find(const std::string &key) const;
    bool is_string() const { return kind == Kind::string; }
};

// Throws std::runtime_error("at byte N: ...") for anything that is not one
// complete JSON value (surrounding white space allowed).
Json parse_json(std::string_view text);

const char *kind_name(Json::Kind k);

} // namespace conformance
