// URL parsing and resolution for Locations, redirects and realms.
#include "registry/url.h"

#include <gtest/gtest.h>

using namespace berth::registry;

TEST(Url, ParseAndOrigin) {
    const auto u = parse_url("https://Registry.Example:5000/v2/x?y=1#frag");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->scheme, "https");
    EXPECT_EQ(u->host, "registry.example");
    EXPECT_EQ(u->port, 5000);
    EXPECT_EQ(u->target, "/v2/x?y=1");
    EXPECT_EQ(u->origin(), "https://registry.example:5000");
    EXPECT_EQ(parse_url("https://r.example/")->origin(), "https://r.example:443");
    EXPECT_EQ(parse_url("http://r.example")->target, "/");
    EXPECT_EQ(parse_url("http://[::1]:8080/a")->host, "::1");
    EXPECT_EQ(parse_url("http://[::1]:8080/a")->str(), "http://[::1]:8080/a");
    EXPECT_FALSE(parse_url("ftp://x/"));
    EXPECT_FALSE(parse_url("https://user:pw@x/"));
    EXPECT_FALSE(parse_url("https://x:99999/"));
}

TEST(Url, Resolve) {
    const auto base = *parse_url("http://127.0.0.1:5000/v2/a/blobs/uploads/uuid?_state=s");
    EXPECT_EQ(resolve_url(base, "/v2/a/blobs/uploads/u2?_state=t")->str(),
              "http://127.0.0.1:5000/v2/a/blobs/uploads/u2?_state=t");
    EXPECT_EQ(resolve_url(base, "https://cdn.example/blob?sig=1")->str(), "https://cdn.example/blob?sig=1");
    EXPECT_EQ(resolve_url(base, "//other:81/x")->str(), "http://other:81/x");
    EXPECT_EQ(resolve_url(base, "u3")->target, "/v2/a/blobs/uploads/u3");
}

TEST(Url, HostPort) {
    EXPECT_EQ(split_host_port("localhost:5000")->port, 5000);
    EXPECT_EQ(split_host_port("Example.COM")->host, "example.com");
    EXPECT_EQ(split_host_port("[::1]:5000")->host, "::1");
    EXPECT_EQ(split_host_port("::1")->host, "::1");
    EXPECT_FALSE(split_host_port("host:"));
    EXPECT_FALSE(split_host_port(":5000"));
}

TEST(Url, Query) {
    EXPECT_EQ(percent_encode("repository:a/b:pull,push"), "repository%3Aa%2Fb%3Apull%2Cpush");
    EXPECT_EQ(append_query("/v2/x/", "mount", "sha256:ab"), "/v2/x/?mount=sha256%3Aab");
    EXPECT_EQ(append_query("/u?_state=1", "digest", "sha256:ab"), "/u?_state=1&digest=sha256%3Aab");
}
