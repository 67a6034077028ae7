// word_expansion_test.cpp — Docker's shell-word processing: quotes, the
// escape character (\ and `), $NAME and ${NAME...} forms, what stays
// literal, word splitting of unquoted values, and the error messages.
#include "build/dockerfile/word_expansion.h"

#include <gtest/gtest.h>

using namespace berth::build;
using Strings = std::vector<std::string>;

namespace {

const VariableLookup vars = lookup_in(std::map<std::string, std::string>{
    {"HOME", "/root"}, {"EMPTY", ""}, {"SPACED", "x  y"}, {"A_1", "a1"}, {"1", "one"}});

std::string word(std::string_view w, char escape = '\\') { return expand_word(w, vars, escape); }

std::string error_of(std::string_view w) {
    try {
        expand_word(w, vars);
    } catch (const ExpansionError &e) {
        return e.what();
    }
    return "no error";
}

TEST(WordExpansion, SimpleAndBracedVariables) {
    EXPECT_EQ(word("$HOME/bin"), "/root/bin");
    EXPECT_EQ(word("${HOME}bin"), "/rootbin");
    EXPECT_EQ(word("$A_1-$A_1x"), "a1-"); // $A_1x is another (unset) name
    EXPECT_EQ(word("$UNSET|${UNSET}|"), "||");
    EXPECT_EQ(word("$1$10"), "one"); // a name starting with a digit takes only digits
}

TEST(WordExpansion, DollarBeforeANonNameCharacterStaysLiteral) {
    EXPECT_EQ(word("cost: $/unit $ $"), "cost: $/unit $ $");
    EXPECT_EQ(word("\"$\""), "$");
    EXPECT_EQ(word("a$.b"), "a$.b");
}

TEST(WordExpansion, SingleQuotesAreLiteral) {
    EXPECT_EQ(word("'$HOME \\n \"x\"'"), "$HOME \\n \"x\"");
    EXPECT_EQ(word("a'b'c"), "abc");
}

TEST(WordExpansion, DoubleQuotesExpandAndEscapeOnlySomeCharacters) {
    EXPECT_EQ(word("\"$HOME 'q'\""), "/root 'q'");
    EXPECT_EQ(word(R"("\$HOME \" \\ \n \a")"), R"($HOME " \ \n \a)");
}

TEST(WordExpansion, EscapeOutsideQuotesMakesTheNextCharacterLiteral) {
    EXPECT_EQ(word(R"(\$HOME \"x\" \\ \a)"), R"($HOME "x" \ a)");
    EXPECT_EQ(word("trailing\\"), "trailing");
}

TEST(WordExpansion, BacktickEscapeKeepsBackslashesLiteral) {
    EXPECT_EQ(word(R"(c:\windows\$HOME)", '`'), R"(c:\windows\/root)");
    EXPECT_EQ(word("`$HOME and \"`\"\"", '`'), "$HOME and \"");
}

TEST(WordExpansion, DefaultAndAlternativeValues) {
    EXPECT_EQ(word("${UNSET:-def}"), "def");
    EXPECT_EQ(word("${EMPTY:-def}"), "def");
    EXPECT_EQ(word("${EMPTY-def}"), "");
    EXPECT_EQ(word("${UNSET-def}"), "def");
    EXPECT_EQ(word("${HOME:-def}"), "/root");
    EXPECT_EQ(word("${HOME:+alt}"), "alt");
    EXPECT_EQ(word("${EMPTY:+alt}"), "");
    EXPECT_EQ(word("${EMPTY+alt}"), "alt");
    EXPECT_EQ(word("${UNSET+alt}"), "");
}

TEST(WordExpansion, TheModifierWordIsItselfExpanded) {
    EXPECT_EQ(word("${UNSET:-$HOME/x}"), "/root/x");
    EXPECT_EQ(word("${UNSET:-'a}b'}"), "a}b");
    EXPECT_EQ(word("${UNSET:-\\}}"), "}");
    EXPECT_EQ(word("${UNSET:-${ALSO:-deep}}"), "deep");
}

TEST(WordExpansion, RequiredVariables) {
    EXPECT_EQ(word("${HOME:?need home}"), "/root");
    EXPECT_EQ(word("${EMPTY?set is enough}"), "");
    EXPECT_EQ(error_of("${UNSET:?please set it}"), "failed to process \"${UNSET:?please set it}\": UNSET: please set it");
    EXPECT_EQ(error_of("${UNSET?}"), "failed to process \"${UNSET?}\": UNSET: is not allowed to be unset");
    EXPECT_EQ(error_of("${EMPTY:?}"), "failed to process \"${EMPTY:?}\": EMPTY: is not allowed to be empty");
}

TEST(WordExpansion, SyntaxErrors) {
    EXPECT_EQ(error_of("${}"), "failed to process \"${}\": syntax error: bad substitution");
    EXPECT_EQ(error_of("${:-x}"), "failed to process \"${:-x}\": syntax error: bad substitution");
    EXPECT_EQ(error_of("${HOME"), "failed to process \"${HOME\": syntax error: missing '}'");
    EXPECT_EQ(error_of("${HOME:-x"), "failed to process \"${HOME:-x\": syntax error: missing '}'");
    EXPECT_EQ(error_of("${a b}"), "failed to process \"${a b}\": unsupported modifier ( ) in substitution");
    EXPECT_EQ(error_of("${a:x}"), "failed to process \"${a:x}\": unsupported modifier (:x) in substitution");
    EXPECT_EQ(error_of("'open"),
              "failed to process \"'open\": unexpected end of statement while looking for matching single-quote");
    EXPECT_EQ(error_of("\"open"),
              "failed to process \"\\\"open\": unexpected end of statement while looking for matching double-quote");
}

TEST(WordExpansion, WordsSplitAtUnquotedWhitespaceIncludingVariableValues) {
    const VariableLookup b = lookup_in(std::map<std::string, std::string>{{"B", "x y"}});
    EXPECT_EQ(expand_words("a $B 'c d' \"$B\"", b), (Strings{"a", "x", "y", "c d", "x y"}));
    EXPECT_EQ(expand_words("  pre$B\\ post  ", b), (Strings{"prex", "y post"}));
    EXPECT_EQ(expand_words("a \"\" b", b), (Strings{"a", "b"})); // Docker drops empty words
    EXPECT_EQ(expand_words("${UNSET:-one two}", b), (Strings{"one", "two"}));
    EXPECT_TRUE(expand_words("   ", b).empty());
}

TEST(WordExpansion, LookupOverEnvListLastOneWins) {
    const auto env = lookup_in(Strings{"A=1", "PATH=/bin", "A=2", "BARE"});
    EXPECT_EQ(expand_word("$A:$PATH:[$BARE]:${BARE-unset}", env), "2:/bin:[]:");
    EXPECT_FALSE(env("NOPE").has_value());
    EXPECT_EQ(expand_word("$HOME", VariableLookup{}), "");
}

} // namespace
