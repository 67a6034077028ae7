// dockerfile_instructions_test.cpp — what each instruction parses into:
// FROM with --platform and AS, the JSON and shell forms of RUN/CMD/
// ENTRYPOINT/COPY/ADD/VOLUME/SHELL, ENV/LABEL/ARG pairs (both ENV forms),
// flags, HEALTHCHECK, ONBUILD and the one-argument instructions.
#include "dockerfile_test_support.h"

using namespace berth::build;
using Strings = std::vector<std::string>;

namespace {

Instruction second(const std::string &line) {
    const auto df = parse_dockerfile("FROM base\n" + line + "\n");
    EXPECT_EQ(df.instructions.size(), 2u);
    return df.instructions.at(1);
}

TEST(DockerfileInstructions, FromWithPlatformAndStageName) {
    const auto df = parse_dockerfile("ARG TAG=3.19\nFROM --platform=$BUILDPLATFORM alpine:${TAG} As Builder\n");
    ASSERT_EQ(df.instructions.size(), 2u);
    EXPECT_EQ(df.instructions[0].keyword, "arg");
    const auto &from = df.instructions[1];
    EXPECT_EQ(from.args, (Strings{"alpine:${TAG}", "As", "Builder"}));
    EXPECT_EQ(from.flags.at("platform"), "$BUILDPLATFORM");
    EXPECT_EQ(from.original, "FROM --platform=$BUILDPLATFORM alpine:${TAG} As Builder");
}

TEST(DockerfileInstructions, RunShellFormKeepsTheLineAsWritten) {
    const auto run = second("RUN   echo \"$HOME\"  'a  b' \\$x");
    EXPECT_FALSE(run.json_form);
    EXPECT_EQ(run.args, (Strings{"echo \"$HOME\"  'a  b' \\$x"}));
}

TEST(DockerfileInstructions, RunJsonForm) {
    const auto run = second(R"(RUN ["sh", "-c", "echo \"hi\" \u00e9"])");
    EXPECT_TRUE(run.json_form);
    EXPECT_EQ(run.args, (Strings{"sh", "-c", "echo \"hi\" \xC3\xA9"}));
}

TEST(DockerfileInstructions, InvalidJsonFallsBackToShellForm) {
    const auto cmd = second(R"(CMD [ "a" )");
    EXPECT_FALSE(cmd.json_form);
    EXPECT_EQ(cmd.args, (Strings{R"([ "a")"}));
    const auto single_quotes = second("ENTRYPOINT ['a', 'b']");
    EXPECT_FALSE(single_quotes.json_form);
    EXPECT_EQ(single_quotes.args, (Strings{"['a', 'b']"}));
}

TEST(DockerfileInstructions, EmptyJsonArrayAndEmptyCmd) {
    const auto cmd = second("CMD []");
    EXPECT_TRUE(cmd.json_form);
    EXPECT_TRUE(cmd.args.empty());
    const auto entrypoint = second("ENTRYPOINT");
    EXPECT_FALSE(entrypoint.json_form);
    EXPECT_TRUE(entrypoint.args.empty());
}

TEST(DockerfileInstructions, RunFlagsAreReadButNotPartOfTheCommand) {
    const auto run = second("RUN --network=none --mount=type=cache,target=/c make");
    EXPECT_EQ(run.flags.at("network"), "none");
    EXPECT_EQ(run.flags.at("mount"), "type=cache,target=/c");
    EXPECT_EQ(run.args, (Strings{"make"}));
}

TEST(DockerfileInstructions, CopyFlagsShellAndJsonForms) {
    const auto copy = second("COPY --from=build --chown=\"app:app\" --chmod=0755 --link a.txt b*.txt /dst/");
    EXPECT_FALSE(copy.json_form);
    EXPECT_EQ(copy.args, (Strings{"a.txt", "b*.txt", "/dst/"}));
    EXPECT_EQ(copy.flags.at("from"), "build");
    EXPECT_EQ(copy.flags.at("chown"), "app:app"); // flag quotes resolved as Docker does
    EXPECT_EQ(copy.flags.at("chmod"), "0755");
    EXPECT_EQ(copy.flags.at("link"), "");

    const auto json = second(R"(COPY ["my file.txt", "/dst dir/"])");
    EXPECT_TRUE(json.json_form);
    EXPECT_EQ(json.args, (Strings{"my file.txt", "/dst dir/"}));
}

TEST(DockerfileInstructions, ShellFormPathsSplitAtEveryBlankLikeDocker) {
    // Docker does not honour quotes when splitting COPY/ADD/VOLUME/EXPOSE/
    // FROM: a quoted path with a blank needs the JSON form.
    const auto copy = second("COPY \"a b\" /x");
    EXPECT_EQ(copy.args, (Strings{"\"a", "b\"", "/x"}));
}

TEST(DockerfileInstructions, AddAcceptsChownChmodAndDoubleDashEndsFlags) {
    const auto add = second("ADD --chown=1:2 --chmod=600 -- --weird-name /dst");
    EXPECT_EQ(add.flags.size(), 2u);
    EXPECT_EQ(add.args, (Strings{"--weird-name", "/dst"}));
}

TEST(DockerfileInstructions, EnvKeyValueFormKeepsQuotesRaw) {
    const auto env = second(R"(ENV A=1 B="two words" C=x\ y D= E='$lit')");
    ASSERT_EQ(env.pairs.size(), 5u);
    EXPECT_EQ(env.pairs[0].key, "A");
    EXPECT_EQ(env.pairs[0].value, "1");
    EXPECT_EQ(env.pairs[1].value, "\"two words\"");
    EXPECT_EQ(env.pairs[2].value, "x\\ y");
    EXPECT_EQ(env.pairs[3].value, "");
    EXPECT_TRUE(env.pairs[3].has_value);
    EXPECT_EQ(env.pairs[4].value, "'$lit'");
}

