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

} // namespace

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
