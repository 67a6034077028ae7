// Published/exposed ports from the create request, and host port choice.
#include "network/errors.h"
#include "network/port_plan.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <set>

using namespace berth::network;

TEST(PortPlan, ParsesBindingsAndExposedPorts) {
    const auto plan = parse_port_plan(
        R"({"80/tcp":[{"HostIp":"","HostPort":"8080"},{"HostIp":"127.0.0.1","HostPort":""}],"53/udp":[{"HostIp":"0.0.0.0","HostPort":"5300-5310"}]})",
        R"({"80/tcp":{},"53/udp":{},"9000/tcp":{}})", false);
    ASSERT_EQ(plan.publish.size(), 3u);
    // nlohmann orders keys: 53/udp first.
    EXPECT_EQ(plan.publish[0].proto, "udp");
    EXPECT_EQ(plan.publish[0].host_port_first, 5300);
    EXPECT_EQ(plan.publish[0].host_port_last, 5310);
    EXPECT_EQ(plan.publish[0].host_ip, ""); // 0.0.0.0 means every address
    EXPECT_EQ(plan.publish[1].container_port, 80);
    EXPECT_EQ(plan.publish[1].host_port_first, 8080);
    EXPECT_EQ(plan.publish[2].host_ip, "127.0.0.1");
    EXPECT_EQ(plan.publish[2].host_port_first, 0);
    EXPECT_EQ(plan.exposed.size(), 3u);
}

TEST(PortPlan, PublishAllAddsEveryUnpublishedExposedPort) {
    const auto plan = parse_port_plan(R"({"80/tcp":[{"HostPort":"8080"}]})", R"({"80/tcp":{},"443/tcp":{},"53/udp":{}})", true);
    ASSERT_EQ(plan.publish.size(), 3u);
    std::set<std::string> ephemeral;
    for (const auto &p : plan.publish)
        if (p.host_port_first == 0) ephemeral.insert(port_key(p.proto, p.container_port));
    EXPECT_EQ(ephemeral, (std::set<std::string>{"443/tcp", "53/udp"}));
}

TEST(PortPlan, EmptyAndNullInputs) {
    EXPECT_TRUE(parse_port_plan("", "", true).publish.empty());
    EXPECT_TRUE(parse_port_plan("null", "null", false).exposed.empty());
    EXPECT_TRUE(parse_port_plan("{}", "{}", false).publish.empty());
    EXPECT_EQ(parse_port_plan(R"({"80/tcp":null})", "{}", false).exposed.size(), 1u);
}

TEST(PortPlan, RefusesBadSpecifications) {
    EXPECT_THROW(parse_port_plan(R"({"http/tcp":[]})", "", false), InvalidArgument);
    EXPECT_THROW(parse_port_plan(R"({"80/xyz":[]})", "", false), InvalidArgument);
    EXPECT_THROW(parse_port_plan(R"({"70000/tcp":[]})", "", false), InvalidArgument);
    EXPECT_THROW(parse_port_plan(R"({"80/tcp":[{"HostIp":"nope","HostPort":"1"}]})", "", false), InvalidArgument);
    EXPECT_THROW(parse_port_plan(R"({"80/tcp":[{"HostPort":"9-1"}]})", "", false), InvalidArgument);
    EXPECT_THROW(parse_port_plan(R"({"80/tcp":[{"HostPort":"abc"}]})", "", false), InvalidArgument);
    EXPECT_THROW(parse_port_plan("[1]", "", false), InvalidArgument);
    try {
        parse_port_plan(R"({"80/xyz":[]})", "", false);
    } catch (const InvalidArgument &e) {
        EXPECT_STREQ(e.what(), "invalid proto: xyz");
    }
}

TEST(PortAllocator, ExplicitPortsClashOnlyWithOverlappingHeldOnes) {
    PortAllocator a({50000, 50010}, nullptr);
    const std::vector<PortBinding> held{{"tcp", 80, "", 8080}, {"tcp", 80, "127.0.0.1", 9090}};
    try {
        a.choose({{"tcp", 80, "", 8080, 8080}}, held);
        FAIL() << "no conflict";
    } catch (const Conflict &e) {
        EXPECT_STREQ(e.what(), "Bind for 0.0.0.0:8080 failed: port is already allocated");
    }
    EXPECT_THROW(a.choose({{"tcp", 80, "127.0.0.1", 8080, 8080}}, held), Conflict); // 0.0.0.0 covers it
    EXPECT_THROW(a.choose({{"tcp", 80, "", 9090, 9090}}, held), Conflict);
    EXPECT_EQ(a.choose({{"udp", 80, "", 8080, 8080}}, held)[0].host_port, 8080); // other proto
    EXPECT_EQ(a.choose({{"tcp", 80, "10.0.0.1", 9090, 9090}}, held)[0].host_port, 9090); // other address
    EXPECT_EQ(a.choose({{"tcp", 80, "", 8080, 8082}}, held)[0].host_port, 8081);         // a range
    // Two requests of one container do not collide with each other either.
    EXPECT_THROW(a.choose({{"tcp", 80, "", 7000, 7000}, {"tcp", 81, "", 7000, 7000}}, {}), Conflict);
}

TEST(PortAllocator, EphemeralPortsAreSequentialSkipBusyOnesAndWrap) {
    std::set<uint16_t> busy_outside{50002};
    PortAllocator a({50000, 50003}, [&](const std::string &, const std::string &, uint16_t p) {
        return busy_outside.count(p) == 0;
    });
    std::vector<PortBinding> held{{"tcp", 1, "", 50000}};
    auto next = [&] {
        const auto b = a.choose({{"tcp", 80, "", 0, 0}}, held)[0];
        held.push_back(b);
        return b.host_port;
    };
    EXPECT_EQ(next(), 50001);
    EXPECT_EQ(next(), 50003); // 50002 is busy on the host
    held.erase(held.begin()); // 50000 released
    EXPECT_EQ(next(), 50000); // wrapped
    try {
        next();
        FAIL() << "range not exhausted";
    } catch (const Forbidden &e) {
        EXPECT_STREQ(e.what(), "no available host port for 80/tcp in 50000-50003");
    }
}

TEST(PortAllocator, RealProbeSeesABoundPort) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    socklen_t len = sizeof sa;
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr *>(&sa), &len), 0);
    const uint16_t port = ntohs(sa.sin_port);
    EXPECT_FALSE(host_port_free("tcp", "127.0.0.1", port));
    EXPECT_FALSE(host_port_free("tcp", "", port)); // 0.0.0.0 overlaps it
    ::close(fd);
    EXPECT_TRUE(host_port_free("tcp", "127.0.0.1", port));
    const auto range = ephemeral_port_range();
    EXPECT_LE(range.first, range.second);
    EXPECT_GT(range.first, 1023);
}
