#include "volumes/volume_record.h"

#include "images/time_format.h"
#include "util/atomic_file.h"
#include "volumes/errors.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>

namespace berth::volumes {
namespace {

using nlohmann::json;

json optional_map(const std::optional<StringMap> &m) { return m ? json(*m) : json(nullptr); }

// A JSON object of strings, JSON null (nullopt), or malformed (false).
bool read_optional_map(const json &j, const char *key, std::optional<StringMap> &out) {
    if (!j.contains(key) || j[key].is_null()) {
        out.reset();
        return true;
    }
    if (!j[key].is_object()) return false;
    StringMap m;
    for (const auto &[k, v] : j[key].items()) {
        if (!v.is_string()) return false;
        m[k] = v.get<std::string>();
    }
    out = std::move(m);
    return true;
}

} // namespace

std::string record_json(const Volume &v) {
    json j;
    j["Driver"] = v.driver;
    j["Labels"] = optional_map(v.labels);
    j["Options"] = optional_map(v.options);
    j["CreatedAt"] = images::format_rfc3339_nano(v.created);
    return j.dump();
}

std::optional<Volume> parse_record(const std::string &text) {
    const auto j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return std::nullopt;
    if (!j.contains("Driver") || !j["Driver"].is_string() || !j.contains("CreatedAt") ||
        !j["CreatedAt"].is_string())
        return std::nullopt;
    Volume v;
    v.driver = j["Driver"].get<std::string>();
    const auto ns = images::parse_rfc3339_ns(j["CreatedAt"].get<std::string>());
    if (!ns) return std::nullopt;
    v.created = std::chrono::system_clock::time_point(
        std::chrono::duration_cast<std::chrono::system_clock::duration>(std::chrono::nanoseconds(*ns)));
    if (!read_optional_map(j, "Labels", v.labels) || !read_optional_map(j, "Options", v.options)) return std::nullopt;
    return v;
}

void write_record(const std::filesystem::path &dir, const Volume &v) {
    if (!util::write_file_atomic(dir / kRecordFile, record_json(v), 0600))
        throw InternalError("write " + (dir / kRecordFile).string() + ": " + std::strerror(errno));
}

bool is_record_temp(const std::string &filename) {
    const std::string prefix = std::string(".") + kRecordFile + ".tmp-";
    return filename.compare(0, prefix.size(), prefix) == 0;
}

} // namespace berth::volumes
