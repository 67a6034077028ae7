// Link pagination of tag lists.
#include "registry/link_header.h"

#include <gtest/gtest.h>

using berth::registry::detail::next_link;

TEST(LinkHeader, Next) {
    EXPECT_EQ(next_link(R"(</v2/x/tags/list?last=b&n=2>; rel="next")"), "/v2/x/tags/list?last=b&n=2");
    EXPECT_EQ(next_link(R"(<https://a/prev>; rel="prev", <https://a/next>; rel=next)"), "https://a/next");
    EXPECT_FALSE(next_link(R"(</x>; rel="prev")"));
    EXPECT_FALSE(next_link(""));
}
