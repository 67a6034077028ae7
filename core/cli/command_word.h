#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

// A look at argv before CLI11 parses it: which word names the command. main()
// uses it to build only the commands a command line can reach, since building
// the whole tree costs more than the rest of a short-lived `berth` run.
namespace berth::cli {

struct CommandWord {
    enum class Kind {
        Word,     // `text` is the first word that is neither a global option nor its value
        Version,  // -v/--version came first: berth prints its version whatever follows
        None,     // no word (end, `--`), --help, or an option the root does not know
    };
    Kind kind = Kind::None;
    std::string text;
};

// Reads args (argv without the program name) the way CLI11 reads them on
// `root`, an app holding only the version flag and the global options: an
// option of one value takes the next word (`-H run`) or its attached part
// (`-Hx`, `--host=x`), a flag takes none. Anything it is not sure about
// (flag clusters like `-vH`, `--flag=value`, options the root lacks) gives
// None, so the caller falls back to the whole tree.
CommandWord find_command_word(const CLI::App& root, const std::vector<std::string>& args);

}  // namespace berth::cli
