#include "network/port_plan.h"

#include "network/errors.h"
#include "network/ipam/ipv4.h"

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <fstream>
#include <set>

namespace berth::network {
namespace {

using nlohmann::json;

std::optional<uint16_t> parse_port(const std::string &s) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || s.empty() || v == 0 || v > 65535) return std::nullopt;
    return uint16_t(v);
}

// "80/tcp" (proto defaults to tcp) -> (proto, port).
std::pair<std::string, uint16_t> parse_key(const std::string &key) {
    const auto slash = key.find('/');
    const std::string port_text = key.substr(0, slash);
    std::string proto = slash == std::string::npos ? "tcp" : key.substr(slash + 1);
    std::transform(proto.begin(), proto.end(), proto.begin(), ::tolower);
    if (proto != "tcp" && proto != "udp" && proto != "sctp") throw InvalidArgument("invalid proto: " + proto);
    const auto port = parse_port(port_text);
    if (!port) throw InvalidArgument("invalid port specification: \"" + key + "\"");
    return {proto, *port};
}

json parse_object(const std::string &text, const char *what) {
    if (text.empty()) return json::object();
    auto j = json::parse(text, nullptr, false);
    if (j.is_null()) return json::object();
    if (j.is_discarded() || !j.is_object()) throw InvalidArgument(std::string(what) + ": expected a JSON object");
    return j;
}

bool ips_overlap(const std::string &a, const std::string &b) {
    auto any = [](const std::string &ip) { return ip.empty() || ip == "0.0.0.0" || ip == "::"; };
    return any(a) || any(b) || a == b;
}

bool held_by(const std::vector<PortBinding> &held, const std::string &proto, const std::string &ip, uint16_t port) {
    for (const auto &h : held)
        if (h.proto == proto && h.host_port == port && ips_overlap(h.host_ip, ip)) return true;
    return false;
}

} // namespace

std::string port_key(const std::string &proto, uint16_t port) { return std::to_string(port) + "/" + proto; }

PortPlan parse_port_plan(const std::string &bindings_json, const std::string &exposed_json, bool publish_all) {
    const json bindings = parse_object(bindings_json, "PortBindings");
    const json exposed = parse_object(exposed_json, "ExposedPorts");
    PortPlan plan;
    std::set<std::pair<std::string, uint16_t>> exposed_set, published;
    for (const auto &[key, value] : exposed.items()) exposed_set.insert(parse_key(key));
    for (const auto &[key, list] : bindings.items()) {
        const auto [proto, port] = parse_key(key);
        exposed_set.insert({proto, port});
        if (list.is_null()) continue;
        if (!list.is_array()) throw InvalidArgument("PortBindings[" + key + "]: expected a list");
        for (const auto &b : list) {
            if (!b.is_object()) throw InvalidArgument("PortBindings[" + key + "]: expected {HostIp, HostPort}");
            PortRequest r;
            r.proto = proto;
            r.container_port = port;
            r.host_ip = b.contains("HostIp") && b["HostIp"].is_string() ? b["HostIp"].get<std::string>() : "";
            if (!r.host_ip.empty() && !ipam::parse_ipv4(r.host_ip)) {
                if (r.host_ip.find(':') != std::string::npos)
                    throw InvalidArgument("invalid IP address: " + r.host_ip + " (IPv6 host addresses are not supported yet)");
                throw InvalidArgument("invalid IP address: " + r.host_ip);
            }
            if (r.host_ip == "0.0.0.0") r.host_ip.clear();
            const std::string hp = b.contains("HostPort") && b["HostPort"].is_string() ? b["HostPort"].get<std::string>() : "";
            if (!hp.empty()) {
                const auto dash = hp.find('-');
                const auto first = parse_port(hp.substr(0, dash));
                const auto last = dash == std::string::npos ? first : parse_port(hp.substr(dash + 1));
                if (!first || !last || *last < *first) throw InvalidArgument("invalid hostPort: " + hp);
                r.host_port_first = *first;
                r.host_port_last = *last;
            }
            plan.publish.push_back(r);
            published.insert({proto, port});
        }
    }
    if (publish_all)
        for (const auto &[proto, port] : exposed_set)
            if (!published.count({proto, port})) {
                PortRequest r;
                r.proto = proto;
                r.container_port = port;
                plan.publish.push_back(r);
            }
    for (const auto &[proto, port] : exposed_set) plan.exposed.push_back({proto, port});
    return plan;
}

bool host_port_free(const std::string &proto, const std::string &host_ip, uint16_t port) {
    const int type = proto == "udp" ? SOCK_DGRAM : SOCK_STREAM;
    const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, proto == "sctp" ? IPPROTO_SCTP : 0);
    if (fd < 0) return true; // cannot tell (no SCTP): let the driver find out
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_ANY);
    if (!host_ip.empty()) ::inet_pton(AF_INET, host_ip.c_str(), &sa.sin_addr);
    const bool ok = ::bind(fd, reinterpret_cast<sockaddr *>(&sa), sizeof sa) == 0;
    ::close(fd);
    return ok;
}

std::pair<uint16_t, uint16_t> ephemeral_port_range() {
    std::ifstream in("/proc/sys/net/ipv4/ip_local_port_range");
    unsigned lo = 0, hi = 0;
    if (in >> lo >> hi && lo > 0 && hi <= 65535 && lo <= hi) return {uint16_t(lo), uint16_t(hi)};
    return {49153, 65535};
}

PortAllocator::PortAllocator(std::pair<uint16_t, uint16_t> range, PortProbe probe)
    : range_(range), probe_(std::move(probe)) {}

std::vector<PortBinding> PortAllocator::choose(const std::vector<PortRequest> &requests,
                                               const std::vector<PortBinding> &held_in) {
    std::vector<PortBinding> held = held_in;
    std::vector<PortBinding> out;
    auto usable = [&](const std::string &proto, const std::string &ip, uint16_t port) {
        return !held_by(held, proto, ip, port) && (!probe_ || probe_(proto, ip, port));
    };
    for (const auto &r : requests) {
        PortBinding b{r.proto, r.container_port, r.host_ip, 0};
        if (r.host_port_first != 0) {
            for (uint32_t p = r.host_port_first; p <= r.host_port_last && b.host_port == 0; ++p)
                if (!held_by(held, r.proto, r.host_ip, uint16_t(p))) b.host_port = uint16_t(p);
            // An explicit port busy outside berth is the driver's to report
            // (its proxy's bind fails with the kernel's words), as in Docker.
            if (b.host_port == 0)
                throw Conflict("Bind for " + (r.host_ip.empty() ? std::string("0.0.0.0") : r.host_ip) + ":" +
                               std::to_string(r.host_port_first) + " failed: port is already allocated");
        } else {
            const uint32_t count = uint32_t(range_.second) - range_.first + 1;
            const uint32_t start = (last_ >= range_.first && last_ <= range_.second) ? last_ - range_.first + 1 : 0;
            for (uint32_t i = 0; i < count; ++i) {
                const uint16_t p = uint16_t(range_.first + (start + i) % count);
                if (usable(r.proto, r.host_ip, p)) {
                    b.host_port = p;
                    break;
                }
            }
            if (b.host_port == 0)
                throw Forbidden("no available host port for " + port_key(r.proto, r.container_port) + " in " +
                                std::to_string(range_.first) + "-" + std::to_string(range_.second));
            last_ = b.host_port;
        }
        held.push_back(b);
        out.push_back(b);
    }
    return out;
}

} // namespace berth::network
