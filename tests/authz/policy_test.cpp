// The authz-policy plugin's matcher, compiled from the plugin's sources:
// path patterns, the version prefix, strict parsing with named locations,
// and deciding requests (default deny, users, methods).
#include "path_glob.hpp"
#include "policy.hpp"

#include <gtest/gtest.h>

namespace ap = berth::authz_policy;

TEST(AuthzPathGlob, StarStaysInsideOneSegment) {
    EXPECT_TRUE(ap::glob_match("/containers/*/logs", "/containers/abc/logs"));
    EXPECT_FALSE(ap::glob_match("/containers/*/logs", "/containers/a/b/logs"));
    EXPECT_FALSE(ap::glob_match("/containers/*", "/containers/abc/json"));
    EXPECT_TRUE(ap::glob_match("/images/*.tar", "/images/x.tar"));
    EXPECT_TRUE(ap::glob_match("/containers/web-*/json", "/containers/web-1/json"));
    EXPECT_FALSE(ap::glob_match("/containers/web-*/json", "/containers/db-1/json"));
}

TEST(AuthzPathGlob, DoubleStarSpansSegmentsIncludingNone) {
    EXPECT_TRUE(ap::glob_match("/containers/**", "/containers"));
    EXPECT_TRUE(ap::glob_match("/containers/**", "/containers/json"));
    EXPECT_TRUE(ap::glob_match("/containers/**", "/containers/abc/logs"));
    EXPECT_FALSE(ap::glob_match("/containers/**", "/images/json"));
    EXPECT_TRUE(ap::glob_match("/**", "/_ping"));
    EXPECT_TRUE(ap::glob_match("/**/json", "/containers/abc/json"));
    EXPECT_FALSE(ap::glob_match("/**/json", "/containers/abc/logs"));
}

TEST(AuthzPathGlob, LiteralsMustMatchExactly) {
    EXPECT_TRUE(ap::glob_match("/_ping", "/_ping"));
    EXPECT_FALSE(ap::glob_match("/_ping", "/_pingx"));
    EXPECT_FALSE(ap::glob_match("/containers/json", "/containers"));
    // '?' and '[' are not wildcards: they are ordinary path characters.
    EXPECT_FALSE(ap::glob_match("/containers/?", "/containers/a"));
}

TEST(AuthzApiPath, StripsVersionPrefixAndQuery) {
    EXPECT_EQ("/containers/json", ap::api_path("/v1.43/containers/json?all=1"));
    EXPECT_EQ("/containers/json", ap::api_path("/v1.44/containers/json"));
    EXPECT_EQ("/containers/json", ap::api_path("/v1/containers/json"));
    EXPECT_EQ("/containers/json", ap::api_path("/containers/json"));
    EXPECT_EQ("/_ping", ap::api_path("/_ping"));
    EXPECT_EQ("/", ap::api_path("/v1.44"));
    // Not a version: a path that merely starts with "v".
    EXPECT_EQ("/volumes", ap::api_path("/volumes"));
    EXPECT_EQ("/v1.x/containers", ap::api_path("/v1.x/containers"));
    EXPECT_EQ("/v1.44x/containers", ap::api_path("/v1.44x/containers"));
}

namespace {

const char *kPolicy = R"({"rules": [
  {"users": ["alice"], "allow": [
     {"method": "GET", "path": "/containers/**"},
     {"method": ["get", "POST"], "path": "/images/*/json"}]},
  {"users": ["*"], "allow": [{"method": "GET", "path": "/_ping"}, {"method": "GET", "path": "/version"}]},
  {"users": ["uid:0", "admin"], "allow": [{"method": "*", "path": "/**"}]}
]})";

std::string parse_error(const std::string &text) {
    try {
        ap::Policy::parse(text);
    } catch (const ap::PolicyError &e) {
        return e.what();
    }
    return "(parsed)";
}

} // namespace

TEST(AuthzPolicy, ReadOnlyUserMayListButNotRemove) {
    const auto p = ap::Policy::parse(kPolicy);
    EXPECT_TRUE(p.decide("alice", "GET", "/v1.44/containers/json?all=1").allow);
    EXPECT_TRUE(p.decide("alice", "GET", "/v1.43/containers/abc/json").allow);
    const auto rm = p.decide("alice", "DELETE", "/v1.44/containers/abc?force=1");
    EXPECT_FALSE(rm.allow);
    EXPECT_EQ("user alice is not allowed to DELETE /containers/abc", rm.message);
    EXPECT_FALSE(p.decide("alice", "POST", "/v1.44/containers/create").allow);
}

