#include "command_word.h"

#include <string_view>

#include <CLI/CLI.hpp>

// The rules mirror CLI11 2.x's own: values are taken without looking at them
// (so `-H --version` sets the host to "--version"), and `--` makes every
// later word a positional that the root has no use for.
namespace berth::cli {

namespace {

enum class OptionUse { Unknown, Flag, OneValue, Version };

OptionUse option_use(const CLI::App& root, const std::string& name) {
    const CLI::Option* opt = root.get_option_no_throw(name);
    if (opt == nullptr || opt == root.get_help_ptr()) return OptionUse::Unknown;
    if (opt == root.get_version_ptr()) return OptionUse::Version;
    if (opt->get_items_expected_min() == 0 && opt->get_items_expected_max() == 0) return OptionUse::Flag;
    // More than one value: CLI11 goes on taking words, which a peek cannot
    // follow without the whole tree.
    if (opt->get_items_expected_min() == 1 && opt->get_items_expected_max() == 1) return OptionUse::OneValue;
    return OptionUse::Unknown;
}

}  // namespace

CommandWord find_command_word(const CLI::App& root, const std::vector<std::string>& args) {
    using Kind = CommandWord::Kind;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--") return {};
        // "-" and "" are positionals to CLI11, as any word without a dash.
        if (arg.size() < 2 || arg[0] != '-') return {Kind::Word, arg};

        const bool long_form = arg[1] == '-';
        const std::size_t equals = long_form ? arg.find('=') : std::string::npos;
        // -Hx: the option is -H and "x" its value (or, for a flag, more flags).
        const std::string name = long_form ? arg.substr(0, equals) : arg.substr(0, 2);
        // CLI11 ignores an empty attached value: `--host= run` takes "run".
        const bool attached = long_form ? equals != std::string::npos && equals + 1 < arg.size() : arg.size() > 2;
        const bool equals_sign = equals != std::string::npos;

        switch (option_use(root, name)) {
            case OptionUse::Version:
                if (attached || equals_sign) return {};
                return {Kind::Version, {}};
            case OptionUse::Flag:
                if (attached || equals_sign) return {};
                break;
            case OptionUse::OneValue:
                if (!attached) {
                    if (i + 1 == args.size()) return {};  // CLI11 reports the missing value
                    ++i;
                }
                break;
            case OptionUse::Unknown:
                return {};
        }
    }
    return {};
}

}  // namespace berth::cli
