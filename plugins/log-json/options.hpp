// options.hpp — the json-file --log-opt options, checked with dockerd's
// rules and wording, and the "attrs" object that labels/env options select
// from the container's labels and environment.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace berth::logjson {

struct LogOptions {
    int64_t max_size = -1; // bytes; -1: never rotate
    int max_file = 1;      // files kept, the live one included
    bool compress = false; // gzip rotated files as <path>.N.gz
    std::string labels, labels_regex, env, env_regex;
};

// Parse and check an options object text ({"max-size":"10m",...}; NULL or
// "" means none). Throws sdk::error INVAL naming the key or value.
LogOptions parse_options(const char *opts_json);

// The attrs object (raw JSON text, keys sorted, "" when empty) a stream
// writes on every line, from info_json's "labels" and "env" filtered by the
// options. info_json is the object start() receives.
std::string extra_attrs_json(const LogOptions &opts, const std::map<std::string, std::string> &labels,
                             const std::vector<std::string> &env);

// The same attrs serialisation for an arbitrary map (sorted keys).
std::string attrs_to_json(const std::map<std::string, std::string> &attrs);

} // namespace berth::logjson
