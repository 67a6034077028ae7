// The /networks endpoints through Router::dispatch, as the docker CLI calls
// them: bodies, filters, statuses and Docker's error texts.
#include "api/network_routes.h"

#include "network/container_hooks.h"
#include "network/errors.h"
#include "network/network_service.h"
#include "test_support.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

using namespace berth;
using nlohmann::json;

namespace {

class Routes : public ::testing::Test {
protected:
    Routes() : svc(test_config(dir.path()), lookup_for(driver)) { api::add_network_routes(router, svc, hooks); }

    api::Response call(const std::string &method, const std::string &target, std::string body = "") {
        api::Request r;
        r.method = method;
        r.target = target;
        r.body = std::move(body);
        return router.dispatch(r);
    }
    json call_json(const std::string &method, const std::string &target, std::string body = "", int want = 200) {
        const auto res = call(method, target, std::move(body));
        EXPECT_EQ(res.status, want) << method << " " << target << ": " << res.body;
        return res.body.empty() ? json() : json::parse(res.body);
    }
    std::vector<std::string> names(const std::string &filters = "") {
        std::string target = "/v1.43/networks";
        if (!filters.empty()) target += "?filters=" + filters;
        std::vector<std::string> out;
        const auto reply = call_json("GET", target);
        for (const auto &n : reply) out.push_back(n["Name"]);
        return out;
    }
    std::string create(const std::string &body) {
        return call_json("POST", "/v1.43/networks/create", body, 201)["Id"];
    }

    TestDir dir;
    std::shared_ptr<FakeDriver> driver = std::make_shared<FakeDriver>();
    network::NetworkService svc;
    network::ContainerHooks hooks;
    api::Router router;
};

} // namespace

TEST_F(Routes, CreateAnswers201AndInspectShowsDockersShape) {
    const auto reply = call_json("POST", "/v1.43/networks/create",
                                 R"({"Name":"web","Driver":"bridge","CheckDuplicate":true,"Internal":true,
                                     "IPAM":{"Driver":"default","Config":[{"Subnet":"172.25.0.0/16","Gateway":"172.25.0.1","IPRange":"172.25.1.0/24"}]},
                                     "Options":{"com.docker.network.bridge.name":"br-web"},"Labels":{"tier":"front"}})",
                                 201);
    EXPECT_EQ(reply["Warning"], "");
    const std::string id = reply["Id"];
    EXPECT_EQ(id.size(), 64u);
    const auto n = call_json("GET", "/v1.43/networks/web");
    EXPECT_EQ(n["Name"], "web");
    EXPECT_EQ(n["Id"], id);
    EXPECT_EQ(n["Scope"], "local");
    EXPECT_EQ(n["Driver"], "bridge");
    EXPECT_EQ(n["EnableIPv6"], false);
    EXPECT_EQ(n["Internal"], true);
    EXPECT_EQ(n["Attachable"], false);
    EXPECT_EQ(n["Ingress"], false);
    EXPECT_EQ(n["ConfigOnly"], false);
    EXPECT_EQ(n["ConfigFrom"], json::parse(R"({"Network":""})"));
    EXPECT_EQ(n["IPAM"], json::parse(R"({"Driver":"default","Options":null,
        "Config":[{"Subnet":"172.25.0.0/16","IPRange":"172.25.1.0/24","Gateway":"172.25.0.1"}]})"));
    EXPECT_EQ(n["Options"], json::parse(R"({"com.docker.network.bridge.name":"br-web"})"));
    EXPECT_EQ(n["Labels"], json::parse(R"({"tier":"front"})"));
    EXPECT_EQ(n["Containers"], json::object());
    EXPECT_TRUE(n["Created"].get<std::string>().find('T') != std::string::npos);
    EXPECT_EQ(call_json("GET", "/v1.43/networks/" + id.substr(0, 12))["Name"], "web");
}

