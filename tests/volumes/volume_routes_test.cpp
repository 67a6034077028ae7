// The /volumes endpoints through Router::dispatch, as the docker CLI calls
// them: bodies, filters, statuses and Docker's error texts.
#include "api/volume_routes.h"

#include "test_dir.h"
#include "volumes/volume_service.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <fstream>

using namespace berth;
using nlohmann::json;

namespace {

class VolumeRoutes : public ::testing::Test {
protected:
    VolumeRoutes() : svc(dir.path()) { api::add_volume_routes(router, svc); }

    api::Response call(const std::string &method, const std::string &target, std::string body = "") {
        api::Request r;
        r.method = method;
        r.target = target;
        r.body = std::move(body);
        return router.dispatch(r);
    }
    json call_json(const std::string &method, const std::string &target, std::string body = "",
                   int want_status = 200) {
        const auto res = call(method, target, std::move(body));
        EXPECT_EQ(res.status, want_status) << method << " " << target << ": " << res.body;
        return json::parse(res.body);
    }
    std::vector<std::string> listed(const std::string &filters_json = "") {
        std::string target = "/v1.44/volumes";
        if (!filters_json.empty()) target += "?filters=" + filters_json;
        std::vector<std::string> names;
        const auto reply = call_json("GET", target); // kept: a range-for over a temporary's member dangles
        for (const auto &v : reply["Volumes"]) names.push_back(v["Name"]);
        return names;
    }

    TestDir dir;
    volumes::VolumeService svc;
    api::Router router;
};

} // namespace

TEST_F(VolumeRoutes, CreateAnswers201WithDockersVolumeObject) {
    const auto v = call_json("POST", "/v1.44/volumes/create",
                             R"({"Name":"web","Driver":"local","DriverOpts":{},"Labels":{"tier":"front"}})", 201);
    EXPECT_EQ(v["Name"], "web");
    EXPECT_EQ(v["Driver"], "local");
    EXPECT_EQ(v["Scope"], "local");
    EXPECT_EQ(v["Labels"], (json{{"tier", "front"}}));
    EXPECT_EQ(v["Options"], json::object());
    EXPECT_EQ(v["Mountpoint"], (dir.path() / "volumes" / "web" / "_data").string());
    const std::string created = v["CreatedAt"];
    EXPECT_EQ(created.size(), 20u) << created; // 2024-05-01T12:00:00Z: RFC 3339, whole seconds
    EXPECT_EQ(created.back(), 'Z');
    EXPECT_FALSE(v.contains("UsageData"));
    EXPECT_FALSE(v.contains("Status"));
}

TEST_F(VolumeRoutes, CreateOfAnExistingNameReturnsItAsItIs) {
    call_json("POST", "/volumes/create", R"({"Name":"dup","Labels":{"v":"1"}})", 201);
    const auto again = call_json("POST", "/volumes/create", R"({"Name":"dup","Labels":{"v":"2"}})", 201);
    EXPECT_EQ(again["Labels"]["v"], "1");
}

TEST_F(VolumeRoutes, CreateWithoutANameMakesAnAnonymousVolume) {
    const auto v = call_json("POST", "/volumes/create", "{}", 201);
    EXPECT_EQ(v["Name"].get<std::string>().size(), 64u);
    EXPECT_EQ(v["Labels"], (json{{"com.docker.volume.anonymous", ""}}));
    EXPECT_TRUE(v["Options"].is_null());
}

TEST_F(VolumeRoutes, CreateErrors) {
    auto bad_opt = call("POST", "/volumes/create", R"({"Name":"v1","DriverOpts":{"colour":"blue"}})");
    EXPECT_EQ(bad_opt.status, 400);
    EXPECT_EQ(json::parse(bad_opt.body)["message"], "create v1: invalid option: \"colour\"");
    auto bad_name = call("POST", "/volumes/create", R"({"Name":"x"})");
    EXPECT_EQ(bad_name.status, 400);
    auto plugin = call("POST", "/volumes/create", R"({"Name":"v2","Driver":"rexray"})");
    EXPECT_EQ(plugin.status, 404);
    EXPECT_EQ(json::parse(plugin.body)["message"],
              "create v2: error looking up volume plugin rexray: plugin \"rexray\" not found");
    EXPECT_EQ(call("POST", "/volumes/create", R"({"Name":"v3","Labels":{"n":1}})").status, 400);
    EXPECT_EQ(call("POST", "/volumes/create", "not json").status, 400);
    EXPECT_EQ(call_json("GET", "/volumes")["Volumes"].size(), 0u);
}

TEST_F(VolumeRoutes, InspectAndItsNotFound) {
    call_json("POST", "/volumes/create", R"({"Name":"insp"})", 201);
    const auto v = call_json("GET", "/v1.44/volumes/insp");
    EXPECT_EQ(v["Name"], "insp");
    EXPECT_TRUE(v["Labels"].is_null());
    const auto missing = call("GET", "/v1.44/volumes/nothere");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(json::parse(missing.body)["message"], "get nothere: no such volume");
}

