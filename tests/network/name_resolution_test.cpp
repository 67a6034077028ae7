// The embedded DNS's NameResolver rules: user-defined networks only, by
// name, alias, id prefix (12+), case-insensitive, "name.network".
#include "network/name_resolution.h"

#include <gtest/gtest.h>

using namespace berth::network;

namespace {

Network net(const std::string &id, const std::string &name, const std::string &driver = "bridge") {
    Network n;
    n.id = id;
    n.name = name;
    n.driver = driver;
    return n;
}

Endpoint ep(const std::string &nid, const std::string &cid, const std::string &name, const std::string &ip,
            std::vector<std::string> aliases = {}) {
    Endpoint e;
    e.id = "ep-" + cid + "-" + nid;
    e.network_id = nid;
    e.container_id = cid;
    e.container_name = name;
    e.ipv4_address = ip;
    e.aliases = std::move(aliases);
    return e;
}

class Resolver : public ::testing::Test {
protected:
    std::vector<std::string> resolve(const std::string &sandbox, const std::string &name) {
        return resolve_container_name(networks, endpoints, sandbox, name);
    }
    const std::string web_id = "aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111";
    const std::string db_id = "bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222";
    const std::string lone_id = "cccccccccccc3333333333333333333333333333333333333333333333333333";
    std::vector<Network> networks{net("n1", "bridge"), net("n2", "AppNet"), net("n3", "other"), net("h", "host", "host")};
    std::vector<Endpoint> endpoints{
        ep("n1", web_id, "web", "172.17.0.2"),          ep("n1", db_id, "db", "172.17.0.3"),
        ep("n2", web_id, "web", "172.18.0.2"),          ep("n2", db_id, "db", "172.18.0.3", {"Database", "pg"}),
        ep("n3", lone_id, "lone", "172.19.0.2"),        ep("n3", db_id, "db", "172.19.0.3"),
    };
};

} // namespace

TEST_F(Resolver, ByNameOnSharedUserDefinedNetworks) {
    EXPECT_EQ(resolve(web_id, "db"), (std::vector<std::string>{"172.18.0.3"}));
    EXPECT_EQ(resolve(web_id, "DB."), (std::vector<std::string>{"172.18.0.3"}));
    EXPECT_EQ(resolve(web_id, "web"), (std::vector<std::string>{"172.18.0.2"}));
    // db is on two user networks; from lone's only network it is 172.19.0.3.
    EXPECT_EQ(resolve(lone_id, "db"), (std::vector<std::string>{"172.19.0.3"}));
    EXPECT_TRUE(resolve(lone_id, "web").empty()); // no shared user-defined network
}

TEST_F(Resolver, ByAliasAndIdPrefix) {
    EXPECT_EQ(resolve(web_id, "database"), (std::vector<std::string>{"172.18.0.3"}));
    EXPECT_EQ(resolve(web_id, "PG"), (std::vector<std::string>{"172.18.0.3"}));
    EXPECT_EQ(resolve(web_id, db_id.substr(0, 12)), (std::vector<std::string>{"172.18.0.3"}));
    EXPECT_EQ(resolve(web_id, db_id), (std::vector<std::string>{"172.18.0.3"}));
    EXPECT_TRUE(resolve(web_id, db_id.substr(0, 11)).empty());
}

TEST_F(Resolver, QualifiedByNetworkName) {
    EXPECT_EQ(resolve(web_id, "db.appnet"), (std::vector<std::string>{"172.18.0.3"}));
    EXPECT_EQ(resolve(web_id, "pg.AppNet."), (std::vector<std::string>{"172.18.0.3"}));
    EXPECT_TRUE(resolve(web_id, "db.other").empty()); // web is not on "other"
}

TEST_F(Resolver, DefaultBridgeAndUnknownNamesResolveNothing) {
    std::vector<Endpoint> only_bridge{ep("n1", web_id, "web", "172.17.0.2"), ep("n1", db_id, "db", "172.17.0.3")};
    EXPECT_TRUE(resolve_container_name(networks, only_bridge, web_id, "db").empty());
    EXPECT_TRUE(resolve(web_id, "example.com").empty());
    EXPECT_TRUE(resolve("unknown-sandbox", "db").empty());
    EXPECT_TRUE(resolve(web_id, "").empty());
}

TEST_F(Resolver, SeveralContainersWithOneAliasAllAnswer) {
    endpoints.push_back(ep("n2", lone_id, "lone", "172.18.0.4", {"pg"}));
    EXPECT_EQ(resolve(web_id, "pg"), (std::vector<std::string>{"172.18.0.3", "172.18.0.4"}));
}
