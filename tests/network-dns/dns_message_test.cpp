// Message building and parsing helpers of the embedded DNS, and the
// upstream list parser, without any sockets.
#include "dns_test_client.h"
#include "network/dns/dns_message.h"
#include "network/dns/upstream_server.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace berth::network::dns {
namespace {

using testing::make_query;
using testing::read_reply;

TEST(DnsMessage, ParsesQuestionLowerCasedWithoutTrailingDot) {
    const auto query = DnsQuery::parse(make_query("Web.Example.", kTypeA, 77));
    ASSERT_TRUE(query);
    EXPECT_EQ(query->id(), 77);
    EXPECT_EQ(query->question().name, "web.example");
    EXPECT_EQ(query->question().type, kTypeA);
    EXPECT_EQ(query->question().qclass, kClassIN);
    EXPECT_EQ(query->max_udp_size(), kClassicUdpSize);
}

TEST(DnsMessage, EdnsSizeRaisesTheUdpLimitButNeverBelow512) {
    EXPECT_EQ(DnsQuery::parse(make_query("a.b", kTypeA, 1, 1232))->max_udp_size(), 1232u);
    EXPECT_EQ(DnsQuery::parse(make_query("a.b", kTypeA, 1, 100))->max_udp_size(), kClassicUdpSize);
}

TEST(DnsMessage, RefusesGarbageAndResponses) {
    EXPECT_FALSE(DnsQuery::parse(WireMessage{}));
    EXPECT_FALSE(DnsQuery::parse(WireMessage{1, 2, 3}));
    EXPECT_FALSE(DnsQuery::parse(WireMessage(12, 0))); // a header without a question
    WireMessage cut = make_query("web.example", kTypeA, 9);
    cut.resize(cut.size() - 3);
    EXPECT_FALSE(DnsQuery::parse(cut));
    const auto query = DnsQuery::parse(make_query("web", kTypeA, 9));
    EXPECT_FALSE(DnsQuery::parse(query->answer_with_ipv4({"10.0.0.1"}))); // QR set
}

TEST(DnsMessage, AnswerCarriesAddressesTtlAndAuthority) {
    const auto query = DnsQuery::parse(make_query("web", kTypeA, 4242));
    const auto reply = read_reply(query->answer_with_ipv4({"10.0.0.1", "not-an-ip", "10.0.0.2"}));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->id, 4242);
    EXPECT_EQ(reply->rcode, 0);
    EXPECT_TRUE(reply->authoritative);
    ASSERT_EQ(reply->answers.size(), 2u);
    EXPECT_EQ(reply->answers[0].data, "10.0.0.1");
    EXPECT_EQ(reply->answers[0].ttl, kLocalAnswerTtl);
    EXPECT_EQ(reply->answers[1].data, "10.0.0.2");
}

TEST(DnsMessage, ErrorReplyKeepsQuestionAndId) {
    const auto query = DnsQuery::parse(make_query("x.example", kTypeAAAA, 5));
    const auto reply = read_reply(query->error_reply(ResponseCode::ServerFailure));
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->id, 5);
    EXPECT_EQ(reply->rcode, 2);
    EXPECT_EQ(reply->question, "x.example.");
    EXPECT_TRUE(reply->answers.empty());
}

TEST(DnsMessage, OversizedUdpReplyIsCutToHeaderAndQuestionWithTc) {
    const auto query = DnsQuery::parse(make_query("many", kTypeA, 6));
    std::vector<std::string> addresses;
    for (int i = 1; i <= 60; ++i) addresses.push_back("10.0.1." + std::to_string(i));
    const WireMessage full = query->answer_with_ipv4(addresses);
    ASSERT_GT(full.size(), kClassicUdpSize);
    const auto cut = fit_udp_limit(full, kClassicUdpSize);
    ASSERT_TRUE(cut);
    const auto reply = read_reply(*cut);
    EXPECT_TRUE(reply->truncated);
    EXPECT_TRUE(reply->answers.empty());
    EXPECT_EQ(reply->id, 6);
    EXPECT_EQ(fit_udp_limit(full, 4096), full);
}

TEST(DnsMessage, MessageIdIsRewrittenInPlace) {
    WireMessage wire = make_query("a.b", kTypeA, 0x1234);
    EXPECT_EQ(message_id(wire), 0x1234);
    set_message_id(wire, 0xbeef);
    EXPECT_EQ(DnsQuery::parse(wire)->id(), 0xbeef);
}

TEST(UpstreamServer, ParsesAddressesWithAndWithoutPorts) {
    EXPECT_EQ(parse_upstream_server("192.0.2.1").to_string(), "192.0.2.1:53");
    EXPECT_EQ(parse_upstream_server("127.0.0.1:5353").port, 5353);
    EXPECT_TRUE(parse_upstream_server("2001:db8::1").ipv6);
    EXPECT_EQ(parse_upstream_server("2001:db8::1").port, 53);
    const UpstreamServer bracketed = parse_upstream_server("[2001:db8::1]:5300");
    EXPECT_EQ(bracketed.address, "2001:db8::1");
    EXPECT_EQ(bracketed.port, 5300);
}

TEST(UpstreamServer, RefusesNamesAndBadPortsNamingTheEntry) {
    for (const char *bad : {"", "dns.example", "1.2.3.4:0", "1.2.3.4:99999", "1.2.3.4:x", "[::1", "[::1]x"}) {
        try {
            parse_upstream_server(bad);
            ADD_FAILURE() << "accepted " << bad;
        } catch (const std::invalid_argument &error) {
            EXPECT_NE(std::string(error.what()).find(std::string("\"") + bad + "\""), std::string::npos)
                << error.what();
        }
    }
}

} // namespace
} // namespace berth::network::dns
