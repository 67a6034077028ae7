#pragma once

#include <string_view>
#include <vector>

#include "template_ast.h"

// Turns Go-template text into nodes. Errors throw CliError with docker's
// "template parsing error: ..." prefix so users see the same first words.
namespace berth::cli::tmpl {

std::vector<Node> parse_template(std::string_view text);

}  // namespace berth::cli::tmpl
