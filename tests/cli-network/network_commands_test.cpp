// The network commands against the fake engine: the requests they send and
// docker's output and exit statuses.
#include "commands/network_commands.h"

#include "engine_fixture.h"

using namespace berth::cli;
using nlohmann::json;

namespace {

const char* kNetworks = R"([
  {"Name":"none","Id":"3333333333333333333333333333333333333333333333333333333333333333","Driver":"null","Scope":"local"},
  {"Name":"bridge","Id":"1111111111111111111111111111111111111111111111111111111111111111","Driver":"bridge","Scope":"local"},
  {"Name":"host","Id":"2222222222222222222222222222222222222222222222222222222222222222","Driver":"host","Scope":"local"}
])";

class NetworkCommands : public EngineTest {};

}  // namespace

TEST_F(NetworkCommands, CreatePostsTheBodyAndPrintsTheId) {
    on("POST /networks/create", json_reply(R"({"Id":"abc123","Warning":""})", 201));
    NetworkCreateOptions o;
    o.name = "net1";
    o.subnets = {"10.5.0.0/24"};
    EXPECT_EQ(run([&] { return run_network_create(ctx_, o); }), 0);
    EXPECT_EQ(out_.str(), "abc123\n");
    const auto req = find("POST /networks/create");
    ASSERT_TRUE(req);
    EXPECT_EQ(req->target, "/v1.44/networks/create");
    const json body = json::parse(req->body);
    EXPECT_EQ(body["Name"], "net1");
    EXPECT_EQ(body["IPAM"]["Config"][0]["Subnet"], "10.5.0.0/24");
}

TEST_F(NetworkCommands, CreateReportsTheDaemonsRefusal) {
    on("POST /networks/create",
       json_reply(R"({"message":"invalid pool request: Pool overlaps with other one on this address space"})", 403));
    NetworkCreateOptions o;
    o.name = "net1";
    EXPECT_EQ(run([&] { return run_network_create(ctx_, o); }), 1);
    EXPECT_EQ(err_.str(),
              "Error response from daemon: invalid pool request: Pool overlaps with other one on this address space\n");
}

TEST_F(NetworkCommands, LsPrintsDockersTableSortedByName) {
    on("GET /networks", json_reply(kNetworks));
    EXPECT_EQ(run([&] { return run_network_ls(ctx_, {}); }), 0);
    EXPECT_EQ(out_.str(),
              "NETWORK ID     NAME      DRIVER    SCOPE\n"
              "111111111111   bridge    bridge    local\n"
              "222222222222   host      host      local\n"
              "333333333333   none      null      local\n");
}

TEST_F(NetworkCommands, LsQuietFiltersAndNoTrunc) {
    on("GET /networks", json_reply(kNetworks));
    NetworkLsOptions o;
    o.quiet = true;
    o.no_trunc = true;
    o.filters = {"driver=bridge"};
    EXPECT_EQ(run([&] { return run_network_ls(ctx_, o); }), 0);
    EXPECT_EQ(out_.str(),
              "1111111111111111111111111111111111111111111111111111111111111111\n"
              "2222222222222222222222222222222222222222222222222222222222222222\n"
              "3333333333333333333333333333333333333333333333333333333333333333\n");
    EXPECT_EQ(find("GET /networks")->query(), "filters=%7B%22driver%22%3A%7B%22bridge%22%3Atrue%7D%7D");
}

TEST_F(NetworkCommands, InspectPrintsAnIndentedArrayAndErrorsAfter) {
    on("GET /networks/net1", json_reply(R"({"Name":"net1","Id":"abc","Containers":{}})"));
    NetworkInspectOptions o;
    o.names = {"net1", "nope"};
    EXPECT_EQ(run([&] { return run_network_inspect(ctx_, o); }), 1);
    EXPECT_EQ(out_.str(), "[\n    {\n        \"Name\": \"net1\",\n        \"Id\": \"abc\",\n        \"Containers\": {}\n    }\n]\n");
    EXPECT_EQ(err_.str(), "Error response from daemon: page not found\n");
    out_.str("");
    o.names = {"net1"};
    o.format = "{{.Name}} {{.Id}}";
    EXPECT_EQ(run([&] { return run_network_inspect(ctx_, o); }), 0);
    EXPECT_EQ(out_.str(), "net1 abc\n");
}

TEST_F(NetworkCommands, RmPrintsEachNameAndFailsIfAnyFailed) {
    on("DELETE /networks/net1", no_content());
    on("DELETE /networks/bridge",
       json_reply(R"({"message":"bridge is a pre-defined network and cannot be removed"})", 403));
    NetworkRmOptions o;
    o.names = {"net1", "bridge", "ghost"};
    EXPECT_EQ(run([&] { return run_network_rm(ctx_, o); }), 1);
    EXPECT_EQ(out_.str(), "net1\n");
    EXPECT_EQ(err_.str(),
              "Error response from daemon: bridge is a pre-defined network and cannot be removed\n"
              "Error response from daemon: page not found\n");
    out_.str("");
    err_.str("");
    o.names = {"ghost"};
    o.force = true;
    EXPECT_EQ(run([&] { return run_network_rm(ctx_, o); }), 0);
    EXPECT_EQ(out_.str(), "");
    EXPECT_EQ(err_.str(), "");
}

TEST_F(NetworkCommands, PruneAsksFirst) {
    on("POST /networks/prune", json_reply(R"({"NetworksDeleted":["net1","net2"]})"));
    in_.str("n\n");
    EXPECT_EQ(run([&] { return run_network_prune(ctx_, {}); }), 1);
    EXPECT_EQ(out_.str(),
              "WARNING! This will remove all custom networks not used by at least one container.\n"
              "Are you sure you want to continue? [y/N] ");
    EXPECT_EQ(err_.str(), "network prune has been cancelled\n");
    EXPECT_FALSE(find("POST /networks/prune"));
    out_.str("");
    NetworkPruneOptions o;
    o.force = true;
    o.filters = {"until=1h"};
    EXPECT_EQ(run([&] { return run_network_prune(ctx_, o); }), 0);
    EXPECT_EQ(out_.str(), "Deleted Networks:\nnet1\nnet2\n\n");
    EXPECT_EQ(find("POST /networks/prune")->query(), "filters=%7B%22until%22%3A%7B%221h%22%3Atrue%7D%7D");
}

TEST_F(NetworkCommands, ConnectAndDisconnect) {
    on("POST /networks/net1/connect", no_content());
    on("POST /networks/net1/disconnect", no_content());
    NetworkConnectOptions c;
    c.network = "net1";
    c.container = "c1";
    c.ipv4 = "10.5.0.9";
    c.aliases = {"db"};
    EXPECT_EQ(run([&] { return run_network_connect(ctx_, c); }), 0);
    const json body = json::parse(find("POST /networks/net1/connect")->body);
    EXPECT_EQ(body["Container"], "c1");
    EXPECT_EQ(body["EndpointConfig"]["IPAMConfig"]["IPv4Address"], "10.5.0.9");
    EXPECT_EQ(body["EndpointConfig"]["Aliases"], json::array({"db"}));
    NetworkDisconnectOptions d;
    d.network = "net1";
    d.container = "c1";
    d.force = true;
    EXPECT_EQ(run([&] { return run_network_disconnect(ctx_, d); }), 0);
    EXPECT_EQ(find("POST /networks/net1/disconnect")->body, R"({"Container":"c1","Force":true})");
    EXPECT_EQ(out_.str(), "");
}