TEST_F(VolumeRoutes, ListShapeAndFilters) {
    EXPECT_EQ(call("GET", "/volumes").body, R"({"Volumes":[],"Warnings":null})");
    svc.ensure("alpha", "local", volumes::StringMap{{"env", "prod"}, {"team", "a"}});
    svc.ensure("beta", "local", volumes::StringMap{{"env", "dev"}});
    svc.ensure("alphabet");
    svc.reference("beta", "container1");

    EXPECT_EQ(listed(), (std::vector<std::string>{"alpha", "alphabet", "beta"}));
    EXPECT_EQ(listed(R"({"name":{"alpha":true}})"), (std::vector<std::string>{"alpha", "alphabet"}));
    EXPECT_EQ(listed(R"({"name":{"^be":true}})"), (std::vector<std::string>{"beta"}));
    EXPECT_EQ(listed(R"({"label":{"env":true}})"), (std::vector<std::string>{"alpha", "beta"}));
    EXPECT_EQ(listed(R"({"label":{"env=prod":true,"team":true}})"), (std::vector<std::string>{"alpha"}));
    EXPECT_EQ(listed(R"({"dangling":{"true":true}})"), (std::vector<std::string>{"alpha", "alphabet"}));
    EXPECT_EQ(listed(R"({"dangling":{"false":true}})"), (std::vector<std::string>{"beta"}));
    EXPECT_EQ(listed(R"({"driver":{"local":true}})").size(), 3u);
    EXPECT_TRUE(listed(R"({"driver":{"nfs":true}})").empty());
    EXPECT_EQ(call("GET", R"(/volumes?filters={"dangling":{"maybe":true}})").status, 400);
    const auto unknown = call("GET", R"(/volumes?filters={"colour":{"red":true}})");
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(json::parse(unknown.body)["message"], "invalid filter 'colour'");
}

TEST_F(VolumeRoutes, DeleteInUseMissingAndForced) {
    svc.ensure("busy");
    svc.reference("busy", "abc123");
    const auto busy = call("DELETE", "/v1.44/volumes/busy");
    EXPECT_EQ(busy.status, 409);
    EXPECT_EQ(json::parse(busy.body)["message"], "remove busy: volume is in use - [abc123]");
    EXPECT_EQ(call("DELETE", "/v1.44/volumes/busy?force=1").status, 409);

    const auto missing = call("DELETE", "/v1.44/volumes/ghost");
    EXPECT_EQ(missing.status, 404);
    EXPECT_EQ(json::parse(missing.body)["message"], "get ghost: no such volume");
    EXPECT_EQ(call("DELETE", "/v1.44/volumes/ghost?force=true").status, 204);

    svc.dereference("busy", "abc123");
    const auto gone = call("DELETE", "/v1.44/volumes/busy");
    EXPECT_EQ(gone.status, 204);
    EXPECT_TRUE(gone.body.empty());
    EXPECT_FALSE(svc.find("busy"));
}

TEST_F(VolumeRoutes, PruneTakesOnlyUnusedAnonymousVolumesByDefault) {
    const auto anon = svc.ensure("");
    const auto anon_used = svc.ensure("");
    svc.reference(anon_used.name, "c1");
    svc.ensure("named");
    std::ofstream(anon.mountpoint / "blob") << std::string(300, 'z');

    const auto report = call_json("POST", "/v1.44/volumes/prune");
    EXPECT_EQ(report["VolumesDeleted"], (json{anon.name}));
    EXPECT_EQ(report["SpaceReclaimed"], 300);
    EXPECT_TRUE(svc.find("named"));
    EXPECT_TRUE(svc.find(anon_used.name));

    const auto nothing = call_json("POST", "/v1.44/volumes/prune");
    EXPECT_EQ(nothing["VolumesDeleted"], json::array());
    EXPECT_EQ(nothing["SpaceReclaimed"], 0);
}

TEST_F(VolumeRoutes, PruneAllAndOldApiVersionsTakeNamedVolumesToo) {
    svc.ensure("named1");
    svc.ensure("keep", "local", volumes::StringMap{{"keep", "yes"}});
    const auto all = call_json("POST", R"(/v1.44/volumes/prune?filters={"all":{"true":true},"label!":{"keep":true}})");
    EXPECT_EQ(all["VolumesDeleted"], (json{"named1"}));
    svc.ensure("named2");
    // Before API 1.42 prune meant every unused volume.
    const auto old = call_json("POST", R"(/v1.41/volumes/prune?filters={"label":{"keep=yes":true}})");
    EXPECT_EQ(old["VolumesDeleted"], (json{"keep"}));
    EXPECT_TRUE(svc.find("named2"));
    EXPECT_EQ(call("POST", R"(/v1.44/volumes/prune?filters={"all":{"perhaps":true}})").status, 400);
    EXPECT_EQ(call("POST", R"(/v1.44/volumes/prune?filters={"dangling":{"true":true}})").status, 400);
}

TEST_F(VolumeRoutes, UsageDataOnlyWhenAskedFor) {
    const auto v = svc.ensure("df");
    const auto plain = json::parse(api::volume_json(v));
    EXPECT_FALSE(plain.contains("UsageData"));
    const auto with = json::parse(api::volume_json(v, api::VolumeUsage{42, 2}));
    EXPECT_EQ(with["UsageData"], (json{{"RefCount", 2}, {"Size", 42}}));
}
