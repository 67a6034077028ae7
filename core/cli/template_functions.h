#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

// The functions a --format template may call: Go's text/template built-ins
// (index, len, eq, and, printf, ...) plus the ones docker adds in its
// templates package (json, join, split, upper, lower, title, pad, truncate,
// println). Values are decoded JSON, as the evaluator holds them.
namespace berth::cli::tmpl {

bool is_function(std::string_view name);

// Throws CliError ("template: ...") for wrong arguments, like Go's
// execution errors.
nlohmann::json call_function(std::string_view name, const std::vector<nlohmann::json>& args);

// Go's truth: false, 0, nil and empty strings, arrays and maps are false.
bool is_true(const nlohmann::json& value);

// Go's fmt %v of a decoded JSON value: strings bare, arrays "[a b]", objects
// "map[k:v]", null "<no value>".
std::string value_text(const nlohmann::json& value);

}  // namespace berth::cli::tmpl