TEST_F(Routes, InspectListsAttachedContainers) {
    const auto id = create(R"({"Name":"web"})");
    network::NetworkService::EndpointRequest r;
    r.container_id = std::string(64, 'c');
    r.container_name = "app";
    const auto e = svc.add_endpoint(id, r);
    const auto n = call_json("GET", "/v1.43/networks/web");
    EXPECT_EQ(n["Containers"][std::string(64, 'c')],
              json({{"Name", "app"}, {"EndpointID", e.id}, {"MacAddress", e.mac_address},
                    {"IPv4Address", e.ipv4_address + "/16"}, {"IPv6Address", ""}}));
}

TEST_F(Routes, ErrorsCarryDockersStatusesAndTexts) {
    create(R"({"Name":"web","IPAM":{"Config":[{"Subnet":"172.25.0.0/16"}]}})");
    auto res = call("POST", "/v1.43/networks/create", R"({"Name":"web"})");
    EXPECT_EQ(res.status, 409);
    EXPECT_EQ(json::parse(res.body)["message"], "network with name web already exists");
    res = call("POST", "/v1.43/networks/create", R"({"Name":"x","Driver":"weave"})");
    EXPECT_EQ(res.status, 404);
    EXPECT_EQ(json::parse(res.body)["message"], "plugin \"weave\" not found");
    res = call("POST", "/v1.43/networks/create", R"({"Name":"y","IPAM":{"Config":[{"Subnet":"172.25.3.0/24"}]}})");
    EXPECT_EQ(res.status, 403);
    EXPECT_EQ(json::parse(res.body)["message"], "Pool overlaps with other one on this address space");
    EXPECT_EQ(call("POST", "/v1.43/networks/create", R"({"Name":"z","IPAM":{"Config":[{"Subnet":"bad"}]}})").status, 400);
    EXPECT_EQ(call("POST", "/v1.43/networks/create", R"({"Name":"z","Labels":[1]})").status, 400);
    EXPECT_EQ(call("POST", "/v1.43/networks/create", "{nope").status, 400);
    EXPECT_EQ(call("POST", "/v1.43/networks/create", "{}").status, 400);
    res = call("GET", "/v1.43/networks/nope");
    EXPECT_EQ(res.status, 404);
    EXPECT_EQ(json::parse(res.body)["message"], "network nope not found");
    res = call("DELETE", "/v1.43/networks/bridge");
    EXPECT_EQ(res.status, 403);
    EXPECT_EQ(json::parse(res.body)["message"], "bridge is a pre-defined network and cannot be removed");
    EXPECT_EQ(call("DELETE", "/v1.43/networks/nope").status, 404);
}

TEST_F(Routes, DeleteAnswers204AndRefusesNetworksInUse) {
    const auto id = create(R"({"Name":"web"})");
    network::NetworkService::EndpointRequest r;
    r.container_id = "c1";
    r.container_name = "app";
    const auto e = svc.add_endpoint(id, r);
    auto res = call("DELETE", "/v1.43/networks/web");
    EXPECT_EQ(res.status, 403);
    EXPECT_EQ(json::parse(res.body)["message"],
              "error while removing network: network web id " + id + " has active endpoints");
    svc.remove_endpoint(e.id);
    EXPECT_EQ(call("DELETE", "/v1.43/networks/web").status, 204);
    EXPECT_EQ(call("GET", "/v1.43/networks/web").status, 404);
}

