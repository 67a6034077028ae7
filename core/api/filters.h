// filters.h — the `filters` query parameter of list and prune endpoints:
// JSON {"key":{"value":true}} (current) or {"key":["value"]} (old clients).
// Unknown keys are refused as dockerd does ("invalid filter 'x'").
#pragma once

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace berth::api {

class Filters {
public:
    // Throws ApiError 400 for malformed JSON or a key outside `allowed`.
    static Filters parse(const std::string &json_text, const std::set<std::string> &allowed);

    bool has(const std::string &key) const { return values_.count(key) > 0; }
    const std::vector<std::string> &values(const std::string &key) const;
    // True when key is absent or any value satisfies pred.
    template <class Pred>
    bool any_or_absent(const std::string &key, Pred pred) const {
        if (!has(key)) return true;
        for (const auto &v : values(key))
            if (pred(v)) return true;
        return false;
    }
    // A boolean filter ("dangling": "true"/"1"/"false"/"0"); throws 400 for
    // other values. nullopt-like: returns fallback when absent.
    bool boolean(const std::string &key, bool fallback) const;

private:
    std::map<std::string, std::vector<std::string>> values_;
};

// The cut-off of an "until" prune filter, as dockerd's timetypes reads it:
// a Go duration before now ("24h", "1h30m", "10m"), RFC 3339, or unix
// seconds. Throws ApiError 400 for anything else.
std::chrono::system_clock::time_point parse_until(const std::string &value);

// Labels {"k":"v"} as JSON text against "k" or "k=v" filter values.
bool labels_match(const std::map<std::string, std::string> &labels, const std::string &filter);

} // namespace berth::api