TEST(AuthzPolicy, DefaultDenyForUnknownUsersAndPaths) {
    const auto p = ap::Policy::parse(kPolicy);
    const auto d = p.decide("mallory", "GET", "/containers/json");
    EXPECT_FALSE(d.allow);
    EXPECT_EQ("user mallory is not allowed to GET /containers/json", d.message);
    EXPECT_FALSE(p.decide("alice", "GET", "/networks").allow);
    EXPECT_FALSE(ap::Policy::parse(R"({"rules": []})").decide("uid:0", "GET", "/_ping").allow);
}

TEST(AuthzPolicy, WildcardUserAndMethod) {
    const auto p = ap::Policy::parse(kPolicy);
    EXPECT_TRUE(p.decide("mallory", "GET", "/_ping").allow);
    EXPECT_TRUE(p.decide("mallory", "HEAD", "/_ping").allow) << "a GET entry allows HEAD";
    EXPECT_FALSE(p.decide("mallory", "POST", "/_ping").allow);
    EXPECT_TRUE(p.decide("uid:0", "DELETE", "/v1.44/containers/abc").allow);
    EXPECT_TRUE(p.decide("admin", "POST", "/build").allow);
    EXPECT_FALSE(p.decide("uid:1000", "DELETE", "/containers/abc").allow);
}

TEST(AuthzPolicy, MethodListsAreCaseInsensitive) {
    const auto p = ap::Policy::parse(kPolicy);
    EXPECT_TRUE(p.decide("alice", "POST", "/images/busybox/json").allow);
    EXPECT_TRUE(p.decide("alice", "get", "/images/busybox/json").allow);
    EXPECT_FALSE(p.decide("alice", "DELETE", "/images/busybox/json").allow);
}

TEST(AuthzPolicy, MalformedDocumentsAreRefusedNamingThePlace) {
    EXPECT_NE(parse_error("{").find("invalid JSON"), std::string::npos);
    EXPECT_NE(parse_error("[]").find("top level must be an object"), std::string::npos);
    EXPECT_NE(parse_error("{}").find("\"rules\" is required"), std::string::npos);
    EXPECT_NE(parse_error(R"({"rules": [], "default": "allow"})").find("unknown key \"default\""),
              std::string::npos);
    EXPECT_EQ("rules[0]: \"users\" is required", parse_error(R"({"rules": [{"allow": []}]})"));
    EXPECT_EQ("rules[0].users: must be a non-empty array of user names",
              parse_error(R"({"rules": [{"users": [], "allow": []}]})"));
    EXPECT_EQ("rules[0].users: must be a non-empty array of user names",
              parse_error(R"({"rules": [{"users": "alice", "allow": []}]})"));
    EXPECT_EQ("rules[0]: \"allow\" is required", parse_error(R"({"rules": [{"users": ["a"]}]})"));
    EXPECT_EQ("rules[0]: unknown key \"deny\"",
              parse_error(R"({"rules": [{"users": ["a"], "allow": [], "deny": []}]})"));
    EXPECT_EQ("rules[1].allow[0].path: must be a string starting with \"/\"",
              parse_error(R"({"rules": [{"users": ["a"], "allow": []},
                                         {"users": ["b"], "allow": [{"method": "GET", "path": "containers"}]}]})"));
    EXPECT_EQ("rules[0].allow[0]: \"method\" is required (\"*\" for any)",
              parse_error(R"({"rules": [{"users": ["a"], "allow": [{"path": "/x"}]}]})"));
    EXPECT_EQ("rules[0].allow[0].method: must not be an empty array",
              parse_error(R"({"rules": [{"users": ["a"], "allow": [{"method": [], "path": "/x"}]}]})"));
    EXPECT_EQ("rules[0].allow[0]: unknown key \"paths\"",
              parse_error(R"({"rules": [{"users": ["a"], "allow": [{"method": "GET", "paths": "/x"}]}]})"));
}
