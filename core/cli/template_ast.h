#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

// The parsed form of a --format template: the subset of Go's text/template
// that docker users write (fields, variables, pipelines, function calls,
// if/else, range, with). template_parser.cpp builds it, format_template.cpp
// evaluates it against JSON values.
namespace berth::cli::tmpl {

struct Pipeline;

// One operand of a command.
struct Term {
    enum class Kind { Dot, Field, Variable, Literal, Function, Group } kind = Kind::Dot;
    std::string name;               // Variable ("$", "$x") or Function name
    std::vector<std::string> path;  // fields after the base: .A.B, $x.A, (p).A
    nlohmann::json literal;         // Literal
    std::shared_ptr<Pipeline> group;  // Group: "(pipeline)"
};

// "fn a b" or a single value; the previous command's result in a pipeline
// becomes a function's last argument.
struct Command {
    std::vector<Term> args;
};

struct Pipeline {
    std::vector<std::string> declared;  // "$x :=" or range's "$i, $v :="
    std::vector<Command> commands;
};

struct Node {
    enum class Kind { Text, Action, If, Range, With } kind = Kind::Text;
    std::string text;  // Text
    Pipeline pipe;     // Action, If, Range, With
    std::vector<Node> body;
    std::vector<Node> else_body;
};

}  // namespace berth::cli::tmpl
