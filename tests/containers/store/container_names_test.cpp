#include "containers/store/container_names.h"
#include "containers/store/errors.h"
#include "containers/store/name_words.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

using namespace berth::containers;

TEST(ContainerNames, UserNamesGetALeadingSlash) {
    EXPECT_EQ(canonical_container_name("web"), "/web");
    EXPECT_EQ(canonical_container_name("/web"), "/web");
    EXPECT_EQ(canonical_container_name("a.b-c_9"), "/a.b-c_9");
    EXPECT_EQ(canonical_container_name("9x"), "/9x");
}

TEST(ContainerNames, InvalidNamesUseDockersMessage) {
    for (std::string bad : {"", "/", "a", "_web", "-web", ".web", "we b", "web/x", "wéb", "web!"}) {
        try {
            canonical_container_name(bad);
            ADD_FAILURE() << "accepted " << bad;
        } catch (const InvalidArgument &e) {
            std::string shown = !bad.empty() && bad[0] == '/' ? bad.substr(1) : bad;
            EXPECT_EQ(std::string(e.what()),
                      "Invalid container name (" + shown + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
            EXPECT_EQ(e.kind(), ErrorKind::InvalidArgument);
        }
    }
}

TEST(ContainerNames, RandomNamesAreAdjectiveUnderscoreSurname) {
    const auto adjectives = name_adjectives();
    const auto surnames = name_surnames();
    EXPECT_GE(adjectives.size(), 100u);
    EXPECT_GE(surnames.size(), 200u);
    std::set<std::string_view> adj(adjectives.begin(), adjectives.end()), sur(surnames.begin(), surnames.end());
    EXPECT_EQ(adj.size(), adjectives.size()) << "duplicate adjective";
    EXPECT_EQ(sur.size(), surnames.size()) << "duplicate surname";
    for (int i = 0; i < 500; ++i) {
        std::string n = random_container_name();
        auto us = n.find('_');
        ASSERT_NE(us, std::string::npos) << n;
        EXPECT_TRUE(adj.count(n.substr(0, us))) << n;
        EXPECT_TRUE(sur.count(n.substr(us + 1))) << n;
        EXPECT_NE(n, "boring_wozniak");
        EXPECT_NO_THROW(canonical_container_name(n));
    }
}

TEST(ContainerNames, RetriesAppendDigits) {
    std::string n = random_container_name(2);
    EXPECT_TRUE(std::regex_match(n, std::regex("[a-z]+_[a-z]+[0-9]{2}"))) << n;
}

TEST(ContainerNames, NeverBoringWozniak) {
    // With 100 x 236 combinations, 200000 draws hit any given pair with
    // overwhelming probability if it were allowed.
    bool wozniak = false;
    for (int i = 0; i < 200000; ++i) {
        std::string n = random_container_name();
        ASSERT_NE(n, "boring_wozniak");
        wozniak = wozniak || n.ends_with("_wozniak");
    }
    EXPECT_TRUE(wozniak);
}
