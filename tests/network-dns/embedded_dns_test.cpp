// The embedded DNS serving 127.0.0.1:<ephemeral> in the test's own
// namespace (no root): local answers, forwarding to a fake upstream,
// failures, TCP, malformed input, and sandbox removal.
#include "dns_test_client.h"
#include "fake_upstream.h"
#include "network/dns/embedded_dns.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace berth::network::dns {
namespace {

using namespace std::chrono_literals;
using testing::Bytes;
using testing::FakeUpstream;
using testing::make_query;
using testing::read_reply;
using testing::tcp_exchange;
using testing::udp_exchange;

constexpr std::uint16_t kA = 1;
constexpr std::uint16_t kAAAA = 28;
constexpr std::uint8_t kServFail = 2;
constexpr std::uint8_t kNxDomain = 3;
const std::string kLoopback = "127.0.0.1";

class EmbeddedDnsTest : public ::testing::Test {
protected:
    struct Lookup {
        std::string sandbox;
        std::string name;
    };

    NameResolver resolver() {
        return [this](const std::string &sandbox, const std::string &name) {
            std::lock_guard lock(mutex_);
            lookups_.push_back({sandbox, name});
            if (name == "explodes") throw std::runtime_error("resolver broke");
            const auto found = names_.find(name);
            return found == names_.end() ? std::vector<std::string>{} : found->second;
        };
    }

    std::vector<Lookup> lookups() {
        std::lock_guard lock(mutex_);
        return lookups_;
    }

    static EmbeddedDnsOptions on_loopback(std::chrono::milliseconds timeout = 400ms) {
        return EmbeddedDnsOptions{kLoopback, 0, timeout};
    }

    // Serves `sandbox` in this namespace and returns its ports.
    static ListeningPorts serve(EmbeddedDns &dns, const std::string &sandbox = "sandbox-1") {
        dns.add_sandbox(sandbox, "");
        const auto ports = dns.listening_ports(sandbox);
        EXPECT_TRUE(ports);
        return ports.value_or(ListeningPorts{});
    }

    std::mutex mutex_;
    std::vector<Lookup> lookups_;
    std::map<std::string, std::vector<std::string>> names_{
        {"web", {"10.89.0.2"}}, {"web.mynet", {"10.89.0.2"}}, {"db", {"10.89.0.3"}}};
};

TEST_F(EmbeddedDnsTest, AnswersAKnownNameForTheAskingSandbox) {
    EmbeddedDns dns(resolver(), {}, on_loopback());
    const ListeningPorts ports = serve(dns, "ctr-abc");
    const auto wire = udp_exchange(kLoopback, ports.udp, make_query("web", kA, 0x4d2));
    ASSERT_TRUE(wire) << "no reply";
    const auto reply = read_reply(*wire);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->id, 0x4d2);
    EXPECT_EQ(reply->rcode, 0);
    EXPECT_TRUE(reply->authoritative);
    ASSERT_EQ(reply->answers.size(), 1u);
    EXPECT_EQ(reply->answers[0].type, kA);
    EXPECT_EQ(reply->answers[0].data, "10.89.0.2");
    EXPECT_EQ(reply->answers[0].ttl, 600u);
    ASSERT_EQ(lookups().size(), 1u);
    EXPECT_EQ(lookups()[0].sandbox, "ctr-abc");
    EXPECT_EQ(lookups()[0].name, "web");
}

TEST_F(EmbeddedDnsTest, MatchesNamesCaseInsensitivelyAndKeepsTheClientsSpelling) {
    EmbeddedDns dns(resolver(), {}, on_loopback());
    const ListeningPorts ports = serve(dns);
    const auto reply = read_reply(*udp_exchange(kLoopback, ports.udp, make_query("WeB.MyNet.", kA, 7)));
    ASSERT_EQ(reply->answers.size(), 1u);
    EXPECT_EQ(reply->answers[0].name, "WeB.MyNet.");
    EXPECT_EQ(reply->answers[0].data, "10.89.0.2");
    EXPECT_EQ(lookups().back().name, "web.mynet");
}

