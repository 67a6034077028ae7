#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

// Reading display values out of daemon JSON without trusting its shape:
// older or newer daemons may omit fields or change a number to a string, and
// the CLI should print what it can rather than fail.
namespace berth::cli {

// Text of a scalar: strings as-is, numbers and booleans as JSON spells them;
// nullopt for null, arrays and objects.
std::optional<std::string> scalar_text(const nlohmann::json& value);

// scalar_text of node[key]; nullopt also when node is not an object or has
// no such key.
std::optional<std::string> field_text(const nlohmann::json& node, std::string_view key);

// field_text, or fallback when absent.
std::string field_or(const nlohmann::json& node, std::string_view key, std::string_view fallback);

// The member if it exists and is an array/object, else an empty one, so
// callers can iterate without checks.
const nlohmann::json& array_field(const nlohmann::json& node, std::string_view key);
const nlohmann::json& object_field(const nlohmann::json& node, std::string_view key);

// nlohmann throws on invalid UTF-8 when dumping; daemon data (file names,
// messages) is not guaranteed valid, so replace bad bytes instead.
std::string dump_json(const nlohmann::json& value, int indent = -1);

}  // namespace berth::cli
