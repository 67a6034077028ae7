// Bearer tokens cached per scope until expiry.
#include "registry/token_cache.h"

#include <gtest/gtest.h>

using namespace berth::registry::detail;
using namespace std::chrono_literals;

TEST(TokenCache, ScopeCoverageAndExpiry) {
    TokenCache cache;
    const auto now = TokenCache::Clock::now();
    cache.store({{"a/b", "pull,push"}}, "T1", now + 60s);
    EXPECT_EQ(cache.find({{"a/b", "pull"}}, now), "T1");      // push token serves a pull
    EXPECT_EQ(cache.find({{"a/b", "push,pull"}}, now), "T1"); // order does not matter
    EXPECT_FALSE(cache.find({{"a/c", "pull"}}, now));
    EXPECT_FALSE(cache.find({{"a/b", "pull"}, {"x/y", "pull"}}, now));
    EXPECT_FALSE(cache.find({{"a/b", "pull"}}, now + 61s)); // expired

    cache.store({{"a/b", "pull"}, {"x/y", "pull"}}, "T2", now + 60s);
    EXPECT_EQ(cache.find({{"x/y", "pull"}}, now), "T2");
    cache.invalidate({{"x/y", "pull"}});
    EXPECT_FALSE(cache.find({{"x/y", "pull"}}, now));
    EXPECT_EQ(cache.find({{"a/b", "pull"}}, now), "T1");
}

TEST(TokenCache, ScopeString) {
    EXPECT_EQ((Scope{"library/busybox", "pull"}).str(), "repository:library/busybox:pull");
}
