// decoder_regressions_test.cpp — inputs the fuzz targets and the malformed-
// request test found answered wrongly, each pinned to the answer Docker
// gives: a mistyped member of a create body is a 400 at create time, not
// silently dropped or a 500 later. Each input is also in the seed corpus.
#include "fuzz_services.h"

#include "api/container_routes.h"
#include "api/filters.h"
#include "api/network_routes.h"
#include "api/router.h"
#include "containers/service/create_config.h"
#include "containers/store/errors.h"
#include "images/image_service.h"
#include "network/container_hooks.h"
#include "network/network_service.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace berth;
using nlohmann::json;

namespace {

class DecoderRegressions : public ::testing::Test {
protected:
    DecoderRegressions() : ctx(fuzz::make_daemon_context(fuzz::scratch_root() / test_name())) {
        fuzz::add_fuzz_image(*ctx->images, "fuzz/base:1");
        cfg.default_log_driver = "json-file";
        cfg.default_runtime = "runc";
        api::add_network_routes(router, *ctx->networks, hooks);
    }

    static std::string test_name() { return ::testing::UnitTest::GetInstance()->current_test_info()->name(); }

    api::Response post(const std::string &target, const std::string &body) {
        api::Request r;
        r.method = "POST";
        r.target = target;
        r.body = body;
        return router.dispatch(r);
    }

    // The InvalidArgument text parse_create_request refuses BODY with, or
    // "accepted".
    std::string create_error(const std::string &body) {
        try {
            (void)containers::parse_create_request(body, "", *ctx->images, cfg);
            return "accepted";
        } catch (const containers::InvalidArgument &e) {
            return e.what();
        }
    }

    std::unique_ptr<daemon::DaemonContext> ctx;
    containers::ContainerServiceConfig cfg;
    network::ContainerHooks hooks;
    api::Router router;
};

std::string message(const api::Response &r) { return json::parse(r.body).value("message", ""); }

TEST_F(DecoderRegressions, NetworkCreateRefusesAnIpamConfigThatIsNotAList) {
    const auto r = post("/v1.44/networks/create", R"({"Name":"x","IPAM":{"Config":"10.0.0.0/8"}})");
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(message(r), "invalid JSON: json: cannot unmarshal string into Go struct field Config of type "
                          "[]network.IPAMConfig");
}

TEST_F(DecoderRegressions, NetworkCreateRefusesIpamAndConfigFromOfTheWrongType) {
    EXPECT_EQ(post("/v1.44/networks/create", R"({"Name":"x","IPAM":[]})").status, 400);
    EXPECT_EQ(post("/v1.44/networks/create", R"({"Name":"x","IPAM":{"Config":[5]}})").status, 400);
    EXPECT_EQ(post("/v1.44/networks/create", R"({"Name":"x","ConfigFrom":"other"})").status, 400);
    // null is Go's zero value, not a type error.
    EXPECT_EQ(post("/v1.44/networks/create", R"({"Name":"x","IPAM":null,"ConfigFrom":null})").status, 201);
}

TEST_F(DecoderRegressions, ContainerCreateRefusesEnvAsOneString) {
    EXPECT_EQ(create_error(R"({"Image":"fuzz/base:1","Env":"A=1"})"),
              "invalid JSON: json: cannot unmarshal string into Go struct field CreateRequest.Env of type []string");
}

TEST_F(DecoderRegressions, ContainerCreateRefusesHostConfigListsAndMapsOfTheWrongType) {
    EXPECT_EQ(create_error(R"({"Image":"fuzz/base:1","HostConfig":{"Mounts":{}}})"),
              "invalid JSON: json: cannot unmarshal object into Go struct field HostConfig.Mounts of type "
              "[]mount.Mount");
    EXPECT_EQ(create_error(R"({"Image":"fuzz/base:1","HostConfig":{"Binds":"/a:/b"}})"),
              "invalid JSON: json: cannot unmarshal string into Go struct field HostConfig.Binds of type []string");
    EXPECT_EQ(create_error(R"({"Image":"fuzz/base:1","HostConfig":{"RestartPolicy":"always"}})"),
              "invalid JSON: json: cannot unmarshal string into Go struct field HostConfig.RestartPolicy of type "
              "container.RestartPolicy");
}

TEST_F(DecoderRegressions, ContainerCreateRefusesANumberBeyondADoubleAsInvalidJson) {
    // nlohmann reports it as out_of_range, not parse_error: it was a 500.
    EXPECT_EQ(create_error(R"({"Image":"fuzz/base:1","HostConfig":{"Memory":1e400}})"),
              "invalid JSON: [json.exception.out_of_range.406] number overflow parsing '1e400'");
}

TEST_F(DecoderRegressions, ContainerCreateStillTakesCmdAsOneStringAndNulls) {
    // Docker's StrSlice: a single string is a one-element command.
    EXPECT_EQ(create_error(R"({"Image":"fuzz/base:1","Cmd":"sh","Env":null,"HostConfig":{"Mounts":null}})"),
              "accepted");
}

TEST(RouterRegressions, DotSegmentsReachNoRoute) {
    api::Router router;
    router.add("GET", "/images/{name:.+}/json",
               [](api::Request &r) { return api::Response::json(200, json{{"name", r.params["name"]}}.dump()); });
    for (const char *target : {"/v1.43/images/../../etc/passwd/json", "/images/./x/json", "/images/a/../json",
                               "/images/..", "/v1.44/.."}) {
        api::Request r;
        r.method = "GET";
        r.target = target;
        const auto res = router.dispatch(r);
        EXPECT_EQ(res.status, 404) << target;
        EXPECT_EQ(message(res), "page not found") << target;
    }
    // Dots inside a segment, and %-encoded dots (decoded into a parameter,
    // where the handler judges the name), still route.
    for (const char *target : {"/images/a..b/json", "/images/..a/json", "/images/%2e%2e/json"}) {
        api::Request r;
        r.method = "GET";
        r.target = target;
        EXPECT_EQ(router.dispatch(r).status, 200) << target;
    }
}

} // namespace

// An `until` duration or unix time beyond int64 nanoseconds (Go's limit) was
// cast to a time point with signed overflow (UBSan in the corpus replay);
// 400 digits made std::stod throw out_of_range. Both are dockerd's 400 now.
TEST(UntilRegressions, BeyondGoDurationsIsA400) {
    const std::vector<std::string> too_far = {"99999999999999999999999h", "9223372037s",
                                              std::string(400, '9') + "s", std::string(400, '9'), "99999999999"};
    for (const std::string &v : too_far) {
        try {
            api::parse_until(v);
            ADD_FAILURE() << v << " was accepted";
        } catch (const api::ApiError &e) {
            EXPECT_EQ(400, e.status()) << v;
        }
    }
    EXPECT_NO_THROW(api::parse_until("24h"));
    EXPECT_NO_THROW(api::parse_until("1700000000.5"));
}
