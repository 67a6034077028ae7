// dockerignore_test.cpp — .dockerignore matching against a table of cases
// checked with moby's patternmatcher rules: parents excluded with their
// directory, "**", exceptions and the last match winning, cleaning.
#include "build/context/dockerignore.h"
#include "build/context/glob_match.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace berth::build {
namespace {

struct Case {
    std::vector<std::string> patterns;
    std::string path;
    bool excluded;
};

class IgnoreTable : public ::testing::TestWithParam<Case> {};

TEST_P(IgnoreTable, MatchesAsDockerDoes) {
    const Case &c = GetParam();
    IgnoreMatcher m(c.patterns);
    std::string shown;
    for (const auto &p : c.patterns) shown += "[" + p + "]";
    EXPECT_EQ(m.excluded(c.path), c.excluded) << shown << " on " << c.path;
}

INSTANTIATE_TEST_SUITE_P(
    Patterns, IgnoreTable,
    ::testing::Values(
        Case{{"foo"}, "foo", true}, Case{{"foo"}, "foo/bar/baz", true}, Case{{"foo"}, "foobar", false},
        Case{{"foo"}, "a/foo", false}, Case{{"*.go"}, "a.go", true}, Case{{"*.go"}, "dir/a.go", false},
        Case{{"**/*.go"}, "a.go", true}, Case{{"**/*.go"}, "x/y/a.go", true}, Case{{"**/*.go"}, "x/y/a.gox", false},
        Case{{"dir/**"}, "dir/a/b", true}, Case{{"dir/**"}, "dir", false}, Case{{"**"}, "any/thing", true},
        Case{{"a/**/b"}, "a/b", true}, Case{{"a/**/b"}, "a/x/y/b", true}, Case{{"a/**/b"}, "a/xb", false},
        Case{{"*", "!keep"}, "keep", false}, Case{{"*", "!keep"}, "other", true},
        Case{{"!keep", "*"}, "keep", true}, Case{{"dir", "!dir/keep"}, "dir/keep", false},
        Case{{"dir", "!dir/keep"}, "dir/keep/deep", false}, Case{{"dir", "!dir/keep"}, "dir/other", true},
        Case{{"dir", "!dir/keep"}, "dir", true}, Case{{"dir", "!dir/keep", "dir/keep/no"}, "dir/keep/no/x", true},
        Case{{"/abs"}, "abs", true}, Case{{"./x/../y"}, "y", true}, Case{{"x//y/"}, "x/y/z", true},
        Case{{"?.txt"}, "a.txt", true}, Case{{"?.txt"}, "ab.txt", false}, Case{{"[a-c].txt"}, "b.txt", true},
        Case{{"[a-c].txt"}, "d.txt", false}, Case{{"[^a].txt"}, "a.txt", false}, Case{{"[^a].txt"}, "b.txt", true},
        Case{{"\\*x"}, "*x", true}, Case{{"\\*x"}, "ax", false}, Case{{"**foo"}, "xfoo", true},
        Case{{"."}, "a", false}, Case{{"*/*.md"}, "docs/a.md", true}, Case{{"*/*.md"}, "a.md", false},
        Case{{"*/*.md"}, "x/y/a.md", false}, Case{{"*.md", "!README.md"}, "README.md", false},
        Case{{"*.md", "!README.md"}, "CHANGES.md", true}, Case{{"  spaced  "}, "spaced", true},
        Case{{"! kept", "kept"}, "kept", true}, Case{{"**/node_modules"}, "a/node_modules/x/y", true},
        Case{{"**/node_modules", "!**/node_modules/keep"}, "a/node_modules/keep/y", false}));

TEST(DockerIgnore, ParseSkipsCommentsAndBlankLinesAndHandlesBomAndCrlf) {
    const IgnoreMatcher m = IgnoreMatcher::parse("\xEF\xBB\xBF" "first\r\n# comment\n\n   \n*.log\n!keep.log\r\n");
    EXPECT_TRUE(m.excluded("first"));
    EXPECT_TRUE(m.excluded("a.log"));
    EXPECT_FALSE(m.excluded("keep.log"));
    EXPECT_FALSE(m.excluded("# comment"));
    EXPECT_FALSE(m.excluded("comment"));
}

TEST(DockerIgnore, EmptyIgnoresNothingAndNeverTheRoot) {
    EXPECT_TRUE(IgnoreMatcher().empty());
    EXPECT_FALSE(IgnoreMatcher().excluded("a"));
    const IgnoreMatcher all = IgnoreMatcher::parse("**\n*\n");
    EXPECT_FALSE(all.excluded("."));
    EXPECT_FALSE(all.excluded(""));
    EXPECT_TRUE(all.excluded("x"));
}

TEST(DockerIgnore, BadPatternsAreRefusedNamingThem) {
    try {
        IgnoreMatcher::parse("ok\n[abc\n");
        FAIL() << "no exception";
    } catch (const std::invalid_argument &e) {
        EXPECT_NE(std::string(e.what()).find("syntax error in pattern"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("[abc"), std::string::npos) << e.what();
    }
    EXPECT_THROW(IgnoreMatcher::parse("!\n"), std::invalid_argument);
    EXPECT_THROW(IgnoreMatcher::parse("trailing\\"), std::invalid_argument);
}

TEST(DockerIgnore, MayIncludeBelowOnlyWhereAnExceptionCouldReach) {
    const IgnoreMatcher m({"dir", "other", "!dir/keep"});
    EXPECT_TRUE(m.may_include_below("dir"));
    EXPECT_FALSE(m.may_include_below("other"));
    EXPECT_FALSE(IgnoreMatcher({"a"}).may_include_below("a"));
    const IgnoreMatcher deep({"*", "!**/*.go"});
    EXPECT_TRUE(deep.may_include_below("any"));
    EXPECT_TRUE(deep.may_include_below("any/deeper"));
    const IgnoreMatcher glob({"src", "!src/*/keep"});
    EXPECT_TRUE(glob.may_include_below("src"));
    EXPECT_TRUE(glob.may_include_below("src/x"));
    EXPECT_FALSE(glob.may_include_below("lib"));
}

TEST(DockerIgnore, WithExceptionsBringsBackTheNamedFiles) {
    const IgnoreMatcher m = IgnoreMatcher::parse("*\n").with_exceptions({"Dockerfile", ".dockerignore"});
    EXPECT_FALSE(m.excluded("Dockerfile"));
    EXPECT_FALSE(m.excluded(".dockerignore"));
    EXPECT_TRUE(m.excluded("src"));
}

TEST(GlobMatch, FollowsGoFilepathMatch) {
    EXPECT_TRUE(glob::match("*.txt", "a.txt"));
    EXPECT_TRUE(glob::match("*.txt", ".hidden.txt"));
    EXPECT_FALSE(glob::match("*.txt", "d/a.txt"));
    EXPECT_TRUE(glob::match("a?c", "abc"));
    EXPECT_TRUE(glob::match("a?c", "a\xC3\xA9" "c")); // one rune, two bytes
    EXPECT_TRUE(glob::match("[\\]x]", "]"));
    EXPECT_FALSE(glob::valid("[]"));
    EXPECT_FALSE(glob::valid("[a-"));
    EXPECT_TRUE(glob::valid("[a-z]*"));
    EXPECT_FALSE(glob::match("[", "["));
}

} // namespace
} // namespace berth::build
