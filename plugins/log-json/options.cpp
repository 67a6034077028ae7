#include "options.hpp"

#include "errors.hpp"
#include "json_text.hpp"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <optional>
#include <cmath>
#include <regex>
#include <set>
#include <sstream>

namespace berth::logjson {

namespace {

// docker/go-units RAMInBytes: "10m", "1.5g", "512k", "100" (bytes), binary
// multiples, optional "b"/"ib" suffix.
std::optional<int64_t> ram_in_bytes(const std::string &s) {
    static const std::regex re(R"(^(\d+(\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$)");
    std::smatch m;
    if (!std::regex_match(s, m, re)) return std::nullopt;
    double v = std::stod(m[1].str());
    const std::string unit = m[3].str();
    if (!unit.empty()) {
        static const std::string units = "kmgtp";
        const auto pos = units.find(static_cast<char>(std::tolower(static_cast<unsigned char>(unit[0]))));
        v *= std::pow(1024.0, static_cast<double>(pos + 1));
    }
    return static_cast<int64_t>(v);
}

std::optional<bool> parse_bool(const std::string &s) {
    // Go's strconv.ParseBool.
    static const std::set<std::string> yes{"1", "t", "T", "true", "TRUE", "True"};
    static const std::set<std::string> no{"0", "f", "F", "false", "FALSE", "False"};
    if (yes.contains(s)) return true;
    if (no.contains(s)) return false;
    return std::nullopt;
}

[[noreturn]] void inval(const std::string &msg) { fail(BERTH_E_INVAL, msg); }

void check_regex(const std::string &key, const std::string &value) {
    try {
        std::regex re(value);
    } catch (const std::regex_error &e) {
        inval("error parsing " + key + " '" + value + "': " + e.what());
    }
}

std::vector<std::string> split_commas(const std::string &s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string item;
    while (std::getline(ss, item, ','))
        if (!item.empty()) out.push_back(item);
    return out;
}

} // namespace

LogOptions parse_options(const char *opts_json) {
    LogOptions o;
    if (opts_json == nullptr || *opts_json == '\0') return o;
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(opts_json);
    } catch (const nlohmann::json::exception &e) {
        inval(std::string("log options are not valid JSON: ") + e.what());
    }
    if (j.is_null()) return o;
    if (!j.is_object()) inval("log options must be a JSON object");
    for (const auto &[key, val] : j.items()) {
        if (!val.is_string()) inval("log opt '" + key + "' must be a string");
        const auto v = val.get<std::string>();
        if (key == "max-size") {
            if (v == "-1") continue; // explicit "no limit"
            const auto n = ram_in_bytes(v);
            if (!n) inval("invalid size: '" + v + "'");
            if (*n <= 0) inval("max-size must be a positive number");
            o.max_size = *n;
        } else if (key == "max-file") {
            char *end = nullptr;
            errno = 0;
            const long n = std::strtol(v.c_str(), &end, 10);
            if (v.empty() || *end != '\0' || errno != 0 || n > 1000000)
                inval("strconv.Atoi: parsing \"" + v + "\": invalid syntax (max-file)");
            if (n < 1) inval("max-file cannot be less than 1");
            o.max_file = static_cast<int>(n);
        } else if (key == "compress") {
            const auto b = parse_bool(v);
            if (!b) inval("error reading compress log option: strconv.ParseBool: parsing \"" + v + "\": invalid syntax");
            o.compress = *b;
        } else if (key == "labels") {
            o.labels = v;
        } else if (key == "labels-regex") {
            check_regex(key, v);
            o.labels_regex = v;
        } else if (key == "env") {
            o.env = v;
        } else if (key == "env-regex") {
            check_regex(key, v);
            o.env_regex = v;
        } else if (key == "tag") {
            // Accepted for compatibility; json-file does not use it.
        } else {
            inval("unknown log opt '" + key + "' for json-file log driver");
        }
    }
    return o;
}

std::string attrs_to_json(const std::map<std::string, std::string> &attrs) {
    if (attrs.empty()) return {};
    std::string out = "{";
    bool first = true;
    for (const auto &[k, v] : attrs) {
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, k);
        out.push_back(':');
        append_json_string(out, v);
    }
    out.push_back('}');
    return out;
}

std::string extra_attrs_json(const LogOptions &opts, const std::map<std::string, std::string> &labels,
                             const std::vector<std::string> &env) {
    std::map<std::string, std::string> attrs;
    for (const auto &k : split_commas(opts.labels))
        if (auto it = labels.find(k); it != labels.end()) attrs[k] = it->second;
    if (!opts.labels_regex.empty()) {
        const std::regex re(opts.labels_regex);
        for (const auto &[k, v] : labels)
            if (std::regex_search(k, re)) attrs[k] = v;
    }
    std::map<std::string, std::string> env_map;
    for (const auto &e : env) {
        const auto eq = e.find('=');
        if (eq != std::string::npos) env_map[e.substr(0, eq)] = e.substr(eq + 1);
    }
    for (const auto &k : split_commas(opts.env))
        if (auto it = env_map.find(k); it != env_map.end()) attrs[k] = it->second;
    if (!opts.env_regex.empty()) {
        const std::regex re(opts.env_regex);
        for (const auto &[k, v] : env_map)
            if (std::regex_search(k, re)) attrs[k] = v;
    }
    return attrs_to_json(attrs);
}

} // namespace berth::logjson