TEST_F(EmbeddedDnsTest, AaaaForAKnownIpv4NameIsAnEmptyNoError) {
    FakeUpstream upstream;
    EmbeddedDns dns(resolver(), {upstream.address()}, on_loopback());
    const ListeningPorts ports = serve(dns);
    const auto reply = read_reply(*udp_exchange(kLoopback, ports.udp, make_query("db", kAAAA, 8)));
    EXPECT_EQ(reply->rcode, 0);
    EXPECT_TRUE(reply->answers.empty());
    EXPECT_TRUE(upstream.received().empty()) << "a name of ours must not leak upstream";
}

TEST_F(EmbeddedDnsTest, ForwardsUnknownNamesAndRelaysTheReplyWithTheClientsId) {
    FakeUpstream upstream;
    EmbeddedDns dns(resolver(), {upstream.address()}, on_loopback());
    const ListeningPorts ports = serve(dns);
    const auto wire = udp_exchange(kLoopback, ports.udp, make_query("www.example.org", kA, 0x1234));
    ASSERT_TRUE(wire);
    const auto reply = read_reply(*wire);
    EXPECT_EQ(reply->id, 0x1234);
    EXPECT_EQ(reply->rcode, 0);
    ASSERT_EQ(reply->answers.size(), 1u);
    EXPECT_EQ(reply->answers[0].data, FakeUpstream::kAnswer);
    const auto received = upstream.received();
    ASSERT_EQ(received.size(), 1u);
    EXPECT_EQ(received[0].name, "www.example.org.");
    EXPECT_EQ(received[0].type, kA);
    EXPECT_FALSE(received[0].over_tcp);
}

TEST_F(EmbeddedDnsTest, ForwardsBareUnknownNamesToo) {
    FakeUpstream upstream;
    EmbeddedDns dns(resolver(), {upstream.address()}, on_loopback());
    const ListeningPorts ports = serve(dns);
    const auto reply = read_reply(*udp_exchange(kLoopback, ports.udp, make_query("nosuchhost", kA, 3)));
    EXPECT_EQ(reply->answers.size(), 1u);
    EXPECT_EQ(upstream.received().size(), 1u);
}

TEST_F(EmbeddedDnsTest, SilentUpstreamsGiveServfailWithinTheirTimeouts) {
    FakeUpstream first(FakeUpstream::Behaviour::Silent);
    FakeUpstream second(FakeUpstream::Behaviour::Silent);
    EmbeddedDns dns(resolver(), {first.address(), second.address()}, on_loopback(300ms));
    const ListeningPorts ports = serve(dns);
    const auto started = std::chrono::steady_clock::now();
    const auto wire = udp_exchange(kLoopback, ports.udp, make_query("slow.example", kA, 99));
    const auto took = std::chrono::steady_clock::now() - started;
    ASSERT_TRUE(wire);
    EXPECT_EQ(read_reply(*wire)->rcode, kServFail);
    EXPECT_EQ(read_reply(*wire)->id, 99);
    EXPECT_GE(took, 550ms);
    EXPECT_LT(took, 1500ms);
    EXPECT_EQ(first.received().size(), 1u);
    EXPECT_EQ(second.received().size(), 1u);
}

TEST_F(EmbeddedDnsTest, ClosedUpstreamPortGivesServfailAtOnce) {
    std::uint16_t closed_port = 0;
    { closed_port = FakeUpstream().udp_port(); } // bound, then released
    EmbeddedDns dns(resolver(), {"127.0.0.1:" + std::to_string(closed_port)}, on_loopback(2000ms));
    const ListeningPorts ports = serve(dns);
    const auto started = std::chrono::steady_clock::now();
    const auto wire = udp_exchange(kLoopback, ports.udp, make_query("down.example", kA, 5));
    ASSERT_TRUE(wire);
    EXPECT_EQ(read_reply(*wire)->rcode, kServFail);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1000ms);
}

TEST_F(EmbeddedDnsTest, ServfailFromOneUpstreamFallsThroughToTheNext) {
    FakeUpstream failing(FakeUpstream::Behaviour::ServerFailure);
    FakeUpstream working;
    EmbeddedDns dns(resolver(), {failing.address(), working.address()}, on_loopback());
    const ListeningPorts ports = serve(dns);
    const auto reply = read_reply(*udp_exchange(kLoopback, ports.udp, make_query("a.example", kA, 11)));
    EXPECT_EQ(reply->rcode, 0);
    EXPECT_EQ(reply->answers.size(), 1u);
    EXPECT_EQ(failing.received().size(), 1u);
}

