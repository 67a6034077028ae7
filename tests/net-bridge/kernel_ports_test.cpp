// Published ports (DNAT + berth-proxy), hot-swap hand-over and adoption
// after a restart, against the real kernel inside test namespaces.
#include "kernel_fixture.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

namespace berth::test {

using nlohmann::json;

namespace {

// The process state letter of pid ('Z' zombie), or 0 when it does not exist.
char state_of(int pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    if (!std::getline(stat, line)) return 0;
    auto close = line.rfind(')');
    return close != std::string::npos && close + 2 < line.size() ? line[close + 2] : 0;
}

// Exited (a zombie waiting for whoever reaps orphans counts as exited).
bool gone(int pid) {
    for (int i = 0; i < 200; ++i) {
        char s = state_of(pid);
        if (s == 0 || s == 'Z' || s == 'X') return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    std::fprintf(stderr, "pid %d still running, state %c\n", pid, state_of(pid));
    return false;
}

} // namespace

TEST_F(NetBridgeKernel, PublishedPortReachesTheContainer) {
    ContainerNetns c;
    network_with_container(*inst_, nid1, eid1, "172.30.0.", "bt0", c);
    EchoServer server(c, 80, "web");
    ASSERT_EQ(inst_->program_external(nid1, eid1, tcp_port(80, 18080)), BERTH_OK) << inst_->message();
    EXPECT_EQ(exchange("127.0.0.1", 18080, "lo"), "web:lo");       // berth-proxy
    EXPECT_EQ(exchange("172.30.0.1", 18080, "gw"), "web:gw");      // DNAT (output)
    EXPECT_EQ(exchange_from(c, "172.30.0.1", 18080, "self"), "web:self");  // hairpin
    EXPECT_NE(nft_listing().find("tcp dport 18080 dnat to 172.30.0.2:80"), std::string::npos);

    // The two paths are independent: without the proxy, DNAT still serves
    // the gateway address and 127.0.0.1 stops answering.
    int pid = proxy_pid(*inst_, eid1);
    ASSERT_GT(pid, 0);
    kill(pid, SIGKILL);
    ASSERT_TRUE(gone(pid));
    EXPECT_EQ(exchange("127.0.0.1", 18080, "lo"), "");
    EXPECT_EQ(exchange("172.30.0.1", 18080, "gw"), "web:gw");

    // Programming again is idempotent and restarts the dead proxy.
    ASSERT_EQ(inst_->program_external(nid1, eid1, tcp_port(80, 18080)), BERTH_OK) << inst_->message();
    EXPECT_EQ(exchange("127.0.0.1", 18080, "lo"), "web:lo");
    int again = proxy_pid(*inst_, eid1);
    ASSERT_EQ(inst_->program_external(nid1, eid1, tcp_port(80, 18080)), BERTH_OK);
    EXPECT_EQ(proxy_pid(*inst_, eid1), again);  // a live proxy is kept

    ASSERT_EQ(inst_->revoke_external(nid1, eid1), BERTH_OK) << inst_->message();
    EXPECT_TRUE(gone(again));
    EXPECT_EQ(exchange("127.0.0.1", 18080, "lo"), "");
    EXPECT_EQ(exchange("172.30.0.1", 18080, "gw", 500), "");
    EXPECT_EQ(nft_listing().find("e-e1e1e1e1e1e1"), std::string::npos);
    EXPECT_EQ(inst_->revoke_external(nid1, eid1), BERTH_OK) << inst_->message();
}

TEST_F(NetBridgeKernel, UdpPortIsRelayed) {
    ContainerNetns c;
    network_with_container(*inst_, nid1, eid1, "172.30.0.", "bt0", c);
    std::string opts = R"({"v":1,"ports":[{"proto":"udp","container_port":53,"host_ip":"127.0.0.1","host_port":15353}]})";
    // A one-shot UDP echo in the container.
    int srv = -1;
    c.run([&] {
        srv = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(53);
        ASSERT_EQ(bind(srv, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
    });
    std::thread echo([srv] {
        char buf[64];
        sockaddr_in from{};
        socklen_t len = sizeof from;
        timeval tv{2, 0};
        setsockopt(srv, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ssize_t n = recvfrom(srv, buf, sizeof buf, 0, reinterpret_cast<sockaddr *>(&from), &len);
        if (n > 0) sendto(srv, buf, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr *>(&from), len);
    });
    ASSERT_EQ(inst_->program_external(nid1, eid1, opts), BERTH_OK) << inst_->message();
    int cl = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(15353);
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    timeval tv{2, 0};
    setsockopt(cl, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sendto(cl, "ping", 4, 0, reinterpret_cast<sockaddr *>(&to), sizeof to);
    char buf[64] = {};
    ssize_t n = recv(cl, buf, sizeof buf, 0);
    echo.join();
    close(cl);
    close(srv);
    EXPECT_EQ(std::string(buf, n > 0 ? static_cast<size_t>(n) : 0), "ping");
}

TEST_F(NetBridgeKernel, PortInUseIsAClearBusyError) {
    ContainerNetns c;
    network_with_container(*inst_, nid1, eid1, "172.30.0.", "bt0", c);
    int taken = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(18090);
    ASSERT_EQ(bind(taken, reinterpret_cast<sockaddr *>(&a), sizeof a), 0);
    ASSERT_EQ(listen(taken, 1), 0);
    EXPECT_EQ(inst_->program_external(nid1, eid1, tcp_port(80, 18090)), BERTH_E_BUSY);
    EXPECT_NE(inst_->message().find("0.0.0.0:18090"), std::string::npos) << inst_->message();
    EXPECT_EQ(nft_listing().find("e-e1e1e1e1e1e1"), std::string::npos);
    close(taken);
}

TEST_F(NetBridgeKernel, HostBindingAddressIsTheDefaultHostIp) {
    ContainerNetns c;
    ASSERT_EQ(inst_->create_network(nid1, network_config("172.30.0.0/24", "172.30.0.1", "bt0", false,
                                                         R"({"com.docker.network.bridge.host_binding_ipv4":"127.0.0.1"})")),
              BERTH_OK)
        << inst_->message();
    ASSERT_EQ(inst_->create_endpoint(nid1, eid1, iface("172.30.0.2/24")), BERTH_OK);
    ASSERT_EQ(inst_->join(nid1, eid1, c.path()), BERTH_OK) << inst_->message();
    EchoServer server(c, 80, "web");
    ASSERT_EQ(inst_->program_external(nid1, eid1, tcp_port(80, 18080, "")), BERTH_OK)
        << inst_->message();
    EXPECT_EQ(exchange("127.0.0.1", 18080, "lo"), "web:lo");
    EXPECT_EQ(exchange("172.30.0.1", 18080, "gw", 500), "");  // not bound there
    ASSERT_EQ(inst_->endpoint_info(nid1, eid1), BERTH_OK);
    EXPECT_EQ(json::parse(inst_->out())["ports"][0]["host_ip"], "127.0.0.1");
}

TEST_F(NetBridgeKernel, MacFromTheCoreIsUsed) {
    ContainerNetns c;
    ASSERT_EQ(inst_->create_network(nid1, network_config("172.30.0.0/24", "172.30.0.1", "bt0")),
              BERTH_OK);
    ASSERT_EQ(inst_->create_endpoint(nid1, eid1,
                                     R"({"v":1,"address":"172.30.0.9/24","mac":"02:42:AA:BB:CC:DD"})"),
              BERTH_OK)
        << inst_->message();
    EXPECT_EQ(json::parse(inst_->out())["mac"], "02:42:aa:bb:cc:dd");
    ASSERT_EQ(inst_->join(nid1, eid1, c.path(), R"({"v":1,"ifname_prefix":"net","mtu":1300})"),
              BERTH_OK)
        << inst_->message();
    EXPECT_EQ(json::parse(inst_->out())["ifname"], "net0");
    std::string link = c.sh("ip link show net0");
    EXPECT_NE(link.find("02:42:aa:bb:cc:dd"), std::string::npos) << link;
    EXPECT_NE(link.find("mtu 1300"), std::string::npos) << link;
    EXPECT_EQ(inst_->create_endpoint(nid1, eid2, iface("172.31.0.9/24")), BERTH_E_INVAL);
    EXPECT_NE(inst_->message().find("outside the subnet"), std::string::npos);
    EXPECT_EQ(inst_->create_endpoint(nid2, eid2, iface("172.30.0.3/24")), BERTH_E_NOTFOUND);
    EXPECT_EQ(inst_->join(nid1, eid1, "/proc/1/ns/nope"), BERTH_E_NOTFOUND);
}

TEST_F(NetBridgeKernel, QuiesceRefusesChangesUntilResume) {
    ASSERT_EQ(inst_->quiesce(), BERTH_OK);
    EXPECT_EQ(inst_->create_network(nid1, network_config("172.30.0.0/24", "172.30.0.1", "bt0")),
              BERTH_E_AGAIN);
    EXPECT_EQ(sh("ip link show bt0").find("mtu"), std::string::npos);
    ASSERT_EQ(inst_->resume(), BERTH_OK);
    EXPECT_EQ(inst_->create_network(nid1, network_config("172.30.0.0/24", "172.30.0.1", "bt0")),
              BERTH_OK)
        << inst_->message();
}

TEST_F(NetBridgeKernel, HotSwapHandsOverAndKeepsTraffic) {
    ContainerNetns c;
    network_with_container(*inst_, nid1, eid1, "172.30.0.", "bt0", c);
    EchoServer server(c, 80, "web");
    ASSERT_EQ(inst_->program_external(nid1, eid1, tcp_port(80, 18080)), BERTH_OK) << inst_->message();
    int pid = proxy_pid(*inst_, eid1);
    std::string ifindex = sh("ip -o link show bt0").substr(0, 4);

    ASSERT_EQ(inst_->quiesce(), BERTH_OK);
    ASSERT_EQ(inst_->export_state(), BERTH_OK) << inst_->message();
    std::string state = inst_->out();
    auto next = new_instance();
    ASSERT_EQ(next->import_state(state), BERTH_OK) << next->message();
    inst_->fini();

    EXPECT_EQ(exchange("127.0.0.1", 18080, "lo"), "web:lo");
    EXPECT_EQ(exchange("172.30.0.1", 18080, "gw"), "web:gw");
    EXPECT_EQ(proxy_pid(*next, eid1), pid);
    EXPECT_EQ(sh("ip -o link show bt0").substr(0, 4), ifindex);  // not re-created
    EXPECT_EQ(next->import_state(R"({"schema":"net-bridge/0"})"), BERTH_E_INVAL);

    // The new generation owns everything: it can revoke and tear down.
    ASSERT_EQ(next->revoke_external(nid1, eid1), BERTH_OK) << next->message();
    EXPECT_TRUE(gone(pid));
    ASSERT_EQ(next->delete_endpoint(nid1, eid1), BERTH_OK) << next->message();
    ASSERT_EQ(next->delete_network(nid1), BERTH_OK) << next->message();
}

TEST_F(NetBridgeKernel, NewGenerationLeavesAdoptionToTheHandOver) {
    ContainerNetns c;
    network_with_container(*inst_, nid1, eid1, "172.30.0.", "bt0", c);
    EchoServer server(c, 80, "web");
    ASSERT_EQ(inst_->program_external(nid1, eid1, tcp_port(80, 18080)), BERTH_OK) << inst_->message();
    int pid = proxy_pid(*inst_, eid1);
    kill(pid, SIGKILL);
    ASSERT_TRUE(gone(pid));
    // A second instance while the first is alive is a hot swap in progress:
    // it must not act on the state file (the first may be mid-change).
    auto next = new_instance();
    EXPECT_EQ(exchange("127.0.0.1", 18080, "lo", 500), "");
    next.reset();
    inst_.reset();
    inst_ = new_instance();  // a plain restart adopts, restarting the proxy
    EXPECT_EQ(exchange("127.0.0.1", 18080, "lo"), "web:lo");
    EXPECT_NE(proxy_pid(*inst_, eid1), pid);
}

TEST_F(NetBridgeKernel, RestartAdoptsTheStateFile) {
    ContainerNetns c;
    network_with_container(*inst_, nid1, eid1, "172.30.0.", "bt0", c);
    EchoServer server(c, 80, "web");
    ASSERT_EQ(inst_->program_external(nid1, eid1, tcp_port(80, 18080)), BERTH_OK) << inst_->message();
    int pid = proxy_pid(*inst_, eid1);
    std::string ifindex = sh("ip -o link show bt0").substr(0, 4);
    std::string rules = nft_listing();
    inst_.reset();  // berthd stops: nothing is torn down

    EXPECT_EQ(exchange("127.0.0.1", 18080, "down"), "web:down");
    inst_ = new_instance();  // berthd starts again
    EXPECT_EQ(proxy_pid(*inst_, eid1), pid);
    EXPECT_EQ(sh("ip -o link show bt0").substr(0, 4), ifindex);
    EXPECT_EQ(nft_listing(), rules);
    EXPECT_EQ(exchange("172.30.0.1", 18080, "gw"), "web:gw");
    ASSERT_EQ(inst_->endpoint_info(nid1, eid1), BERTH_OK) << inst_->message();
    EXPECT_EQ(json::parse(inst_->out())["ifname"], "eth0");

    ASSERT_EQ(inst_->delete_endpoint(nid1, eid1), BERTH_OK) << inst_->message();
    EXPECT_TRUE(gone(pid));
    ASSERT_EQ(inst_->delete_network(nid1), BERTH_OK) << inst_->message();
}

TEST_F(NetBridgeKernel, RestartRecreatesWhatWasLost) {
    ASSERT_EQ(inst_->create_network(nid1, network_config("172.30.0.0/24", "172.30.0.1", "bt0")),
              BERTH_OK);
    inst_.reset();
    sh("ip link del bt0; nft delete table ip bt-" + std::to_string(getpid()));
    inst_ = new_instance();
    EXPECT_NE(sh("ip -o -4 addr show dev bt0").find("172.30.0.1/24"), std::string::npos);
    EXPECT_NE(nft_listing().find("n-aaaaaaaaaaaa-fwd"), std::string::npos);
}

} // namespace berth::test
