// find_command_word against the real root options: which word of argv names
// the command once the global options and their values are skipped, and
// when the peek gives up so that main() builds the whole tree.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include "command_word.h"
#include "global_options.h"

namespace {

using berth::cli::CommandWord;
using Kind = CommandWord::Kind;

// The root as build_cli sets it up, without any command.
struct Root {
    CLI::App app{"berth", "berth"};
    berth::cli::GlobalOptions options;
    Root() {
        app.set_version_flag("-v,--version", "Berth version x");
        add_global_options(app, options);
    }
};

CommandWord peek(const std::vector<std::string>& args) {
    Root root;
    return berth::cli::find_command_word(root.app, args);
}

void expect_word(const std::vector<std::string>& args, const std::string& word) {
    const CommandWord found = peek(args);
    EXPECT_EQ(found.kind, Kind::Word) << ::testing::PrintToString(args);
    EXPECT_EQ(found.text, word) << ::testing::PrintToString(args);
}

void expect_none(const std::vector<std::string>& args) {
    EXPECT_EQ(peek(args).kind, Kind::None) << ::testing::PrintToString(args);
}

}  // namespace

TEST(CommandWord, FirstWordIsTheCommand) {
    expect_word({"ps"}, "ps");
    expect_word({"run", "--rm", "busybox", "true"}, "run");
    // Later words, options of the command included, are not looked at.
    expect_word({"ps", "-H", "x"}, "ps");
    expect_word({"image", "ls"}, "image");
}

TEST(CommandWord, HostValueIsSkippedInEverySpelling) {
    expect_word({"-H", "x", "ps"}, "ps");
    expect_word({"--host", "x", "ps"}, "ps");
    expect_word({"--host=x", "ps"}, "ps");
    expect_word({"-Hx", "ps"}, "ps");
    expect_word({"-H", "unix:///run/berth.sock", "-H", "tcp://h:2376", "ps"}, "ps");
}

TEST(CommandWord, TlsOptionsAreSkipped) {
    expect_word({"--tlsverify", "ps"}, "ps");
    expect_word({"--tlsverify", "--tlscacert", "ca.pem", "--tlscert", "c.pem", "--tlskey=k.pem", "-H", "tcp://h",
                 "info"},
                "info");
}

TEST(CommandWord, ValueThatLooksLikeACommandIsAValue) {
    // CLI11 takes the next word as the value whatever it says.
    expect_none({"-H", "run"});
    expect_word({"-H", "run", "ps"}, "ps");
    expect_word({"--tlscacert", "version", "info"}, "info");
    expect_word({"-H", "--version", "ps"}, "ps");
    expect_word({"-H", "--", "ps"}, "ps");
    // An empty attached value is no value: CLI11 takes the next word.
    expect_none({"--host=", "run"});
    expect_word({"--host=", "run", "ps"}, "ps");
}

TEST(CommandWord, DoubleDashEndsTheSearch) {
    expect_none({"--"});
    expect_none({"--", "ps"});
    expect_none({"-H", "x", "--", "ps"});
    expect_word({"ps", "--", "run"}, "ps");
}

TEST(CommandWord, NoCommand) {
    expect_none({});
    expect_none({"-H", "x"});
    expect_none({"--tlsverify"});
    // A missing value is CLI11's error to report.
    expect_none({"-H"});
    expect_none({"--tlsverify", "--tlskey"});
}

TEST(CommandWord, HelpNeedsTheWholeTree) {
    expect_none({"--help"});
    expect_none({"-h"});
    expect_none({"--help", "ps"});
    expect_none({"-H", "x", "-h", "ps"});
}

TEST(CommandWord, VersionFlagWinsOverWhatFollows) {
    EXPECT_EQ(peek({"--version"}).kind, Kind::Version);
    EXPECT_EQ(peek({"-v"}).kind, Kind::Version);
    EXPECT_EQ(peek({"-H", "x", "--version", "ps"}).kind, Kind::Version);
    EXPECT_EQ(peek({"--tlsverify", "-v", "--help"}).kind, Kind::Version);
    // Spellings CLI11 reads differently are left to it.
    expect_none({"--version=1"});
    expect_none({"-vH", "x", "ps"});
}

TEST(CommandWord, OptionsBerthDoesNotHaveStopTheSearch) {
    // docker's -D, --tls, --config and -l: berth's root has none of them, so
    // CLI11 reports them and only the whole tree gives the same report.
    expect_none({"-D", "ps"});
    expect_none({"--tls", "ps"});
    expect_none({"--config", "d", "ps"});
    expect_none({"-l", "debug", "ps"});
    expect_none({"-H", "x", "--log-level=debug", "ps"});
}

TEST(CommandWord, FlagsWithValuesOrClustersStopTheSearch) {
    expect_none({"--tlsverify=true", "ps"});
    expect_none({"--tlsverify=", "ps"});
    expect_none({"---host", "x", "ps"});
}

TEST(CommandWord, DashWordsThatAreNotOptionsAreWords) {
    // CLI11 reads "-" and "" as positionals; the caller finds they name no
    // command.
    expect_word({"-"}, "-");
    expect_word({"", "ps"}, "");
}
