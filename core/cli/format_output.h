#pragma once

#include <iosfwd>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "format_template.h"

// Printing rows (one JSON object each, with docker's template field names)
// through a --format template: a table goes through TabWriter with a header,
// anything else prints one rendered line per row.
namespace berth::cli {

void print_formatted(std::ostream& out, const FormatTemplate& format, const std::vector<nlohmann::json>& rows,
                     const std::map<std::string, std::string>& titles);

// docker's stringid.TruncateID: drop an "algo:" prefix, keep 12 characters.
std::string truncate_id(std::string_view id);

// docker's formatter.Ellipsis: at most `width` characters, the last one "…"
// when the text was cut.
std::string ellipsis(std::string_view text, std::size_t width);

}  // namespace berth::cli
