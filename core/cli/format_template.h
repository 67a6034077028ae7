#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

// A small subset of the Go templates docker's --format takes, enough for the
// common uses: literal text, "{{.Field}}", "{{.A.B}}", "{{.}}", "{{json .X}}"
// and "{{json .}}", the "table " prefix (header row plus aligned columns) and
// the bare word "json" (one JSON object per line). Escaped "\t" and "\n" in
// the format become real tabs and newlines, as in docker. Anything else in
// {{ }} is refused with a CliError naming it, rather than printed wrong.
namespace berth::cli {

class FormatTemplate {
public:
    // Throws CliError ("template parsing error: ...") for unsupported syntax.
    explicit FormatTemplate(std::string_view format);

    bool is_table() const { return table_; }

    // The format applied to one value (a row of `images`, an image of
    // `inspect`); no trailing newline.
    std::string render(const nlohmann::json& value) const;

    // The header line of a table: each field replaced by its column title
    // from `titles` (or the field name upper-cased when it has none).
    std::string header(const std::map<std::string, std::string>& titles) const;

private:
    struct Piece {
        enum class Kind { Text, Field, Json } kind = Kind::Text;
        std::string text;               // Kind::Text
        std::vector<std::string> path;  // fields; empty is "."
    };

    std::vector<Piece> pieces_;
    bool table_ = false;
};

// Go's fmt %v of a decoded JSON value: strings bare, arrays "[a b]", objects
// "map[k:v]", null "<no value>".
std::string go_value_text(const nlohmann::json& value);

}  // namespace berth::cli
