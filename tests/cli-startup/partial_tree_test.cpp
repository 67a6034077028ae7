// build_cli_for: the tree main() builds for one command line must behave as
// the whole tree (build_cli) for that command line: same help texts, same
// parse errors and exit statuses, same command selected. And it must be the
// whole tree whenever the root's help or the completion script can show.
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include "cli_app.h"

namespace {

using berth::cli::CliContext;

struct Tree {
    CLI::App app{"Berth: a Docker-compatible container engine", "berth"};
    CliContext ctx;
};

std::unique_ptr<Tree> whole_tree() {
    auto tree = std::make_unique<Tree>();
    berth::cli::build_cli(tree->app, tree->ctx);
    return tree;
}

std::unique_ptr<Tree> tree_for(const std::vector<std::string>& args) {
    auto tree = std::make_unique<Tree>();
    berth::cli::build_cli_for(tree->app, tree->ctx, args);
    return tree;
}

std::vector<const CLI::App*> commands_of(const CLI::App& app) {
    return app.get_subcommands([](const CLI::App*) { return true; });
}

// Every name (and alias) the root answers to, in the order they were added.
std::vector<std::string> top_level_names(const CLI::App& root) {
    std::vector<std::string> names;
    for (const CLI::App* sub : commands_of(root)) {
        names.push_back(sub->get_name());
        for (const auto& alias : sub->get_aliases()) names.push_back(sub->get_name() + " alias " + alias);
    }
    return names;
}

// The --help text of `command` and of every command under it, by path.
void collect_help(const CLI::App& command, const std::string& parent, std::map<std::string, std::string>& help) {
    const std::string path = parent + " " + command.get_name();
    help[path] = command.help(parent);
    for (const CLI::App* sub : commands_of(command)) collect_help(*sub, path, help);
}

std::map<std::string, std::string> help_under(const CLI::App& root, const std::string& name) {
    std::map<std::string, std::string> help;
    collect_help(*root.get_subcommand(name), "berth", help);
    return help;
}

// What main() would do up to running the command: the status and the text
// of a parse error (--help and --version included), or the commands
// selected and, when none has an action, the help main() prints.
std::string outcome(Tree& tree, const std::vector<std::string>& args) {
    std::vector<const char*> argv{"berth"};
    for (const std::string& arg : args) argv.push_back(arg.c_str());
    std::ostringstream result;
    try {
        tree.app.parse(static_cast<int>(argv.size()), argv.data());
    } catch (const CLI::ParseError& e) {
        std::ostringstream out;
        std::ostringstream err;
        const int status = tree.app.exit(e, out, err);
        result << "status " << status << "\nout:\n" << out.str() << "err:\n" << err.str();
        return result.str();
    }
    const CLI::App* selected = &tree.app;
    while (!selected->get_subcommands().empty()) {
        selected = selected->get_subcommands().back();
        result << "selected " << selected->get_name() << '\n';
    }
    result << "host " << tree.ctx.global.host << '\n';
    if (!tree.ctx.action) result << "help:\n" << tree.app.help();
    return result.str();
}

}  // namespace

TEST(PartialTree, EachCommandAloneHasTheHelpOfTheWholeTree) {
    const auto whole = whole_tree();
    int compared = 0;
    for (const CLI::App* command : commands_of(whole->app)) {
        const std::string name = command->get_name();
        if (name == "completion") continue;  // always the whole tree, below
        const auto partial = tree_for({name});
        ASSERT_NO_THROW(partial->app.get_subcommand(name)) << name;
        // Only its own registration: `stop` brings the other lifecycle
        // commands, nothing brings `image` or `run` along.
        EXPECT_LE(commands_of(partial->app).size(), 9U) << name;
        const auto expected = help_under(whole->app, name);
        const auto got = help_under(partial->app, name);
        EXPECT_EQ(got.size(), expected.size()) << name;
        for (const auto& [path, text] : expected) {
            ASSERT_TRUE(got.count(path)) << path;
            EXPECT_EQ(got.at(path), text) << path;
            ++compared;
        }
    }
    EXPECT_GT(compared, 100);
}

TEST(PartialTree, EveryTopLevelCommandCanBeBuiltAloneInTheSameOrder) {
    // A command added to build_cli but not to build_cli_for's table would be
    // missing here (and `berth NEWCOMMAND` would print the root's help).
    const auto whole = whole_tree();
    std::vector<std::string> args{"ps"};
    std::vector<std::string> expected;
    for (const std::string& name : top_level_names(whole->app)) {
        if (name == "completion") continue;
        expected.push_back(name);
        if (name.find(' ') == std::string::npos) args.push_back(name);
    }
    EXPECT_EQ(top_level_names(tree_for(args)->app), expected);
}

TEST(PartialTree, OnlyTheNamedCommandsAreBuilt) {
    EXPECT_EQ(top_level_names(tree_for({"run", "--rm", "busybox", "true"})->app), std::vector<std::string>{"run"});
    EXPECT_EQ(top_level_names(tree_for({"-H", "unix:///x", "ps"})->app), std::vector<std::string>{"ps"});
    // CLI11 can select a later word through fallthrough, so it is there too.
    EXPECT_EQ(top_level_names(tree_for({"ps", "images"})->app), (std::vector<std::string>{"images", "ps"}));
    EXPECT_TRUE(top_level_names(tree_for({"--version"})->app).empty());
}

TEST(PartialTree, WholeTreeWhenTheRootHelpOrCompletionCanShow) {
    const std::size_t all = commands_of(whole_tree()->app).size();
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {},
             {"--help"},
             {"-h", "ps"},
             {"help"},
             {"bogus", "ps"},
             {"-H", "run"},
             {"--", "ps"},
             {"-D", "ps"},
             {"completion", "bash"},
             {"ps", "completion", "bash"},
             {"--version", "completion"},
         }) {
        EXPECT_EQ(commands_of(tree_for(args)->app).size(), all) << ::testing::PrintToString(args);
    }
}

TEST(PartialTree, CommandLinesEndTheSameAsWithTheWholeTree) {
    int compared = 0;
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"ps"},
             {"-H", "unix:///x", "ps", "-a"},
             {"ps", "-H", "unix:///x"},
             {"ps", "images"},
             {"ps", "run"},
             {"ps", "extra"},
             {"ps", "--bogus"},
             {"ps", "--help"},
             {"--help", "ps"},
             {"ps", "--version"},
             {"--version"},
             {"-v", "--help"},
             {"--version", "bogus"},
             {"--version", "run"},
             {"-H", "--version", "ps"},
             {"-H", "run", "ps"},
             {"--host=", "run", "ps"},
             {"run"},
             {"run", "--help"},
             {"run", "--rm", "--network", "none", "busybox", "true"},
             {"run", "--", "ps"},
             {"run", "-v"},
             {"rm", "a", "run"},
             {"stop"},
             {"container"},
             {"container", "ls", "run"},
             {"image"},
             {"image", "ls", "--help"},
             {"system", "events", "--help"},
             {"plugin"},
             {"network", "bogus"},
             {"version", "info"},
             {"inspect", "--type", "image", "x"},
             {"--tlsverify", "--tlscacert", "/nonexistent/ca.pem", "ps"},
             {"images", "a", "b"},
         }) {
        auto whole = whole_tree();
        auto partial = tree_for(args);
        EXPECT_EQ(outcome(*partial, args), outcome(*whole, args)) << ::testing::PrintToString(args);
        ++compared;
    }
    EXPECT_GT(compared, 30);
}
