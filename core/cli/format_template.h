#pragma once

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

// docker's --format: a Go text/template applied to each value (a row of
// `ps`, an object of `inspect`). Supported: fields ("{{.A.B}}"), variables
// ("$", "$v", "$v.A"), pipelines ("{{.Names | upper}}"), parenthesised
// calls, if/else if/else, range (with "$i, $v :="), with, comments and trim
// markers, and the functions listed in template_functions.h. The "table "
// prefix gives a header row plus aligned columns; the bare word "json" is
// "{{json .}}". Escaped "\t" and "\n" in the format become real tabs and
// newlines, as in docker. Anything else is refused with a CliError naming
// it, rather than printed wrong.
namespace berth::cli {

namespace tmpl {
struct Node;
}

class FormatTemplate {
public:
    // Throws CliError ("template parsing error: ...") for unsupported syntax.
    explicit FormatTemplate(std::string_view format);
    ~FormatTemplate();
    // Copies share the parsed nodes, which never change after parsing.
    FormatTemplate(const FormatTemplate&);
    FormatTemplate& operator=(const FormatTemplate&);
    FormatTemplate(FormatTemplate&&) noexcept;
    FormatTemplate& operator=(FormatTemplate&&) noexcept;

    bool is_table() const { return table_; }

    // The format applied to one value; no trailing newline is added. Throws
    // CliError ("template: ...") when a function call fails.
    std::string render(const nlohmann::json& value) const;

    // The header line of a table: the template run with every field
    // replaced by its column title from `titles` (or the field name
    // upper-cased when it has none), as docker runs it on a header context.
    std::string header(const std::map<std::string, std::string>& titles) const;

private:
    std::shared_ptr<const std::vector<tmpl::Node>> nodes_;
    bool table_ = false;
};

// Go's fmt %v of a decoded JSON value: strings bare, arrays "[a b]", objects
// "map[k:v]", null "<no value>".
std::string go_value_text(const nlohmann::json& value);

}  // namespace berth::cli
