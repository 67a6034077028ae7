#include "json_text.h"

namespace berth::cli {
namespace {

const nlohmann::json* member(const nlohmann::json& node, std::string_view key) {
    if (!node.is_object()) return nullptr;
    const auto it = node.find(key);
    return it == node.end() ? nullptr : &*it;
}

}  // namespace

std::optional<std::string> scalar_text(const nlohmann::json& value) {
    if (value.is_string()) return value.get<std::string>();
    if (value.is_number() || value.is_boolean()) return value.dump();
    return std::nullopt;
}

std::optional<std::string> field_text(const nlohmann::json& node, std::string_view key) {
    const nlohmann::json* value = member(node, key);
    return value == nullptr ? std::nullopt : scalar_text(*value);
}

std::string field_or(const nlohmann::json& node, std::string_view key, std::string_view fallback) {
    auto text = field_text(node, key);
    return text ? *text : std::string(fallback);
}

const nlohmann::json& array_field(const nlohmann::json& node, std::string_view key) {
    static const nlohmann::json kEmpty = nlohmann::json::array();
    const nlohmann::json* value = member(node, key);
    return value != nullptr && value->is_array() ? *value : kEmpty;
}

const nlohmann::json& object_field(const nlohmann::json& node, std::string_view key) {
    static const nlohmann::json kEmpty = nlohmann::json::object();
    const nlohmann::json* value = member(node, key);
    return value != nullptr && value->is_object() ? *value : kEmpty;
}

std::string dump_json(const nlohmann::json& value, int indent) {
    return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace berth::cli