TEST(DockerfileInstructions, EnvLegacyFormTakesTheRestOfTheLine) {
    const auto env = second("ENV PATH   /usr/local/bin:$PATH  with   spaces");
    ASSERT_EQ(env.pairs.size(), 1u);
    EXPECT_EQ(env.pairs[0].key, "PATH");
    EXPECT_EQ(env.pairs[0].value, "/usr/local/bin:$PATH  with   spaces");
}

TEST(DockerfileInstructions, LabelPairs) {
    const auto label = second(R"(LABEL "com.example.vendor"="ACME Inc" version=1.0 description="a \"quoted\" text")");
    ASSERT_EQ(label.pairs.size(), 3u);
    EXPECT_EQ(label.pairs[0].key, "\"com.example.vendor\"");
    EXPECT_EQ(label.pairs[0].value, "\"ACME Inc\"");
    EXPECT_EQ(label.pairs[2].value, R"("a \"quoted\" text")");
}

TEST(DockerfileInstructions, ArgWithAndWithoutDefaultsSeveralPerLine) {
    const auto df = parse_dockerfile("ARG A B=2 C=\"x y\" D=\nFROM a\n");
    const auto &arg = df.instructions[0];
    ASSERT_EQ(arg.pairs.size(), 4u);
    EXPECT_EQ(arg.pairs[0].key, "A");
    EXPECT_FALSE(arg.pairs[0].has_value);
    EXPECT_EQ(arg.pairs[1].value, "2");
    EXPECT_TRUE(arg.pairs[1].has_value);
    EXPECT_EQ(arg.pairs[2].value, "\"x y\"");
    EXPECT_EQ(arg.pairs[3].value, "");
    EXPECT_TRUE(arg.pairs[3].has_value);
}

TEST(DockerfileInstructions, OneArgumentInstructionsKeepTheWholeRest) {
    EXPECT_EQ(second("WORKDIR /my app/$DIR").args, (Strings{"/my app/$DIR"}));
    EXPECT_EQ(second("USER app:staff").args, (Strings{"app:staff"}));
    EXPECT_EQ(second("STOPSIGNAL SIGKILL").args, (Strings{"SIGKILL"}));
    EXPECT_EQ(second("MAINTAINER Jane Doe <jane@example.com>").args, (Strings{"Jane Doe <jane@example.com>"}));
}

TEST(DockerfileInstructions, ExposeIsSortedAndVolumeHasBothForms) {
    EXPECT_EQ(second("EXPOSE 8080/tcp 443 53/udp").args, (Strings{"443", "53/udp", "8080/tcp"}));
    const auto words = second("VOLUME /data /var/log");
    EXPECT_FALSE(words.json_form);
    EXPECT_EQ(words.args, (Strings{"/data", "/var/log"}));
    const auto json = second(R"(VOLUME ["/data", " /spaced "])");
    EXPECT_TRUE(json.json_form);
    EXPECT_EQ(json.args, (Strings{"/data", "/spaced"}));
}

TEST(DockerfileInstructions, ShellJsonForm) {
    const auto shell = second(R"(SHELL ["powershell", "-command"])");
    EXPECT_TRUE(shell.json_form);
    EXPECT_EQ(shell.args, (Strings{"powershell", "-command"}));
}

TEST(DockerfileInstructions, HealthcheckCmdShellAndJsonWithOptions) {
    const auto shell = second("HEALTHCHECK --interval=30s --timeout=1m30s --start-period=5s "
                              "--start-interval=1s --retries=3 cmd curl -f http://localhost/ || exit 1");
    EXPECT_FALSE(shell.json_form);
    EXPECT_EQ(shell.args, (Strings{"CMD", "curl -f http://localhost/ || exit 1"}));
    EXPECT_EQ(shell.flags.at("interval"), "30s");
    EXPECT_EQ(shell.flags.at("timeout"), "1m30s");
    EXPECT_EQ(shell.flags.at("retries"), "3");

    const auto json = second(R"(HEALTHCHECK CMD ["curl", "-f", "http://localhost/"])");
    EXPECT_TRUE(json.json_form);
    EXPECT_EQ(json.args, (Strings{"CMD", "curl", "-f", "http://localhost/"}));
    EXPECT_EQ(second("HEALTHCHECK none").args, (Strings{"NONE"}));
}

TEST(DockerfileInstructions, OnbuildKeepsTheTriggerText) {
    const auto onbuild = second("onbuild   RUN echo \"hi\" \\\n  && true");
    EXPECT_EQ(onbuild.keyword, "onbuild");
    EXPECT_EQ(onbuild.args, (Strings{"RUN echo \"hi\"   && true"}));
}

TEST(DockerfileInstructions, ParseInstructionReadsATrigger) {
    const auto copy = parse_instruction("COPY --chown=1:1 a /b", '\\', 4);
    EXPECT_EQ(copy.keyword, "copy");
    EXPECT_EQ(copy.line, 4);
    EXPECT_EQ(copy.args, (Strings{"a", "/b"}));
    EXPECT_EQ(copy.flags.at("chown"), "1:1");
    const auto env = parse_instruction("ENV A=`$x", '`');
    EXPECT_EQ(env.pairs.at(0).value, "`$x");
}

} // namespace
