// options.cpp — see options.hpp. Keys follow dockerd's overlay2 driver:
// "overlay2.size" (and the retired "overlay2.override_kernel_check", which
// dockerd also still accepts and ignores), case-insensitive.
#include "options.hpp"

#include "errors.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

namespace berth::overlay2 {

namespace {

using nlohmann::json;

constexpr const char *quota_unsupported = "size= needs xfs with pquota";

json parse_object(const char *text, const char *what) {
    if (text == nullptr || *text == '\0') return json::object();
    json doc = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) fail(BERTH_E_INVAL, std::string(what) + " is not valid JSON");
    if (!doc.is_object()) fail(BERTH_E_INVAL, std::string(what) + " must be a JSON object");
    return doc;
}

// "10G", "512m", "1.5GiB", "4096": a size in bytes with binary units, the
// way dockerd's units.RAMInBytes reads them: ^\d+(\.\d+)* ?[kmgtp]?i?b?$
uint64_t parse_size(const std::string &value) {
    const auto bad = [&]() { fail(BERTH_E_INVAL, "invalid size \"" + value + "\""); };
    size_t i = 0;
    while (i < value.size() && (std::isdigit(static_cast<unsigned char>(value[i])) || value[i] == '.')) ++i;
    if (i == 0 || !std::isdigit(static_cast<unsigned char>(value[0]))) bad();
    const double number = std::strtod(value.substr(0, i).c_str(), nullptr);
    std::string unit = value.substr(i);
    if (!unit.empty() && unit[0] == ' ') unit.erase(0, 1);
    std::transform(unit.begin(), unit.end(), unit.begin(), [](unsigned char c) { return std::tolower(c); });
    if (unit.size() == 3 && unit.ends_with("ib")) unit.resize(1);
    else if (unit.size() == 2 && unit.ends_with("b")) unit.resize(1);
    static const std::string letters = "kmgtp";
    double mult = 1;
    if (unit.empty() || unit == "b") {
        mult = 1;
    } else if (unit.size() == 1 && letters.find(unit[0]) != std::string::npos) {
        for (size_t n = 0; n <= letters.find(unit[0]); ++n) mult *= 1024.0;
    } else {
        bad();
    }
    return static_cast<uint64_t>(number * mult);
}

// {"uid": H, "gid": G, "size": S}: all three, as unsigned integers whose
// host ranges stay below (uid_t)-1 (chown's "unchanged").
layertar::IdMap parse_id_map(const json &value) {
    constexpr uint64_t id_limit = 0xFFFFFFFFu;
    const std::string shape = "\"id_map\" must be {\"uid\": N, \"gid\": N, \"size\": N}";
    if (!value.is_object()) fail(BERTH_E_INVAL, shape);
    for (auto it = value.begin(); it != value.end(); ++it)
        if (it.key() != "uid" && it.key() != "gid" && it.key() != "size")
            fail(BERTH_E_INVAL, "unknown key \"" + it.key() + "\" in \"id_map\"; " + shape);
    const auto field = [&](const char *name) -> uint64_t {
        if (!value.contains(name)) fail(BERTH_E_INVAL, std::string("\"id_map\" has no \"") + name + "\"; " + shape);
        const json &v = value.at(name);
        if (!v.is_number_unsigned() || v.get<uint64_t>() >= id_limit)
            fail(BERTH_E_INVAL, std::string("\"id_map.") + name + "\" must be an integer from 0 to 4294967294, not " +
                                    v.dump());
        return v.get<uint64_t>();
    };
    const uint64_t uid = field("uid"), gid = field("gid"), size = field("size");
    if (size == 0) fail(BERTH_E_INVAL, "\"id_map.size\" must be at least 1 (leave \"id_map\" out for no remapping)");
    if (uid + size > id_limit || gid + size > id_limit)
        fail(BERTH_E_INVAL, "\"id_map\" (uid " + std::to_string(uid) + ", gid " + std::to_string(gid) + ", size " +
                                std::to_string(size) + ") reaches past host ID 4294967294");
    return layertar::IdMap{static_cast<uint32_t>(uid), static_cast<uint32_t>(gid), static_cast<uint32_t>(size)};
}

} // namespace

DriverOptions parse_driver_options(const char *config_json) {
    const json doc = parse_object(config_json, "plugin config");
    DriverOptions out;
    for (const auto &[key, value] : doc.items()) {
        if (key == "id_map") {
            out.id_map = parse_id_map(value);
            continue;
        }
        if (key != "storage-opts") fail(BERTH_E_INVAL, "unknown plugin config key \"" + key + "\"");
        if (!value.is_array()) fail(BERTH_E_INVAL, "\"storage-opts\" must be an array of strings");
        for (const auto &item : value) {
            if (!item.is_string()) fail(BERTH_E_INVAL, "\"storage-opts\" must be an array of strings");
            const std::string opt = item.get<std::string>();
            const auto eq = opt.find('=');
            if (eq == std::string::npos) fail(BERTH_E_INVAL, "storage option \"" + opt + "\" is not key=value");
            std::string name = opt.substr(0, eq);
            std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
            const std::string val = opt.substr(eq + 1);
            if (name == "overlay2.size") out.default_size = parse_size(val);
            else if (name == "overlay2.override_kernel_check") continue; // retired; accepted like dockerd
            else fail(BERTH_E_INVAL, "unknown storage option \"" + name + "\"");
        }
    }
    if (out.default_size && *out.default_size > 0) fail(BERTH_E_NOTSUP, quota_unsupported);
    return out;
}

CreateOptions check_create_options(const char *storage_opts_json) {
    const json doc = parse_object(storage_opts_json, "storage options");
    CreateOptions out;
    bool wants_size = false;
    for (const auto &[key, value] : doc.items()) {
        if (!value.is_string()) fail(BERTH_E_INVAL, "storage option \"" + key + "\" must be a string");
        std::string name = key;
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
        const std::string text = value.get<std::string>();
        if (name == "volatile") {
            if (text != "true" && text != "false")
                fail(BERTH_E_INVAL, "storage option \"" + key + "\" must be \"true\" or \"false\"");
            out.volatile_mounts = text == "true";
            continue;
        }
        if (name != "size") fail(BERTH_E_INVAL, "unknown storage option \"" + key + "\"");
        parse_size(text); // a malformed size is INVAL even here
        wants_size = true;
    }
    if (wants_size) fail(BERTH_E_NOTSUP, quota_unsupported);
    return out;
}

} // namespace berth::overlay2
