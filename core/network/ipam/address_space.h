// address_space.h — the addresses of one network's subnet: which are taken,
// which comes next. Like libnetwork's IPAM: the network and broadcast
// addresses are never handed out, the gateway is reserved, allocation draws
// from the ip-range when one is set and goes sequentially from the last
// address handed out, wrapping round (a released address is not reused at
// once). Not thread-safe: the owner locks.
#pragma once

#include "network/ipam/ipv4.h"

#include <optional>
#include <set>
#include <string>

namespace berth::network::ipam {

enum class RequestError {
    None,
    OutOfRange, // outside the subnet (or the ip-range when one is set)
    InUse,      // already allocated, the gateway, network or broadcast address
};

class AddressSpace {
public:
    // range: the --ip-range, inside subnet (the caller validated it).
    AddressSpace(Ipv4Prefix subnet, std::optional<Ipv4Prefix> range, std::optional<Ipv4> gateway);

    const Ipv4Prefix &subnet() const { return subnet_; }

    // The next free address; nullopt when none is left.
    std::optional<Ipv4> allocate();
    // Takes a specific address (--ip). A requested address may lie outside
    // the ip-range as long as it is in the subnet (Docker allows it).
    RequestError request(Ipv4 addr);
    // Marks an address in use without the checks: reloading records.
    void mark_used(Ipv4 addr) { used_.insert(addr); }
    void release(Ipv4 addr) { used_.erase(addr); }
    bool in_use(Ipv4 addr) const { return used_.count(addr) > 0; }
    size_t used_count() const { return used_.size(); }

private:
    bool reserved(Ipv4 addr) const;

    Ipv4Prefix subnet_;
    Ipv4Prefix pool_; // the ip-range, or the subnet
    std::optional<Ipv4> gateway_;
    std::set<Ipv4> used_;
    std::optional<Ipv4> last_; // last address handed out by allocate()
};

// Docker's texts for request() failures and exhaustion.
inline constexpr const char *kAddressInUse = "Address already in use";
inline constexpr const char *kAddressOutOfRange = "requested address is out of range";

} // namespace berth::network::ipam
