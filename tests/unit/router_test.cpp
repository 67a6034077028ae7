// The request pipeline without sockets: version prefixes, routing, query
// decoding and Docker's error bodies.
#include "api/router.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

using namespace berth::api;

namespace {

Request make(const std::string &method, const std::string &target, std::string body = "") {
    Request r;
    r.method = method;
    r.target = target;
    r.body = std::move(body);
    return r;
}

std::string header(const Response &r, const std::string &name) {
    for (const auto &[k, v] : r.headers)
        if (k == name) return v;
    return {};
}

class RouterTest : public ::testing::Test {
protected:
    void SetUp() override {
        router.add("GET", "/containers/{id}/json", [](Request &r) {
            return Response::json(200, nlohmann::json{{"id", r.params["id"]}, {"v", r.api_version}}.dump());
        });
        router.add("GET", "/images/{name:.*}/json", [](Request &r) {
            return Response::json(200, nlohmann::json{{"name", r.params["name"]}}.dump());
        });
        router.add("POST", "/echo", [](Request &r) {
            const auto body = nlohmann::json::parse(r.body);
            return Response::json(200, nlohmann::json{{"all", r.query_bool("all")}, {"x", body["x"]},
                                                      {"q", r.query_value("q")}}.dump());
        });
        router.add("GET", "/boom", [](Request &) -> Response { throw ApiError(409, "conflict here"); });
    }
    Router router;
};

TEST_F(RouterTest, RoutesVersionedAndUnversionedAlike) {
    auto a = make("GET", "/v1.30/containers/abc/json");
    auto ra = router.dispatch(a);
    EXPECT_EQ(ra.status, 200);
    EXPECT_EQ(nlohmann::json::parse(ra.body)["v"], "1.30");
    auto b = make("GET", "/containers/abc/json");
    auto rb = router.dispatch(b);
    EXPECT_EQ(nlohmann::json::parse(rb.body)["id"], "abc");
    EXPECT_EQ(nlohmann::json::parse(rb.body)["v"], "1.44");
}

TEST_F(RouterTest, EveryResponseCarriesTheStandardHeaders) {
    auto r = make("GET", "/containers/abc/json");
    const auto res = router.dispatch(r);
    EXPECT_EQ(header(res, "Api-Version"), "1.44");
    EXPECT_EQ(header(res, "Ostype"), "linux");
    EXPECT_NE(header(res, "Server").find("Berth/"), std::string::npos);
}

TEST_F(RouterTest, WildcardParametersSpanSlashes) {
    auto r = make("GET", "/v1.44/images/127.0.0.1:5000/library/busybox/json");
    EXPECT_EQ(nlohmann::json::parse(router.dispatch(r).body)["name"], "127.0.0.1:5000/library/busybox");
}

TEST_F(RouterTest, DecodesQueriesAndBooleansTheDockerWay) {
    auto r = make("POST", "/echo?all=1&q=a%20b+c", R"({"x": 5})");
    const auto body = nlohmann::json::parse(router.dispatch(r).body);
    EXPECT_TRUE(body["all"].get<bool>());
    EXPECT_EQ(body["q"], "a b c");
    auto f = make("POST", "/echo?all=false", R"({"x": 1})");
    EXPECT_FALSE(nlohmann::json::parse(router.dispatch(f).body)["all"].get<bool>());
}

TEST_F(RouterTest, UnknownRouteIs404WithAJsonMessage) {
    auto r = make("GET", "/v1.44/nope");
    const auto res = router.dispatch(r);
    EXPECT_EQ(res.status, 404);
    EXPECT_EQ(res.content_type, "application/json");
    EXPECT_EQ(nlohmann::json::parse(res.body)["message"], "page not found");
}

TEST_F(RouterTest, WrongMethodOnAKnownPathIsDockerdsPageNotFound) {
    auto r = make("DELETE", "/echo");
    const auto res = router.dispatch(r);
    EXPECT_EQ(res.status, 404);
    EXPECT_EQ(nlohmann::json::parse(res.body)["message"], "page not found");
}

TEST_F(RouterTest, TooNewVersionIs400) {
    auto r = make("GET", "/v1.99/containers/x/json");
    const auto res = router.dispatch(r);
    EXPECT_EQ(res.status, 400);
    EXPECT_NE(nlohmann::json::parse(res.body)["message"].get<std::string>().find("too new"), std::string::npos);
}

TEST_F(RouterTest, MalformedJsonBodyIs400NotACrash) {
    auto r = make("POST", "/echo", "{not json");
    const auto res = router.dispatch(r);
    EXPECT_EQ(res.status, 400);
    EXPECT_NE(nlohmann::json::parse(res.body)["message"].get<std::string>().find("invalid JSON"),
              std::string::npos);
}

TEST_F(RouterTest, ApiErrorKeepsItsStatusAndMessage) {
    auto r = make("GET", "/boom");
    const auto res = router.dispatch(r);
    EXPECT_EQ(res.status, 409);
    EXPECT_EQ(res.body, R"({"message":"conflict here"})");
}

TEST_F(RouterTest, HeadIsAnsweredByTheGetRoute) {
    auto r = make("HEAD", "/containers/abc/json");
    EXPECT_EQ(router.dispatch(r).status, 200);
}

} // namespace

TEST(Router, StreamingBodyRoutesAreKnownBeforeTheBody) {
    berth::api::Router r;
    r.add_streaming_body("POST", "/images/load", [](berth::api::Request &) { return berth::api::Response::empty(200); });
    r.add("POST", "/images/{name:.+}/tag", [](berth::api::Request &) { return berth::api::Response::empty(201); });
    EXPECT_TRUE(r.streams_body("POST", "/images/load"));
    EXPECT_TRUE(r.streams_body("POST", "/v1.44/images/load?quiet=1"));
    EXPECT_FALSE(r.streams_body("GET", "/images/load"));
    EXPECT_FALSE(r.streams_body("POST", "/images/busybox/tag?repo=x"));
}
