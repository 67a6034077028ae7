// storage_opts.cpp — see storage_opts.hpp.
#include "storage_opts.hpp"

#include <berth/sdk.hpp>

#include <nlohmann/json.hpp>

#include <cctype>
#include <cmath>
#include <string_view>

namespace berth::btrfs {
namespace {

[[noreturn]] void bad_size(const std::string &text, const char *why) {
    throw sdk::error(BERTH_E_INVAL, "btrfs: invalid size \"" + text + "\": " + why);
}

[[noreturn]] void bad_config(const std::string &why) {
    throw sdk::error(BERTH_E_INVAL, "btrfs: plugin config: " + why);
}

// {"uid": H, "gid": G, "size": S}: all three, as unsigned integers whose
// host ranges stay below (uid_t)-1 (chown's "unchanged").
layertar::IdMap parse_id_map(const nlohmann::json &value) {
    constexpr uint64_t id_limit = 0xFFFFFFFFu;
    const std::string shape = "\"id_map\" must be {\"uid\": N, \"gid\": N, \"size\": N}";
    if (!value.is_object()) bad_config(shape);
    for (auto it = value.begin(); it != value.end(); ++it)
        if (it.key() != "uid" && it.key() != "gid" && it.key() != "size")
            bad_config("unknown key \"" + it.key() + "\" in \"id_map\"; " + shape);
    const auto field = [&](const char *name) -> uint64_t {
        if (!value.contains(name)) bad_config(std::string("\"id_map\" has no \"") + name + "\"; " + shape);
        const nlohmann::json &v = value.at(name);
        if (!v.is_number_unsigned() || v.get<uint64_t>() >= id_limit)
            bad_config(std::string("\"id_map.") + name + "\" must be an integer from 0 to 4294967294, not " + v.dump());
        return v.get<uint64_t>();
    };
    const uint64_t uid = field("uid"), gid = field("gid"), size = field("size");
    if (size == 0) bad_config("\"id_map.size\" must be at least 1 (leave \"id_map\" out for no remapping)");
    if (uid + size > id_limit || gid + size > id_limit)
        bad_config("\"id_map\" (uid " + std::to_string(uid) + ", gid " + std::to_string(gid) + ", size " +
                   std::to_string(size) + ") reaches past host ID 4294967294");
    return layertar::IdMap{static_cast<uint32_t>(uid), static_cast<uint32_t>(gid), static_cast<uint32_t>(size)};
}

} // namespace

driver_config parse_driver_config(const char *json) {
    driver_config out;
    if (json == nullptr || *json == '\0') return out;
    auto doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object())
        throw sdk::error(BERTH_E_INVAL, "btrfs: plugin config is not a JSON object");
    for (const auto &item : doc.items()) {
        if (item.key() == "id_map") {
            out.id_map = parse_id_map(item.value());
            continue;
        }
        // A typo must not be silently ignored.
        throw sdk::error(BERTH_E_INVAL, "btrfs: unknown plugin config option \"" + item.key() + "\"");
    }
    return out;
}

uint64_t parse_size(const std::string &text) {
    std::string_view s = text;
    size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    std::string_view number = s.substr(0, i);
    if (number.empty() || number.front() == '.' || number.back() == '.' ||
        number.find('.') != number.rfind('.'))
        bad_size(text, "expected a number with an optional unit (k, m, g, t, p)");
    std::string_view unit = s.substr(i);
    if (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
    double mult = 1;
    if (!unit.empty()) {
        switch (std::tolower(static_cast<unsigned char>(unit.front()))) {
        case 'k': mult = 1024.0; unit.remove_prefix(1); break;
        case 'm': mult = 1024.0 * 1024; unit.remove_prefix(1); break;
        case 'g': mult = 1024.0 * 1024 * 1024; unit.remove_prefix(1); break;
        case 't': mult = 1024.0 * 1024 * 1024 * 1024; unit.remove_prefix(1); break;
        case 'p': mult = 1024.0 * 1024 * 1024 * 1024 * 1024; unit.remove_prefix(1); break;
        default: break;
        }
        if (!unit.empty() && std::tolower(static_cast<unsigned char>(unit.front())) == 'i') unit.remove_prefix(1);
        if (!unit.empty() && std::tolower(static_cast<unsigned char>(unit.front())) == 'b') unit.remove_prefix(1);
        if (!unit.empty()) bad_size(text, "unknown unit");
    }
    double value = std::stod(std::string(number)) * mult;
    if (!std::isfinite(value) || value >= 18446744073709551615.0) bad_size(text, "too large");
    auto bytes = static_cast<uint64_t>(value);
    if (bytes == 0) bad_size(text, "must be greater than zero");
    return bytes;
}

layer_opts parse_layer_opts(const char *json) {
    layer_opts out;
    if (json == nullptr || *json == '\0') return out;
    nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded() || !doc.is_object())
        throw sdk::error(BERTH_E_INVAL, "btrfs: storage options are not a JSON object");
    for (const auto &[key, value] : doc.items()) {
        if (key != "size") throw sdk::error(BERTH_E_INVAL, "btrfs: unknown storage option \"" + key + "\"");
        if (!value.is_string())
            throw sdk::error(BERTH_E_INVAL, "btrfs: storage option \"size\" must be a string");
        out.size = parse_size(value.get<std::string>());
    }
    return out;
}

} // namespace berth::btrfs