TEST_F(EmbeddedDnsTest, WithoutUpstreamsUnknownNamesFail) {
    EmbeddedDns dns(resolver(), {}, on_loopback());
    const ListeningPorts ports = serve(dns);
    EXPECT_EQ(read_reply(*udp_exchange(kLoopback, ports.udp, make_query("x.example", kA, 1)))->rcode, kServFail);
    EXPECT_EQ(read_reply(*udp_exchange(kLoopback, ports.udp, make_query("bare", kA, 2)))->rcode, kNxDomain);
}

TEST_F(EmbeddedDnsTest, ResolverFailureIsServfail) {
    EmbeddedDns dns(resolver(), {}, on_loopback());
    const ListeningPorts ports = serve(dns);
    EXPECT_EQ(read_reply(*udp_exchange(kLoopback, ports.udp, make_query("explodes", kA, 1)))->rcode, kServFail);
    EXPECT_TRUE(udp_exchange(kLoopback, ports.udp, make_query("web", kA, 2)));
}

TEST_F(EmbeddedDnsTest, AnswersOverTcpAndForwardsTcpQueriesOverTcp) {
    FakeUpstream upstream;
    EmbeddedDns dns(resolver(), {upstream.address()}, on_loopback());
    const ListeningPorts ports = serve(dns);
    const auto local = tcp_exchange(kLoopback, ports.tcp, make_query("web", kA, 21));
    ASSERT_TRUE(local);
    EXPECT_EQ(read_reply(*local)->answers.at(0).data, "10.89.0.2");
    EXPECT_EQ(read_reply(*local)->id, 21);
    const auto forwarded = tcp_exchange(kLoopback, ports.tcp, make_query("tcp.example", kA, 22));
    ASSERT_TRUE(forwarded);
    EXPECT_EQ(read_reply(*forwarded)->id, 22);
    EXPECT_EQ(read_reply(*forwarded)->answers.at(0).data, FakeUpstream::kAnswer);
    ASSERT_EQ(upstream.received().size(), 1u);
    EXPECT_TRUE(upstream.received()[0].over_tcp);
}

TEST_F(EmbeddedDnsTest, LargeUdpAnswersAreTruncatedUnlessEdnsAllowsThem) {
    std::vector<std::string> many;
    for (int i = 1; i <= 60; ++i) many.push_back("10.89.1." + std::to_string(i));
    names_["many"] = many;
    EmbeddedDns dns(resolver(), {}, on_loopback());
    const ListeningPorts ports = serve(dns);
    const auto classic = udp_exchange(kLoopback, ports.udp, make_query("many", kA, 31));
    ASSERT_TRUE(classic);
    EXPECT_LE(classic->size(), 512u);
    EXPECT_TRUE(read_reply(*classic)->truncated);
    const auto edns = read_reply(*udp_exchange(kLoopback, ports.udp, make_query("many", kA, 32, 4096)));
    EXPECT_FALSE(edns->truncated);
    EXPECT_EQ(edns->answers.size(), 60u);
    EXPECT_EQ(read_reply(*tcp_exchange(kLoopback, ports.tcp, make_query("many", kA, 33)))->answers.size(), 60u);
}

TEST_F(EmbeddedDnsTest, LargeForwardedUdpRepliesAreTruncated) {
    FakeUpstream upstream(FakeUpstream::Behaviour::Oversized);
    EmbeddedDns dns(resolver(), {upstream.address()}, on_loopback());
    const ListeningPorts ports = serve(dns);
    const auto wire = udp_exchange(kLoopback, ports.udp, make_query("big.example", 16, 41));
    ASSERT_TRUE(wire);
    EXPECT_LE(wire->size(), 512u);
    EXPECT_TRUE(read_reply(*wire)->truncated);
    EXPECT_EQ(read_reply(*wire)->id, 41);
}

TEST_F(EmbeddedDnsTest, MalformedPacketsAreDroppedAndServingGoesOn) {
    EmbeddedDns dns(resolver(), {}, on_loopback());
    const ListeningPorts ports = serve(dns);
    Bytes cut = make_query("web", kA, 1);
    cut.resize(cut.size() - 2);
    for (const Bytes &junk : {Bytes{0xff}, Bytes(12, 0), cut, Bytes(600, 0xab)})
        EXPECT_FALSE(udp_exchange(kLoopback, ports.udp, junk, 200ms)) << "a reply to junk";
    EXPECT_FALSE(tcp_exchange(kLoopback, ports.tcp, Bytes{1, 2, 3}, 500ms));
    const auto wire = udp_exchange(kLoopback, ports.udp, make_query("web", kA, 2));
    ASSERT_TRUE(wire);
    EXPECT_EQ(read_reply(*wire)->answers.size(), 1u);
}

