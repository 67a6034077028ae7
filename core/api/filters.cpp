#include "api/filters.h"

#include "api/http_types.h"
#include "images/time_format.h"

#include <nlohmann/json.hpp>

#include <limits>
#include <regex>
#include <stdexcept>

namespace berth::api {

Filters Filters::parse(const std::string &json_text, const std::set<std::string> &allowed) {
    Filters f;
    if (json_text.empty()) return f;
    const auto j = nlohmann::json::parse(json_text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw ApiError(400, "invalid filter: " + json_text);
    for (const auto &[key, v] : j.items()) {
        if (!allowed.count(key)) throw ApiError(400, "invalid filter '" + key + "'");
        auto &out = f.values_[key];
        if (v.is_object()) {
            for (const auto &[value, on] : v.items())
                if (!on.is_boolean() || on.get<bool>()) out.push_back(value);
        } else if (v.is_array()) {
            for (const auto &value : v)
                if (value.is_string()) out.push_back(value.get<std::string>());
        } else {
            throw ApiError(400, "invalid filter '" + key + "'");
        }
    }
    return f;
}

const std::vector<std::string> &Filters::values(const std::string &key) const {
    static const std::vector<std::string> none;
    auto it = values_.find(key);
    return it == values_.end() ? none : it->second;
}

bool Filters::boolean(const std::string &key, bool fallback) const {
    if (!has(key)) return fallback;
    const auto &v = values(key);
    if (v.empty()) return fallback;
    if (v.size() > 1) throw ApiError(400, "invalid filter '" + key + "': only one value is allowed");
    if (v[0] == "true" || v[0] == "1") return true;
    if (v[0] == "false" || v[0] == "0") return false;
    throw ApiError(400, "invalid filter '" + key + "=" + v[0] + "'");
}

bool labels_match(const std::map<std::string, std::string> &labels, const std::string &filter) {
    const auto eq = filter.find('=');
    const auto key = filter.substr(0, eq);
    auto it = labels.find(key);
    if (it == labels.end()) return false;
    return eq == std::string::npos || it->second == filter.substr(eq + 1);
}

// The largest whole number of seconds int64 nanoseconds hold.
constexpr double kMaxSeconds = 9223372036.0;

// A run of digits as a number; one too large for a double is infinity (and
// refused by the bound above), not std::out_of_range.
double number_of(const std::string &digits) {
    try {
        return std::stod(digits);
    } catch (const std::out_of_range &) {
        return std::numeric_limits<double>::infinity();
    }
}

std::chrono::system_clock::time_point parse_until(const std::string &v) {
    const auto now = std::chrono::system_clock::now();
    static const std::regex duration(R"(^((\d+(\.\d+)?)(h|m|s|ms))+$)");
    if (std::regex_match(v, duration)) {
        double seconds = 0;
        static const std::regex part(R"((\d+(?:\.\d+)?)(ms|h|m|s))");
        for (std::sregex_iterator it(v.begin(), v.end(), part), end; it != end; ++it) {
            const double x = number_of((*it)[1]);
            const std::string unit = (*it)[2];
            seconds += unit == "h" ? x * 3600 : unit == "m" ? x * 60 : unit == "s" ? x : x / 1000;
        }
        // Go's durations stop at about 292 years (int64 nanoseconds); beyond
        // that ParseDuration fails, and the cast below would overflow.
        if (seconds >= kMaxSeconds) throw ApiError(400, "failed to parse value as time or duration: \"" + v + "\"");
        return now - std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(seconds));
    }
    if (const auto ns = images::parse_rfc3339_ns(v))
        return std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(*ns)));
    static const std::regex unix_ts(R"(^\d+(\.\d+)?$)");
    if (std::regex_match(v, unix_ts) && number_of(v) < kMaxSeconds)
        return std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::duration<double>(number_of(v))));
    throw ApiError(400, "failed to parse value as time or duration: \"" + v + "\"");
}

} // namespace berth::api
