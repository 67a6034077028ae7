// dockerfile_lines_test.cpp — how a Dockerfile's text becomes instruction
// lines: parser directives, comments, blank lines, continuations (with
// comments and blank lines inside), CRLF, the byte-order mark, and the
// line each instruction starts on.
#include "dockerfile_test_support.h"

using namespace berth::build;

namespace {

TEST(DockerfileLines, KeywordsAreCaseInsensitiveAndLinesCounted) {
    const auto df = parse_dockerfile("\n# a comment\nfrom alpine\n\n  Run echo hi\nCMD [\"sh\"]\n");
    ASSERT_EQ(df.instructions.size(), 3u);
    EXPECT_EQ(df.instructions[0].keyword, "from");
    EXPECT_EQ(df.instructions[0].line, 3);
    EXPECT_EQ(df.instructions[1].keyword, "run");
    EXPECT_EQ(df.instructions[1].line, 5);
    EXPECT_EQ(df.instructions[1].original, "Run echo hi"); // leading blanks of the first line dropped
    EXPECT_EQ(df.instructions[2].line, 6);
    EXPECT_EQ(df.escape, '\\');
}

TEST(DockerfileLines, ContinuationJoinsLinesAndKeepsStartLine) {
    const auto df = parse_dockerfile("FROM a\nRUN apt-get update && \\\n    apt-get install -y x\nUSER me\n");
    ASSERT_EQ(df.instructions.size(), 3u);
    const auto &run = df.instructions[1];
    EXPECT_EQ(run.line, 2);
    EXPECT_EQ(run.original, "RUN apt-get update &&     apt-get install -y x");
    ASSERT_EQ(run.args.size(), 1u);
    EXPECT_EQ(run.args[0], "apt-get update &&     apt-get install -y x");
    EXPECT_EQ(df.instructions[2].line, 4);
}

TEST(DockerfileLines, BlanksAfterTheEscapeStillContinue) {
    const auto df = parse_dockerfile("FROM a\nRUN echo one \\ \t\n two\n");
    EXPECT_EQ(df.instructions[1].args[0], "echo one  two");
}

TEST(DockerfileLines, CommentsAndBlankLinesInsideAContinuationAreDropped) {
    const auto df = parse_dockerfile("FROM a\nRUN echo a \\\n# not part of the command\n  # nor this\n\n   \\\n    && echo b\nEXPOSE 80\n");
    ASSERT_EQ(df.instructions.size(), 3u);
    // The "   \" line is a continuation of its own holding only blanks.
    EXPECT_EQ(df.instructions[1].args[0], "echo a        && echo b");
    EXPECT_EQ(df.instructions[2].keyword, "expose");
    EXPECT_EQ(df.instructions[2].line, 8);
}

TEST(DockerfileLines, HashInsideAnInstructionIsNotAComment) {
    const auto df = parse_dockerfile("FROM a\nRUN echo # still the command\n");
    EXPECT_EQ(df.instructions[1].args[0], "echo # still the command");
}

TEST(DockerfileLines, CrlfAndByteOrderMarkAreTolerated) {
    const auto df = parse_dockerfile("\xEF\xBB\xBF" "FROM a\r\nRUN echo a \\\r\n  b\r\nLABEL k=v\r\n");
    ASSERT_EQ(df.instructions.size(), 3u);
    EXPECT_EQ(df.instructions[0].args, std::vector<std::string>{"a"});
    EXPECT_EQ(df.instructions[1].args[0], "echo a   b");
    EXPECT_EQ(df.instructions[2].pairs[0].value, "v");
}

TEST(DockerfileLines, LastLineMayEndInAContinuation) {
    const auto df = parse_dockerfile("FROM a\nRUN echo \\");
    EXPECT_EQ(df.instructions[1].args[0], "echo");
}

TEST(DockerfileLines, BacktickEscapeDirectiveKeepsWindowsPathsLiteral) {
    const auto df = parse_dockerfile("# escape=`\n\nFROM mcr.microsoft.com/windows\nCOPY testfile.txt c:\\\nRUN dir c:\\ `\n  && echo done\n");
    EXPECT_EQ(df.escape, '`');
    ASSERT_EQ(df.instructions.size(), 3u);
    EXPECT_EQ(df.instructions[1].args, (std::vector<std::string>{"testfile.txt", "c:\\"}));
    EXPECT_EQ(df.instructions[2].args[0], "dir c:\\   && echo done");
    EXPECT_EQ(df.instructions[2].line, 5);
}

TEST(DockerfileLines, DirectivesAreCaseAndSpaceTolerantAndSyntaxIsIgnored) {
    const auto df = parse_dockerfile("# syntax=docker/dockerfile:1\n#  ESCAPE = `  \nFROM a\nRUN a `\n b\n");
    EXPECT_EQ(df.escape, '`');
    EXPECT_EQ(df.instructions[1].args[0], "a  b");
}

TEST(DockerfileLines, DirectiveAfterACommentOrBlankLineIsJustAComment) {
    EXPECT_EQ(parse_dockerfile("# hello\n# escape=`\nFROM a\n").escape, '\\');
    EXPECT_EQ(parse_dockerfile("\n# escape=`\nFROM a\n").escape, '\\');
    EXPECT_EQ(parse_dockerfile("FROM a\n# escape=`\nRUN a\n").escape, '\\');
    // An unknown directive ends the directives too.
    EXPECT_EQ(parse_dockerfile("# foo=bar\n# escape=`\nFROM a\n").escape, '\\');
}

TEST(DockerfileLines, BadOrRepeatedEscapeDirectiveIsAnError) {
    EXPECT_STREQ(berth::build::testing::parse_error("# escape=x\nFROM a\n").what(),
                 "Dockerfile parse error line 1: invalid escape token 'x' does not match ` or \\");
    const auto repeated = berth::build::testing::parse_error("# escape=`\n# escape=`\nFROM a\n");
    EXPECT_EQ(repeated.line(), 2);
    EXPECT_NE(std::string(repeated.what()).find("only one escape parser directive can be used"), std::string::npos);
}

} // namespace
