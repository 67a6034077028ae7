#include "network/name_resolution.h"

#include <algorithm>
#include <cctype>

namespace berth::network {
namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return s;
}

bool names_endpoint(const Endpoint &e, const std::string &q) {
    if (q.empty()) return false;
    if (lower(e.container_name) == q) return true;
    for (const auto &a : e.aliases)
        if (lower(a) == q) return true;
    return q.size() >= 12 && lower(e.container_id).compare(0, q.size(), q) == 0 && q.size() <= e.container_id.size();
}

} // namespace

std::vector<std::string> resolve_container_name(const std::vector<Network> &networks,
                                                const std::vector<Endpoint> &endpoints, const std::string &sandbox_id,
                                                const std::string &name_in) {
    std::string name = lower(name_in);
    while (!name.empty() && name.back() == '.') name.pop_back();
    std::vector<std::string> out;
    for (const auto &mine : endpoints) {
        if (mine.container_id != sandbox_id) continue;
        const auto net = std::find_if(networks.begin(), networks.end(),
                                      [&](const Network &n) { return n.id == mine.network_id; });
        if (net == networks.end() || !net->user_defined()) continue;
        // "web.mynet" names web on mynet only.
        std::string bare = name;
        const std::string suffix = "." + lower(net->name);
        if (bare.size() > suffix.size() && bare.compare(bare.size() - suffix.size(), suffix.size(), suffix) == 0)
            bare.resize(bare.size() - suffix.size());
        for (const auto &e : endpoints) {
            if (e.network_id != net->id || e.ipv4_address.empty()) continue;
            if (!names_endpoint(e, name) && !names_endpoint(e, bare)) continue;
            if (std::find(out.begin(), out.end(), e.ipv4_address) == out.end()) out.push_back(e.ipv4_address);
        }
    }
    return out;
}

} // namespace berth::network
