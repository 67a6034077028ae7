// Every command and option of the real command tree (built as main() builds
// it) has a description, and --help looks like docker's: a usage line, the
// description, then the subcommands or options.
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include "cli_app.h"

namespace {

void walk(const CLI::App& app, const std::string& path, std::vector<std::string>& missing, int& commands,
          int& options) {
    ++commands;
    if (app.get_description().empty()) missing.push_back("command `" + path + "` has no description");
    for (const CLI::Option* opt : app.get_options()) {
        ++options;
        if (opt->get_description().empty())
            missing.push_back("option " + opt->get_name() + " of `" + path + "` has no description");
    }
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
        walk(*sub, path + " " + sub->get_name(), missing, commands, options);
}

struct Tree {
    CLI::App app{"Berth: a Docker-compatible container engine", "berth"};
    berth::cli::CliContext ctx;
    Tree() { berth::cli::build_cli(app, ctx); }
};

}  // namespace

TEST(HelpTree, EveryCommandAndOptionIsDescribed) {
    Tree tree;
    std::vector<std::string> missing;
    int commands = 0;
    int options = 0;
    walk(tree.app, "berth", missing, commands, options);
    // The tree is the real one: dozens of commands, hundreds of options.
    EXPECT_GT(commands, 60);
    EXPECT_GT(options, 300);
    for (const auto& m : missing) ADD_FAILURE() << m;
}

TEST(HelpTree, DockerCommandsAreAllThere) {
    Tree tree;
    for (const char* name : {"attach", "build",  "commit", "completion", "cp",      "create",  "diff",   "exec",
                             "export", "history", "images", "import",   "info",    "inspect", "kill",   "load",
                             "login",  "logout",  "logs",   "pause",    "port",    "ps",      "pull",   "push",
                             "rename", "restart", "rm",     "rmi",      "run",     "save",    "start",  "stats",
                             "stop",   "tag",     "top",    "unpause",  "update",  "version", "wait",   "container",
                             "image",  "network", "volume", "plugin"}) {
        EXPECT_NO_THROW(tree.app.get_subcommand(name)) << name;
    }
}

TEST(HelpTree, HelpTextHasUsageDescriptionAndOptions) {
    Tree tree;
    CLI::App* ps = tree.app.get_subcommand("ps");
    // As `berth ps --help` prints it: the path comes from the parent.
    const std::string help = ps->help("berth");
    EXPECT_EQ(help.rfind("\nUsage:  berth ps [OPTIONS]\n\nList containers\n\n", 0), 0U) << help;
    EXPECT_NE(help.find("--format"), std::string::npos) << help;
    EXPECT_NE(help.find("-q,--quiet"), std::string::npos) << help;
}

TEST(HelpTree, ListAndInspectCommandsTakeFormatAndQuietAsDocker) {
    Tree tree;
    const auto has = [&](const std::vector<std::string>& path, const std::string& option) {
        CLI::App* app = &tree.app;
        for (const auto& name : path) app = app->get_subcommand(name);
        try {
            app->get_option(option);
            return true;
        } catch (const CLI::OptionNotFound&) {
            return false;
        }
    };
    // docker 28: these list commands have both --format and -q.
    for (const std::vector<std::string>& path :
         std::vector<std::vector<std::string>>{{"ps"},        {"images"},        {"image", "ls"},  {"history"},
                                               {"network", "ls"}, {"volume", "ls"}, {"plugin", "ls"},
                                               {"container", "ls"}}) {
        EXPECT_TRUE(has(path, "--format")) << path.back();
        EXPECT_TRUE(has(path, "-q")) << path.back();
    }
    // Inspect-like commands have --format (-f) only.
    for (const std::vector<std::string>& path :
         std::vector<std::vector<std::string>>{{"inspect"},        {"image", "inspect"}, {"network", "inspect"},
                                               {"volume", "inspect"}, {"plugin", "inspect"}, {"container", "inspect"},
                                               {"info"},           {"version"},          {"stats"}}) {
        EXPECT_TRUE(has(path, "--format")) << path.back();
    }
}
