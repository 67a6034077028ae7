#include "network/ipam/address_space.h"

namespace berth::network::ipam {

AddressSpace::AddressSpace(Ipv4Prefix subnet, std::optional<Ipv4Prefix> range, std::optional<Ipv4> gateway)
    : subnet_(subnet.canonical()), pool_(range ? range->canonical() : subnet.canonical()), gateway_(gateway) {}

bool AddressSpace::reserved(Ipv4 a) const {
    // /31 and /32 have no network/broadcast addresses to spare (RFC 3021).
    if (subnet_.len < 31 && (a == subnet_.network() || a == subnet_.broadcast())) return true;
    return gateway_ && *gateway_ == a;
}

std::optional<Ipv4> AddressSpace::allocate() {
    const uint64_t first = pool_.network();
    const uint64_t count = pool_.size();
    // Start just after the last address handed out (sequential with wrap).
    uint64_t start = 0;
    if (last_ && pool_.contains(*last_)) start = (uint64_t(*last_) - first + 1) % count;
    for (uint64_t i = 0; i < count; ++i) {
        const Ipv4 a = Ipv4(first + (start + i) % count);
        if (reserved(a) || used_.count(a)) continue;
        used_.insert(a);
        last_ = a;
        return a;
    }
    return std::nullopt;
}

RequestError AddressSpace::request(Ipv4 a) {
    if (!subnet_.contains(a)) return RequestError::OutOfRange;
    if (reserved(a) || used_.count(a)) return RequestError::InUse;
    used_.insert(a);
    return RequestError::None;
}

} // namespace berth::network::ipam
