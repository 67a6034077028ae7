// dns_message.cpp — ldns does all parsing and building; this file only
// decides which fields a reply copies from the query.
#include "network/dns/dns_message.h"

#include <ldns/ldns.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

namespace berth::network::dns {

namespace {

// The UDP size the server advertises in EDNS replies: what its own
// receive buffers take comfortably.
constexpr std::uint16_t kAdvertisedUdpSize = 4096;

struct PacketDeleter {
    void operator()(ldns_pkt *packet) const { ldns_pkt_free(packet); }
};
using PacketPtr = std::unique_ptr<ldns_pkt, PacketDeleter>;

PacketPtr parse_packet(std::span<const std::uint8_t> wire) {
    ldns_pkt *packet = nullptr;
    if (wire.size() < LDNS_HEADER_SIZE) return nullptr;
    if (ldns_wire2pkt(&packet, wire.data(), wire.size()) != LDNS_STATUS_OK) {
        ldns_pkt_free(packet);
        return nullptr;
    }
    return PacketPtr(packet);
}

WireMessage to_wire(const ldns_pkt *packet) {
    std::uint8_t *bytes = nullptr;
    std::size_t size = 0;
    if (ldns_pkt2wire(&bytes, packet, &size) != LDNS_STATUS_OK) {
        std::free(bytes);
        return {};
    }
    WireMessage wire(bytes, bytes + size);
    std::free(bytes);
    return wire;
}

// "Web.Example." -> "web.example": the form the resolver matches on.
std::string presentation_name(const ldns_rdf *owner) {
    char *text = ldns_rdf2str(owner);
    if (text == nullptr) return {};
    std::string name(text);
    std::free(text);
    if (!name.empty() && name.back() == '.') name.pop_back();
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return name;
}

std::optional<Question> first_question(const ldns_pkt *packet) {
    const ldns_rr_list *questions = ldns_pkt_question(packet);
    if (questions == nullptr || ldns_rr_list_rr_count(questions) == 0) return std::nullopt;
    const ldns_rr *rr = ldns_rr_list_rr(questions, 0);
    return Question{presentation_name(ldns_rr_owner(rr)), static_cast<std::uint16_t>(ldns_rr_get_type(rr)),
                    static_cast<std::uint16_t>(ldns_rr_get_class(rr))};
}

// A reply skeleton: same ID, opcode, RD and CD as the request, the question
// copied, recursion available (the server forwards), EDNS if it was used.
PacketPtr reply_skeleton(const ldns_pkt *request) {
    PacketPtr reply(ldns_pkt_new());
    if (!reply) return nullptr;
    ldns_pkt_set_id(reply.get(), ldns_pkt_id(request));
    ldns_pkt_set_qr(reply.get(), true);
    ldns_pkt_set_opcode(reply.get(), ldns_pkt_get_opcode(request));
    ldns_pkt_set_rd(reply.get(), ldns_pkt_rd(request));
    ldns_pkt_set_cd(reply.get(), ldns_pkt_cd(request));
    ldns_pkt_set_ra(reply.get(), true);
    const ldns_rr_list *questions = ldns_pkt_question(request);
    for (std::size_t i = 0; questions != nullptr && i < ldns_rr_list_rr_count(questions); ++i)
        ldns_pkt_push_rr(reply.get(), LDNS_SECTION_QUESTION, ldns_rr_clone(ldns_rr_list_rr(questions, i)));
    if (ldns_pkt_edns(request)) ldns_pkt_set_edns_udp_size(reply.get(), kAdvertisedUdpSize);
    return reply;
}

ldns_rr *a_record(const ldns_rdf *owner, const std::string &address) {
    ldns_rdf *rdata = ldns_rdf_new_frm_str(LDNS_RDF_TYPE_A, address.c_str());
    if (rdata == nullptr) return nullptr; // not a dotted quad
    ldns_rr *rr = ldns_rr_new();
    ldns_rr_set_owner(rr, ldns_rdf_clone(owner)); // keeps the client's spelling (0x20 case checks)
    ldns_rr_set_type(rr, LDNS_RR_TYPE_A);
    ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
    ldns_rr_set_ttl(rr, kLocalAnswerTtl);
    ldns_rr_push_rdf(rr, rdata);
    return rr;
}

} // namespace

struct DnsQuery::Packet {
    PacketPtr packet;
};

DnsQuery::DnsQuery(std::unique_ptr<Packet> packet, Question question)
    : packet_(std::move(packet)), question_(std::move(question)) {}
DnsQuery::DnsQuery(DnsQuery &&) noexcept = default;
DnsQuery &DnsQuery::operator=(DnsQuery &&) noexcept = default;
DnsQuery::~DnsQuery() = default;

std::optional<DnsQuery> DnsQuery::parse(std::span<const std::uint8_t> wire) {
    PacketPtr packet = parse_packet(wire);
    if (!packet || ldns_pkt_qr(packet.get()) || ldns_pkt_qdcount(packet.get()) != 1) return std::nullopt;
    std::optional<Question> question = first_question(packet.get());
    if (!question) return std::nullopt;
    return DnsQuery(std::make_unique<Packet>(Packet{std::move(packet)}), std::move(*question));
}

std::uint16_t DnsQuery::id() const { return ldns_pkt_id(packet_->packet.get()); }

const Question &DnsQuery::question() const { return question_; }

std::size_t DnsQuery::max_udp_size() const {
    const ldns_pkt *packet = packet_->packet.get();
    if (!ldns_pkt_edns(packet)) return kClassicUdpSize;
    return std::max<std::size_t>(kClassicUdpSize, ldns_pkt_edns_udp_size(packet));
}

WireMessage DnsQuery::answer_with_ipv4(const std::vector<std::string> &addresses) const {
    const ldns_pkt *request = packet_->packet.get();
    PacketPtr reply = reply_skeleton(request);
    if (!reply) return {};
    ldns_pkt_set_aa(reply.get(), true);
    ldns_pkt_set_rcode(reply.get(), LDNS_RCODE_NOERROR);
    const ldns_rdf *owner = ldns_rr_owner(ldns_rr_list_rr(ldns_pkt_question(request), 0));
    for (const std::string &address : addresses)
        if (ldns_rr *rr = a_record(owner, address)) ldns_pkt_push_rr(reply.get(), LDNS_SECTION_ANSWER, rr);
    return to_wire(reply.get());
}

WireMessage DnsQuery::error_reply(ResponseCode code) const {
    PacketPtr reply = reply_skeleton(packet_->packet.get());
    if (!reply) return {};
    ldns_pkt_set_rcode(reply.get(), static_cast<std::uint8_t>(code));
    return to_wire(reply.get());
}

std::optional<ReplySummary> summarize_reply(std::span<const std::uint8_t> wire) {
    PacketPtr packet = parse_packet(wire);
    if (!packet || !ldns_pkt_qr(packet.get())) return std::nullopt;
    ReplySummary summary;
    summary.id = ldns_pkt_id(packet.get());
    summary.raw_code = static_cast<std::uint8_t>(ldns_pkt_get_rcode(packet.get()));
    summary.code = static_cast<ResponseCode>(summary.raw_code);
    summary.truncated = ldns_pkt_tc(packet.get());
    summary.question = first_question(packet.get());
    return summary;
}

std::uint16_t message_id(std::span<const std::uint8_t> wire) {
    return wire.size() < 2 ? 0 : static_cast<std::uint16_t>(LDNS_ID_WIRE(wire.data()));
}

void set_message_id(std::span<std::uint8_t> wire, std::uint16_t id) {
    if (wire.size() >= 2) LDNS_ID_SET(wire.data(), id);
}

std::optional<WireMessage> fit_udp_limit(WireMessage reply, std::size_t limit) {
    if (reply.size() <= limit) return reply;
    PacketPtr full = parse_packet(reply);
    if (!full) return std::nullopt;
    PacketPtr truncated = reply_skeleton(full.get());
    if (!truncated) return std::nullopt;
    ldns_pkt_set_qr(truncated.get(), true);
    ldns_pkt_set_aa(truncated.get(), ldns_pkt_aa(full.get()));
    ldns_pkt_set_ra(truncated.get(), ldns_pkt_ra(full.get()));
    ldns_pkt_set_ad(truncated.get(), ldns_pkt_ad(full.get()));
    ldns_pkt_set_rcode(truncated.get(), ldns_pkt_get_rcode(full.get()));
    ldns_pkt_set_tc(truncated.get(), true);
    WireMessage wire = to_wire(truncated.get());
    if (wire.empty() || wire.size() > limit) return std::nullopt;
    return wire;
}

} // namespace berth::network::dns
