// The bash completion script generated from the real command tree, run in
// bash with COMP_WORDS as bash sets them. A fake `berth` on PATH answers the
// name look-ups so this needs no daemon (tests/integration/cli_completion.sh
// runs it against a real one).
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>

#include "cli_app.h"
#include "completion_script.h"

namespace fs = std::filesystem;

namespace {

class CompletionScript : public ::testing::Test {
protected:
    void SetUp() override {
        if (std::system("bash -c 'declare -A x=([a]=1)' >/dev/null 2>&1") != 0)
            GTEST_SKIP() << "bash 4 or later is needed to run the completion script";
        std::string tmpl = (fs::temp_directory_path() / "berth-completion-XXXXXX").string();
        ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
        dir_ = tmpl;
        CLI::App app{"Berth", "berth"};
        berth::cli::CliContext ctx;
        berth::cli::build_cli(app, ctx);
        std::ofstream(dir_ / "berth.bash") << berth::cli::bash_completion_script(app);
        // The fake daemon side: names for each look-up the script makes, and
        // a record of the arguments so -H forwarding can be checked.
        std::ofstream(dir_ / "berth") << "#!/bin/sh\n"
                                         "echo \"$*\" >> \"$(dirname \"$0\")/calls\"\n"
                                         "case \"$*\" in\n"
                                         "  *'ps -a --format'*) printf 'web\\nworker\\ndb\\n' ;;\n"
                                         "  *'images --format'*) printf 'busybox:latest\\n<none>:<none>\\nalpine:3\\n' ;;\n"
                                         "  *'network ls --format'*) printf 'bridge\\nmynet\\n' ;;\n"
                                         "  *'volume ls --format'*) printf 'data\\n' ;;\n"
                                         "esac\n";
        fs::permissions(dir_ / "berth", fs::perms::owner_all);
    }
    void TearDown() override {
        if (!dir_.empty()) fs::remove_all(dir_);
    }

    // The sorted candidates for the words typed, the last one being the word
    // under the cursor.
    std::string complete(const std::string& words) {
        const std::string script = "PATH=" + dir_.string() + ":$PATH; source " + (dir_ / "berth.bash").string() +
                                   "; COMP_WORDS=(" + words + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); _berth;"
                                   " for c in \"${COMPREPLY[@]}\"; do echo \"$c\"; done | sort | tr '\\n' ' '";
        std::ofstream(dir_ / "run.sh") << script;
        FILE* pipe = ::popen(("bash " + (dir_ / "run.sh").string() + " 2>&1").c_str(), "r");
        std::string out;
        std::array<char, 4096> buffer{};
        for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) out.append(buffer.data(), n);
        ::pclose(pipe);
        return out;
    }

    fs::path dir_;
};

}  // namespace

TEST_F(CompletionScript, TopLevelAndGroupCommands) {
    EXPECT_EQ(complete("berth con"), "container ");
    EXPECT_EQ(complete("berth container st"), "start stats stop ");
    EXPECT_EQ(complete("berth network c"), "connect create ");
    EXPECT_EQ(complete("berth comp"), "completion ");
}

TEST_F(CompletionScript, FlagsOfTheCommandPath) {
    EXPECT_EQ(complete("berth run --net"), "--net --net-alias --network --network-alias ");
    EXPECT_EQ(complete("berth ps --fo"), "--format ");
    // A flag takes no value: the word after it is the next argument.
    EXPECT_EQ(complete("berth rm -f w"), "web worker ");
    // Global options before the command do not hide it.
    EXPECT_EQ(complete("berth -H unix:///x.sock container ls --no"), "--no-trunc ");
}

TEST_F(CompletionScript, NamesFromTheDaemon) {
    EXPECT_EQ(complete("berth rm ''"), "db web worker ");
    EXPECT_EQ(complete("berth container stop w"), "web worker ");
    EXPECT_EQ(complete("berth run --network ''"), "bridge mynet ");
    EXPECT_EQ(complete("berth rmi ''"), "alpine:3 busybox:latest ");
    EXPECT_EQ(complete("berth volume rm ''"), "data ");
    EXPECT_EQ(complete("berth network inspect my"), "mynet ");
    // "--network=my" as bash splits it at "=".
    EXPECT_EQ(complete("berth run --network = my"), "mynet ");
    EXPECT_EQ(complete("berth run --network ="), "bridge mynet ");
    EXPECT_EQ(complete("berth run --network = mynet --rm busy"), "busybox:latest ");
}

TEST_F(CompletionScript, LookUpsGoToTheDaemonNamedOnTheCommandLine) {
    EXPECT_EQ(complete("berth -H unix:///other.sock rm ''"), "db web worker ");
    std::ifstream calls(dir_ / "calls");
    std::string line;
    std::getline(calls, line);
    EXPECT_EQ(line, "-H unix:///other.sock ps -a --format {{.Names}}");
}

TEST_F(CompletionScript, NothingForFreeTextArguments) {
    EXPECT_EQ(complete("berth login ''"), "");
    EXPECT_EQ(complete("berth run --name ''"), "");
}

TEST(CompletionKinds, PositionalKindsFollowDocker) {
    using berth::cli::positional_kind;
    EXPECT_EQ(positional_kind("rm"), "containers");
    EXPECT_EQ(positional_kind("container logs"), "containers");
    EXPECT_EQ(positional_kind("run"), "images");
    EXPECT_EQ(positional_kind("image rm"), "images");
    EXPECT_EQ(positional_kind("image history"), "images");
    EXPECT_EQ(positional_kind("network rm"), "networks");
    EXPECT_EQ(positional_kind("volume inspect"), "volumes");
    EXPECT_EQ(positional_kind("login"), "");
}