TEST_F(EmbeddedDnsTest, RemoveSandboxClosesItsSockets) {
    EmbeddedDns dns(resolver(), {}, on_loopback());
    const ListeningPorts ports = serve(dns);
    ASSERT_TRUE(udp_exchange(kLoopback, ports.udp, make_query("web", kA, 1)));
    dns.remove_sandbox("sandbox-1");
    EXPECT_FALSE(dns.listening_ports("sandbox-1"));
    // Closing happens on the event thread moments after the call.
    bool closed = false;
    for (int i = 0; i < 100 && !closed; ++i) {
        closed = testing::udp_port_refused(kLoopback, ports.udp) && testing::tcp_port_refused(kLoopback, ports.tcp);
        if (!closed) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(closed);
    dns.remove_sandbox("sandbox-1"); // unknown ids are ignored
}

TEST_F(EmbeddedDnsTest, AddingTheSameSandboxAgainKeepsItsSockets) {
    EmbeddedDns dns(resolver(), {}, on_loopback());
    const ListeningPorts first = serve(dns);
    const ListeningPorts second = serve(dns);
    EXPECT_EQ(first.udp, second.udp);
    EXPECT_EQ(first.tcp, second.tcp);
    EXPECT_TRUE(udp_exchange(kLoopback, first.udp, make_query("web", kA, 1)));
}

TEST_F(EmbeddedDnsTest, SandboxesAreServedSeparately) {
    EmbeddedDns dns(resolver(), {}, on_loopback());
    const ListeningPorts one = serve(dns, "one");
    const ListeningPorts two = serve(dns, "two");
    ASSERT_TRUE(udp_exchange(kLoopback, two.udp, make_query("web", kA, 1)));
    ASSERT_TRUE(udp_exchange(kLoopback, one.udp, make_query("db", kA, 2)));
    const auto seen = lookups();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].sandbox, "two");
    EXPECT_EQ(seen[1].sandbox, "one");
}

// The caller may hold a lock its resolver needs while it adds or removes
// sandboxes: neither call may wait for the event thread.
TEST_F(EmbeddedDnsTest, AddAndRemoveNeverWaitForTheResolver) {
    std::mutex caller_lock;
    NameResolver locking = [&](const std::string &, const std::string &) {
        std::lock_guard lock(caller_lock);
        return std::vector<std::string>{"10.0.0.9"};
    };
    EmbeddedDns dns(locking, {}, on_loopback());
    const ListeningPorts ports = serve(dns);
    std::unique_lock held(caller_lock);
    auto pending = std::async(std::launch::async, [&] { return udp_exchange(kLoopback, ports.udp, make_query("x", kA, 1)); });
    std::this_thread::sleep_for(100ms); // the event thread is now blocked in the resolver
    auto other = std::async(std::launch::async, [&] {
        dns.add_sandbox("other", "");
        dns.remove_sandbox("other");
    });
    EXPECT_EQ(other.wait_for(2s), std::future_status::ready) << "add/remove waited for the event thread";
    held.unlock();
    const auto wire = pending.get();
    ASSERT_TRUE(wire);
    EXPECT_EQ(read_reply(*wire)->answers.at(0).data, "10.0.0.9");
}

TEST_F(EmbeddedDnsTest, BadInputIsRefusedWithItsName) {
    EXPECT_THROW(EmbeddedDns(resolver(), {"dns.example.com"}), std::invalid_argument);
    EmbeddedDns dns(resolver(), {}, on_loopback());
    try {
        dns.add_sandbox("ctr", "/nonexistent/ns/net");
        ADD_FAILURE() << "accepted a missing namespace";
    } catch (const std::runtime_error &error) {
        EXPECT_NE(std::string(error.what()).find("/nonexistent/ns/net"), std::string::npos) << error.what();
    }
    EXPECT_FALSE(dns.listening_ports("ctr"));
    EmbeddedDns wrong(resolver(), {}, EmbeddedDnsOptions{"not-an-address", 0});
    EXPECT_THROW(wrong.add_sandbox("ctr", ""), std::runtime_error);
}

} // namespace
} // namespace berth::network::dns
