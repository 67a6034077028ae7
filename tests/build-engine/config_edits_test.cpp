// The metadata instructions: what they do to the config and the history
// text moby writes for them.
#include "build/dockerfile/dockerfile.h"
#include "build/dockerfile/word_expansion.h"
#include "build/engine/config_edits.h"
#include "build/engine/go_format.h"

#include <gtest/gtest.h>

namespace berth::build {
namespace {

using nlohmann::json;

Expander expander_for(const ConfigState &state) {
    auto vars = lookup_in(state.env());
    return Expander{[vars](std::string_view w) { return expand_word(w, vars); },
                    [vars](std::string_view w) { return expand_words(w, vars); }};
}

// Through the whole-file parser: parse_instruction() parses ONBUILD
// triggers and refuses ONBUILD and MAINTAINER themselves.
std::string apply(ConfigState &state, const std::string &line) {
    const auto file = parse_dockerfile("FROM busybox\n" + line + "\n");
    return apply_metadata(state, file.instructions.at(1), expander_for(state));
}

// One ENV line expands every value with the environment as it was before
// the line (Docker's documented rule), so C sees the old A.
TEST(ConfigEdits, EnvSetsReplacesInPlaceAndExpands) {
    ConfigState s;
    s.config["Env"] = {"PATH=/bin", "A=1"};
    EXPECT_EQ(apply(s, "ENV A=2 B=\"x y\" C=${A}z"), "ENV A=2 B=x y C=1z");
    EXPECT_EQ(s.env(), (std::vector<std::string>{"PATH=/bin", "A=2", "B=x y", "C=1z"}));
    EXPECT_EQ(apply(s, "ENV LEGACY some words"), "ENV LEGACY=some words");
    EXPECT_EQ(s.env().back(), "LEGACY=some words");
}

TEST(ConfigEdits, LabelsAccumulate) {
    ConfigState s;
    apply(s, "LABEL a=1");
    EXPECT_EQ(apply(s, "LABEL \"b c\"=\"2 3\" a=4"), "LABEL b c=2 3 a=4");
    EXPECT_EQ(s.config["Labels"], (json{{"a", "4"}, {"b c", "2 3"}}));
}

TEST(ConfigEdits, ExposeNormalisesProtocolsAndRanges) {
    ConfigState s;
    // The parser sorts EXPOSE's arguments, as moby's does.
    EXPECT_EQ(apply(s, "EXPOSE 80 53/UDP 8000-8002"), "EXPOSE 53/UDP 80 8000-8002");
    EXPECT_EQ(s.config["ExposedPorts"], (json{{"80/tcp", json::object()},
                                              {"53/udp", json::object()},
                                              {"8000/tcp", json::object()},
                                              {"8001/tcp", json::object()},
                                              {"8002/tcp", json::object()}}));
    EXPECT_THROW(apply(s, "EXPOSE 80/icmp"), DockerfileError);
    EXPECT_THROW(apply(s, "EXPOSE http"), DockerfileError);
    EXPECT_THROW(apply(s, "EXPOSE 90-80"), DockerfileError);
}

TEST(ConfigEdits, VolumeBothForms) {
    ConfigState s;
    EXPECT_EQ(apply(s, "VOLUME /data /logs"), "VOLUME [/data /logs]");
    EXPECT_EQ(apply(s, "VOLUME [\"/cache\"]"), "VOLUME [/cache]");
    EXPECT_EQ(s.config["Volumes"].size(), 3u);
    EXPECT_TRUE(s.config["Volumes"].contains("/cache"));
}

TEST(ConfigEdits, CmdAndEntrypointHistoryUsesGoQuoting) {
    ConfigState s;
    EXPECT_EQ(apply(s, "CMD [\"sh\"]"), "CMD [\"sh\"]");
    EXPECT_EQ(apply(s, "CMD echo \"hi\""), "CMD [\"/bin/sh\" \"-c\" \"echo \\\"hi\\\"\"]");
    EXPECT_EQ(s.config["Cmd"], (json{"/bin/sh", "-c", "echo \"hi\""}));
    EXPECT_TRUE(s.cmd_set);
}

TEST(ConfigEdits, EntrypointDropsAnInheritedCmdButNotThisStagesOwn) {
    ConfigState inherited;
    inherited.config["Cmd"] = {"sh"};
    apply(inherited, "ENTRYPOINT [\"/app\"]");
    EXPECT_TRUE(inherited.config["Cmd"].is_null());

    ConfigState own;
    apply(own, "CMD [\"--help\"]");
    apply(own, "ENTRYPOINT [\"/app\"]");
    EXPECT_EQ(own.config["Cmd"], (json{"--help"}));
    EXPECT_EQ(own.config["Entrypoint"], (json{"/app"}));
}

TEST(ConfigEdits, ShellChangesLaterShellForms) {
    ConfigState s;
    EXPECT_EQ(apply(s, "SHELL [\"/bin/ash\", \"-eo\", \"pipefail\", \"-c\"]"),
              "SHELL [\"/bin/ash\" \"-eo\" \"pipefail\" \"-c\"]");
    apply(s, "CMD run me");
    EXPECT_EQ(s.config["Cmd"], (json{"/bin/ash", "-eo", "pipefail", "-c", "run me"}));
    EXPECT_THROW(apply(s, "SHELL /bin/bash -c"), DockerfileError);
}

TEST(ConfigEdits, UserStopSignalMaintainerExpand) {
    ConfigState s;
    s.config["Env"] = {"U=app", "SIG=SIGQUIT"};
    EXPECT_EQ(apply(s, "USER ${U}:staff"), "USER app:staff");
    EXPECT_EQ(s.config["User"], "app:staff");
    EXPECT_EQ(apply(s, "STOPSIGNAL $SIG"), "STOPSIGNAL SIGQUIT");
    EXPECT_EQ(s.config["StopSignal"], "SIGQUIT");
    EXPECT_EQ(apply(s, "MAINTAINER Jane <j@example.com>"), "MAINTAINER Jane <j@example.com>");
    EXPECT_EQ(s.author, "Jane <j@example.com>");
}

TEST(ConfigEdits, HealthcheckFlagsBecomeNanoseconds) {
    ConfigState s;
    apply(s, "HEALTHCHECK --interval=5s --timeout=1m30s --retries=4 CMD wget -q localhost || exit 1");
    const auto &hc = s.config["Healthcheck"];
    EXPECT_EQ(hc["Test"], (json{"CMD-SHELL", "wget -q localhost || exit 1"}));
    EXPECT_EQ(hc["Interval"], 5000000000LL);
    EXPECT_EQ(hc["Timeout"], 90000000000LL);
    EXPECT_EQ(hc["Retries"], 4);
    apply(s, "HEALTHCHECK NONE");
    EXPECT_EQ(s.config["Healthcheck"], (json{{"Test", {"NONE"}}}));
    apply(s, "HEALTHCHECK CMD [\"/bin/check\", \"-v\"]");
    EXPECT_EQ(s.config["Healthcheck"]["Test"], (json{"CMD", "/bin/check", "-v"}));
}

TEST(ConfigEdits, OnbuildStoresTheTriggerAndRefusesForbiddenOnes) {
    ConfigState s;
    EXPECT_EQ(apply(s, "ONBUILD RUN echo hi"), "ONBUILD RUN echo hi");
    EXPECT_EQ(s.config["OnBuild"], (json{"RUN echo hi"}));
    EXPECT_ANY_THROW(apply(s, "ONBUILD FROM busybox"));
}

TEST(ConfigEdits, WorkdirResolvesRelativeToTheCurrentOne) {
    EXPECT_EQ(resolve_workdir("", "app"), "/app");
    EXPECT_EQ(resolve_workdir("/app", "src/"), "/app/src");
    EXPECT_EQ(resolve_workdir("/app", "../x/./y"), "/x/y");
    EXPECT_EQ(resolve_workdir("/app", "/abs"), "/abs");
}

TEST(ConfigEdits, OnlyMetadataInstructionsAreMetadata) {
    for (const char *k : {"env", "label", "expose", "volume", "user", "cmd", "entrypoint", "shell", "stopsignal",
                          "healthcheck", "onbuild", "maintainer"})
        EXPECT_TRUE(is_metadata_instruction(k)) << k;
    for (const char *k : {"run", "copy", "add", "workdir", "arg", "from"}) EXPECT_FALSE(is_metadata_instruction(k)) << k;
}

TEST(GoFormat, SlicesAsGoPrintsThem) {
    EXPECT_EQ(go_quote_list({"a", "b c", "q\"\n"}), "[\"a\" \"b c\" \"q\\\"\\n\"]");
    EXPECT_EQ(go_plain_list({"/a", "/b"}), "[/a /b]");
    EXPECT_EQ(go_quote_list({}), "[]");
}

} // namespace
} // namespace berth::build
