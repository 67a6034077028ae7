#pragma once

#include <string>

#include <CLI/CLI.hpp>

// --help laid out as docker lays it out: a blank line, "Usage:  berth ps
// [OPTIONS]", a blank line, the one-line description, then the option and
// command lists. CLI11's default puts the description above the usage line.
namespace berth::cli {

class HelpFormatter : public CLI::Formatter {
public:
    std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override;
};

}  // namespace berth::cli
