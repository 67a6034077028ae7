// options.hpp — the command line:
//   berth-plugin-conformance storage <plugin.so> [--home DIR] [--driver NAME]
//                            [--filter SUBSTR] [--list]
#pragma once

#include <string>

namespace conformance {

struct Options {
    std::string kind;   // "storage" (the only kind the kit judges so far)
    std::string plugin; // path to the .so
    std::string home;   // "" = a fresh temp dir under /var/tmp
    std::string driver; // "" = the plugin's first storage driver
    std::string filter;
    bool list = false;
};

// Returns false after printing usage (to stderr, or stdout for --help);
// exit_code says how to exit then.
bool parse_options(int argc, char **argv, Options &out, int &exit_code);

} // namespace conformance
