// dockerfile_errors_test.cpp — the Dockerfiles Docker refuses, with its
// messages and the line it names (an instruction's first line, also when
// the mistake is on a continuation line), and the ONBUILD triggers it
// refuses.
#include "dockerfile_test_support.h"

using namespace berth::build;
using berth::build::testing::parse_error;
using berth::build::testing::trigger_error;

namespace {

void expect_error(const std::string &text, int line, const std::string &message) {
    const auto e = parse_error(text);
    EXPECT_EQ(e.line(), line) << text;
    EXPECT_EQ(std::string(e.what()), "Dockerfile parse error line " + std::to_string(line) + ": " + message) << text;
}

TEST(DockerfileErrors, UnknownInstructionNamesItInUpperCase) {
    expect_error("FROM a\n\nfro b\n", 3, "unknown instruction: FRO");
}

TEST(DockerfileErrors, ContinuedInstructionReportsItsStartLine) {
    expect_error("FROM a\nCOPY \\\n  \\\n  onlyone\n", 2,
                 "COPY requires at least two arguments, but only one was provided. Destination could not be determined");
    expect_error("FROM a\nRUN echo \\\n  ok\nENV \\\n   FOO\n", 4, "ENV must have two arguments");
}

TEST(DockerfileErrors, EmptyFileAndFileWithOnlyComments) {
    expect_error("", 1, "the Dockerfile cannot be empty");
    expect_error("# just a comment\n\n   \n", 3, "file with no instructions");
}

TEST(DockerfileErrors, InstructionBeforeFromExceptArg) {
    expect_error("ARG V=1\n# comment\nRUN echo\nFROM a\n", 3, "no build stage in current context");
    EXPECT_NO_THROW(parse_dockerfile("ARG A\nARG B=2 C\nFROM a\n"));
}

TEST(DockerfileErrors, SyntaxErrorsAreReportedBeforeRuleErrors) {
    // Docker reads the syntax of the whole file before checking each
    // instruction: the bad ENV on line 3 wins over the bad COPY on line 2.
    expect_error("FROM a\nCOPY x\nENV novalue\n", 3, "ENV must have two arguments");
}

TEST(DockerfileErrors, FromNeedsOneOrThreeArguments) {
    expect_error("FROM\n", 1, "FROM requires either one or three arguments");
    expect_error("FROM a b\n", 1, "FROM requires either one or three arguments");
    expect_error("FROM a AS 1st\n", 1,
                 "invalid name for build stage: \"1st\", name can't start with a number or contain symbols");
}

TEST(DockerfileErrors, FlagsTheInstructionDoesNotTake) {
    expect_error("FROM a\nCOPY --foo=bar a b\n", 2, "Unknown flag: foo");
    expect_error("FROM a\nRUN --chown=1 true\n", 2, "Unknown flag: chown");
    expect_error("FROM a\nCOPY --from a b\n", 2, "Missing a value on flag: from");
    expect_error("FROM a\nCOPY --from=x --from=y a b\n", 2, "Duplicate flag specified: from");
    expect_error("FROM a\nCOPY --link=maybe a b\n", 2, "Expecting boolean value for flag link, not: maybe");
    // Docker checks the arguments first: "--platform linux/amd64 a" is two arguments.
    expect_error("FROM --platform linux/amd64 a\n", 1, "FROM requires either one or three arguments");
    expect_error("FROM --platform alpine\n", 1, "Missing a value on flag: platform");
}

TEST(DockerfileErrors, KeyValueInstructions) {
    expect_error("FROM a\nENV =x\n", 2, "ENV names can not be blank");
    expect_error("FROM a\nENV\n", 2, "ENV requires at least one argument");
    expect_error("FROM a\nLABEL a=b c\n", 2, "Syntax error - can't find = in \"c\". Must be of the form: name=value");
    expect_error("ARG =v\nFROM a\n", 1, "ARG names can not be blank");
    expect_error("ARG\nFROM a\n", 1, "ARG requires at least one argument");
}

TEST(DockerfileErrors, ArgumentCounts) {
    expect_error("FROM a\nWORKDIR\n", 2, "WORKDIR requires exactly one argument");
    expect_error("FROM a\nUSER\n", 2, "USER requires exactly one argument");
    expect_error("FROM a\nEXPOSE\n", 2, "EXPOSE requires at least one argument");
    expect_error("FROM a\nVOLUME\n", 2, "VOLUME requires at least one argument");
    expect_error("FROM a\nVOLUME [\"/a\", \" \"]\n", 2, "VOLUME specified can not be an empty string");
    expect_error("FROM a\nADD onlyone\n", 2,
                 "ADD requires at least two arguments, but only one was provided. Destination could not be determined");
}

TEST(DockerfileErrors, JsonArrayOfNonStrings) {
    expect_error("FROM a\nCMD [\"a\", 1]\n", 2, "when using JSON array syntax, arrays must be comprised of strings only");
}

TEST(DockerfileErrors, ShellNeedsJsonForm) {
    expect_error("FROM a\nSHELL /bin/bash -c\n", 2, "SHELL requires the arguments to be in JSON form");
    expect_error("FROM a\nSHELL []\n", 2, "SHELL requires at least one argument");
}

TEST(DockerfileErrors, HealthcheckMistakes) {
    expect_error("FROM a\nHEALTHCHECK\n", 2, "HEALTHCHECK requires at least one argument");
    expect_error("FROM a\nHEALTHCHECK NONE x\n", 2, "HEALTHCHECK NONE takes no arguments");
    expect_error("FROM a\nHEALTHCHECK CMD\n", 2, "Missing command after HEALTHCHECK CMD");
    expect_error("FROM a\nHEALTHCHECK RUN x\n", 2, "Unknown type \"RUN\" in HEALTHCHECK (try CMD)");
    expect_error("FROM a\nHEALTHCHECK --interval=10 CMD x\n", 2, "time: missing unit in duration \"10\"");
    expect_error("FROM a\nHEALTHCHECK --timeout=abc CMD x\n", 2, "time: invalid duration \"abc\"");
    expect_error("FROM a\nHEALTHCHECK --interval=10us CMD x\n", 2, "Interval \"interval\" cannot be less than 1ms");
    expect_error("FROM a\nHEALTHCHECK --retries=-1 CMD x\n", 2, "--retries cannot be negative (-1)");
    expect_error("FROM a\nHEALTHCHECK --retries=x CMD x\n", 2, "strconv.ParseInt: parsing \"x\": invalid syntax");
    expect_error("FROM a\nHEALTHCHECK --user=x CMD x\n", 2, "Unknown flag: user");
}

TEST(DockerfileErrors, OnbuildRefusesSomeTriggers) {
    expect_error("FROM a\nONBUILD ONBUILD RUN x\n", 2, "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    expect_error("FROM a\nONBUILD from b\n", 2, "FROM isn't allowed as an ONBUILD trigger");
    expect_error("FROM a\nONBUILD MAINTAINER me\n", 2, "MAINTAINER isn't allowed as an ONBUILD trigger");
    expect_error("FROM a\nONBUILD\n", 2, "ONBUILD requires at least one argument");
    // The trigger's own syntax is checked when the ONBUILD is read.
    expect_error("FROM a\nONBUILD ENV x\n", 2, "ENV must have two arguments");
}

TEST(DockerfileErrors, ParseInstructionRefusesTriggersAtTheCallersLine) {
    EXPECT_STREQ(trigger_error("ONBUILD RUN x").what(),
                 "Dockerfile parse error line 7: Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed");
    EXPECT_STREQ(trigger_error("FROM busybox").what(),
                 "Dockerfile parse error line 7: FROM isn't allowed as an ONBUILD trigger");
    EXPECT_STREQ(trigger_error("maintainer me").what(),
                 "Dockerfile parse error line 7: MAINTAINER isn't allowed as an ONBUILD trigger");
    EXPECT_STREQ(trigger_error("COPY a").what(),
                 "Dockerfile parse error line 7: COPY requires at least two arguments, but only one was provided. "
                 "Destination could not be determined");
    EXPECT_STREQ(trigger_error("BOGUS x").what(), "Dockerfile parse error line 7: unknown instruction: BOGUS");
}

} // namespace
