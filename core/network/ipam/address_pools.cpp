#include "network/ipam/address_pools.h"

#include "network/errors.h"

#include <nlohmann/json.hpp>

namespace berth::network::ipam {

std::vector<AddressPool> default_address_pools() {
    std::vector<AddressPool> pools;
    for (Ipv4 second = 17; second <= 31; ++second) pools.push_back({{(172u << 24) | (second << 16), 16}, 16});
    pools.push_back({{(192u << 24) | (168u << 16), 16}, 20});
    return pools;
}

std::vector<AddressPool> parse_address_pools(const std::string &json_text) {
    const auto j = nlohmann::json::parse(json_text.empty() ? "[]" : json_text, nullptr, false);
    if (j.is_discarded() || !j.is_array())
        throw InvalidArgument("default-address-pools: expected a list of {\"base\":CIDR,\"size\":N}");
    if (j.empty()) return default_address_pools();
    std::vector<AddressPool> pools;
    for (const auto &entry : j) {
        const std::string shown = entry.dump();
        if (!entry.is_object() || !entry.contains("base") || !entry["base"].is_string() || !entry.contains("size") ||
            !entry["size"].is_number_integer())
            throw InvalidArgument("default-address-pools: " + shown + ": expected {\"base\":CIDR,\"size\":N}");
        const auto base = parse_cidr(entry["base"].get<std::string>());
        if (!base) throw InvalidArgument("default-address-pools: " + shown + ": base is not an IPv4 CIDR");
        const int size = entry["size"].get<int>();
        if (size < base->len || size > 32)
            throw InvalidArgument("default-address-pools: " + shown + ": size must be between the base's prefix length (" +
                                  std::to_string(base->len) + ") and 32");
        pools.push_back({base->canonical(), size});
    }
    return pools;
}

std::optional<Ipv4Prefix> next_free_subnet(const std::vector<AddressPool> &pools,
                                           const std::vector<Ipv4Prefix> &taken) {
    for (const auto &pool : pools) {
        const uint64_t step = uint64_t(1) << (32 - pool.size);
        const uint64_t end = uint64_t(pool.base.network()) + pool.base.size();
        for (uint64_t at = pool.base.network(); at < end;) {
            const Ipv4Prefix candidate{Ipv4(at), pool.size};
            const Ipv4Prefix *blocker = nullptr;
            for (const auto &t : taken)
                if (t.canonical().overlaps(candidate)) {
                    blocker = &t;
                    break;
                }
            if (blocker == nullptr) return candidate;
            // Skip past whatever blocks: a big taken prefix covers many candidates.
            const uint64_t past = uint64_t(blocker->broadcast()) + 1;
            at = std::max(at + step, (past + step - 1) / step * step);
        }
    }
    return std::nullopt;
}

} // namespace berth::network::ipam