TEST_F(Routes, ListAlwaysHasThePredefinedNetworksAndFilters) {
    EXPECT_EQ(names(), (std::vector<std::string>{"bridge", "host", "none"}));
    const auto web = create(R"({"Name":"web","Labels":{"tier":"front","env":"prod"}})");
    create(R"({"Name":"db","Labels":{"tier":"back"}})");
    network::NetworkService::EndpointRequest r;
    r.container_id = "c1";
    r.container_name = "app";
    svc.add_endpoint(web, r);
    EXPECT_EQ(names(R"({"type":{"custom":true}})"), (std::vector<std::string>{"db", "web"}));
    EXPECT_EQ(names(R"({"type":{"builtin":true}})"), (std::vector<std::string>{"bridge", "host", "none"}));
    EXPECT_EQ(names(R"({"driver":{"null":true}})"), (std::vector<std::string>{"none"}));
    EXPECT_EQ(names(R"({"name":{"we":true}})"), (std::vector<std::string>{"web"}));
    EXPECT_EQ(names(R"({"id":{")" + web.substr(0, 10) + R"(":true}})"), (std::vector<std::string>{"web"}));
    EXPECT_EQ(names(R"({"label":{"tier":true}})"), (std::vector<std::string>{"db", "web"}));
    EXPECT_EQ(names(R"({"label":{"tier=back":true}})"), (std::vector<std::string>{"db"}));
    EXPECT_EQ(names(R"({"scope":{"local":true}})").size(), 5u);
    EXPECT_EQ(names(R"({"scope":{"swarm":true}})").size(), 0u);
    EXPECT_EQ(names(R"({"dangling":{"true":true}})"), (std::vector<std::string>{"db"}));
    EXPECT_EQ(names(R"({"dangling":{"false":true}})"), (std::vector<std::string>{"bridge", "host", "none", "web"}));
    EXPECT_EQ(call("GET", R"(/v1.43/networks?filters={"type":{"weird":true}})").status, 400);
    EXPECT_EQ(call("GET", R"(/v1.43/networks?filters={"color":{"red":true}})").status, 400);
}

TEST_F(Routes, PruneRemovesUnusedCustomNetworks) {
    const auto used = create(R"({"Name":"used"})");
    create(R"({"Name":"idle","Labels":{"keep":"no"}})");
    create(R"({"Name":"kept","Labels":{"keep":"yes"}})");
    network::NetworkService::EndpointRequest r;
    r.container_id = "c1";
    r.container_name = "app";
    svc.add_endpoint(used, r);
    auto reply = call_json("POST", R"(/v1.43/networks/prune?filters={"label!":{"keep=yes":true}})");
    EXPECT_EQ(reply["NetworksDeleted"], json::parse(R"(["idle"])"));
    reply = call_json("POST", R"(/v1.43/networks/prune?filters={"until":{"24h":true}})");
    EXPECT_EQ(reply["NetworksDeleted"], json::array()); // all created just now
    reply = call_json("POST", "/v1.43/networks/prune");
    EXPECT_EQ(reply["NetworksDeleted"], json::parse(R"(["kept"])"));
    EXPECT_EQ(names(), (std::vector<std::string>{"bridge", "host", "none", "used"}));
    EXPECT_EQ(call("POST", R"(/v1.43/networks/prune?filters={"until":{"yesterday":true}})").status, 400);
}

TEST_F(Routes, ConnectAndDisconnectGoThroughTheContainerHooks) {
    create(R"({"Name":"web"})");
    auto res = call("POST", "/v1.43/networks/web/connect", R"({"Container":"app"})");
    EXPECT_EQ(res.status, 404);
    EXPECT_EQ(json::parse(res.body)["message"], "No such container: app");
    EXPECT_EQ(call("POST", "/v1.43/networks/web/disconnect", R"({"Container":"app"})").status, 404);
    std::string seen;
    hooks.connect = [&](const std::string &n, const std::string &c, const std::string &cfg) {
        seen = n + "|" + c + "|" + cfg;
    };
    hooks.disconnect = [&](const std::string &n, const std::string &c, bool force) {
        seen = n + "|" + c + "|" + (force ? "force" : "");
    };
    EXPECT_EQ(call("POST", "/v1.43/networks/web/connect",
                   R"({"Container":"app","EndpointConfig":{"Aliases":["a"]}})")
                  .status,
              200);
    EXPECT_EQ(seen, R"(web|app|{"Aliases":["a"]})");
    EXPECT_EQ(call("POST", "/v1.43/networks/web/disconnect", R"({"Container":"app","Force":true})").status, 200);
    EXPECT_EQ(seen, "web|app|force");
    EXPECT_EQ(call("POST", "/v1.43/networks/web/connect", R"({})").status, 400);
    hooks.connect = [](const std::string &, const std::string &, const std::string &) {
        throw network::Forbidden("endpoint with name app already exists in network web");
    };
    EXPECT_EQ(call("POST", "/v1.43/networks/web/connect", R"({"Container":"app"})").status, 403);
}
