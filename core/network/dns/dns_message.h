// dns_message.h — the DNS wire messages the embedded server reads and
// writes, parsed and built with ldns (kept out of this header).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace berth::network::dns {

using WireMessage = std::vector<std::uint8_t>;

// Record types the server answers itself (values from RFC 1035/3596).
inline constexpr std::uint16_t kTypeA = 1;
inline constexpr std::uint16_t kTypeAAAA = 28;
inline constexpr std::uint16_t kTypeANY = 255;
inline constexpr std::uint16_t kClassIN = 1;

// Docker's TTL for the names it answers.
inline constexpr std::uint32_t kLocalAnswerTtl = 600;
// What a UDP client can take without EDNS (RFC 1035 4.2.1).
inline constexpr std::size_t kClassicUdpSize = 512;

enum class ResponseCode : std::uint8_t { NoError = 0, ServerFailure = 2, NameError = 3, Refused = 5 };

struct Question {
    std::string name; // lower case, no trailing dot ("" for the root)
    std::uint16_t type = 0;
    std::uint16_t qclass = 0;
};

// A client's query: a well-formed message with QR clear and exactly one
// question. Anything else is not a query we serve.
class DnsQuery {
public:
    // nullopt for malformed bytes, responses, and queries without exactly
    // one question: the server drops those.
    static std::optional<DnsQuery> parse(std::span<const std::uint8_t> wire);

    DnsQuery(DnsQuery &&) noexcept;
    DnsQuery &operator=(DnsQuery &&) noexcept;
    ~DnsQuery();

    std::uint16_t id() const;
    const Question &question() const;
    // The largest UDP answer the client accepts: its EDNS size, never less
    // than 512.
    std::size_t max_udp_size() const;

    // An authoritative NOERROR answer with one A record per address
    // (dotted quads; anything else is skipped). No addresses: NOERROR with
    // an empty answer section (AAAA for an IPv4-only name).
    WireMessage answer_with_ipv4(const std::vector<std::string> &addresses) const;
    // An answer carrying only the question and this code (SERVFAIL...).
    WireMessage error_reply(ResponseCode code) const;

private:
    struct Packet;
    explicit DnsQuery(std::unique_ptr<Packet> packet, Question question);
    std::unique_ptr<Packet> packet_;
    Question question_;
};

// What the server checks in an upstream's reply before relaying it.
struct ReplySummary {
    std::uint16_t id = 0;
    ResponseCode code = ResponseCode::NoError;
    std::uint8_t raw_code = 0;
    bool truncated = false;
    std::optional<Question> question;
};

// nullopt for bytes that are not a well-formed DNS response.
std::optional<ReplySummary> summarize_reply(std::span<const std::uint8_t> wire);

// The message ID is the first two bytes of every DNS message.
std::uint16_t message_id(std::span<const std::uint8_t> wire);
void set_message_id(std::span<std::uint8_t> wire, std::uint16_t id);

// A UDP answer over the client's limit: the same header and question with
// TC set and no records, so the client retries over TCP. Answers within the
// limit come back unchanged; nullopt if the reply cannot be parsed.
std::optional<WireMessage> fit_udp_limit(WireMessage reply, std::size_t limit);

} // namespace berth::network::dns
