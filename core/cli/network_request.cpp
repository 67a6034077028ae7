#include "network_request.h"

#include <algorithm>
#include <array>
#include <cstdint>

#include <arpa/inet.h>

#include "errors.h"
#include "format_output.h"
#include "json_text.h"
#include "run_flags.h"

namespace berth::cli {
namespace {

using ordered = nlohmann::ordered_json;

// An address or a CIDR network, as Go's net.ParseIP/ParseCIDR see them.
struct Prefix {
    int family = 0;
    std::array<std::uint8_t, 16> bytes{};
    int bits = 0;  // prefix length; the full width for a bare address
};

std::optional<Prefix> parse_address(const std::string& text) {
    Prefix p;
    if (::inet_pton(AF_INET, text.c_str(), p.bytes.data()) == 1) {
        p.family = AF_INET;
        p.bits = 32;
        return p;
    }
    if (::inet_pton(AF_INET6, text.c_str(), p.bytes.data()) == 1) {
        p.family = AF_INET6;
        p.bits = 128;
        return p;
    }
    return std::nullopt;
}

std::optional<Prefix> parse_cidr(const std::string& text) {
    const auto slash = text.find('/');
    if (slash == std::string::npos) return std::nullopt;
    auto p = parse_address(text.substr(0, slash));
    const std::string length = text.substr(slash + 1);
    if (!p || length.empty() || length.size() > 3 || length.find_first_not_of("0123456789") != std::string::npos)
        return std::nullopt;
    const int bits = std::stoi(length);
    if (bits > p->bits) return std::nullopt;
    p->bits = bits;
    return p;
}

bool contains(const Prefix& net, const Prefix& addr) {
    if (net.family != addr.family) return false;
    for (int bit = 0; bit < net.bits; ++bit) {
        const std::uint8_t mask = static_cast<std::uint8_t>(0x80 >> (bit % 8));
        if ((net.bytes[bit / 8] & mask) != (addr.bytes[bit / 8] & mask)) return false;
    }
    return true;
}

// docker's subnetMatches: is `data` (an address, or a CIDR whose address
// counts) inside `subnet`?
bool subnet_matches(const std::string& subnet, const std::string& data) {
    const auto net = parse_cidr(subnet);
    if (!net) throw CliError("invalid subnet: invalid CIDR address: " + subnet);
    std::optional<Prefix> addr;
    if (data.find('/') != std::string::npos) {
        addr = parse_cidr(data);
        if (!addr) throw CliError("invalid CIDR address: " + data);
        addr->bits = addr->family == AF_INET ? 32 : 128;
    } else {
        addr = parse_address(data);
    }
    return addr && contains(*net, *addr);
}

struct IpamEntry {
    std::string subnet, ip_range, gateway;
    std::vector<std::pair<std::string, std::string>> aux;
};

// docker's consolidateIpam, keeping the order the subnets were given in.
ordered ipam_config(const NetworkCreateOptions& o) {
    if (o.subnets.size() < o.ip_ranges.size() || o.subnets.size() < o.gateways.size())
        throw CliError("every ip-range or gateway must have a corresponding subnet");
    std::vector<IpamEntry> entries;
    for (const auto& s : o.subnets) {
        for (const auto& e : entries)
            if (subnet_matches(s, e.subnet) || subnet_matches(e.subnet, s))
                throw CliError("multiple overlapping subnet configuration is not supported");
        if (!parse_cidr(s)) throw CliError("invalid subnet: invalid CIDR address: " + s);
        entries.push_back({s, "", "", {}});
    }
    const auto place = [&entries](const std::string& value, const char* what, std::string IpamEntry::*field) {
        bool matched = false;
        for (auto& e : entries) {
            if (!subnet_matches(e.subnet, value)) continue;
            if (!(e.*field).empty())
                throw CliError(std::string("cannot configure multiple ") + what + "s (" + value + ", " + e.*field +
                               ") " + (field == &IpamEntry::gateway ? "for" : "on") + " the same subnet (" +
                               e.subnet + ")");
            e.*field = value;
            matched = true;
        }
        if (!matched) throw CliError(std::string("no matching subnet for ") + what + " " + value);
    };
    for (const auto& r : o.ip_ranges) place(r, "range", &IpamEntry::ip_range);
    for (const auto& g : o.gateways) place(g, "gateway", &IpamEntry::gateway);
    for (const auto& a : o.aux_addresses) {
        const auto eq = a.find('=');
        if (eq == std::string::npos) throw CliError("invalid aux-address " + a + ": expected name=address");
        const std::string key = a.substr(0, eq), address = a.substr(eq + 1);
        bool matched = false;
        for (auto& e : entries)
            if (subnet_matches(e.subnet, address)) {
                e.aux.emplace_back(key, address);
                matched = true;
            }
        if (!matched) throw CliError("no matching subnet for aux-address " + address);
    }
    ordered config = ordered::array();
    for (const auto& e : entries) {
        // Go's omitempty: empty fields are left out.
        ordered c = {{"Subnet", e.subnet}};
        if (!e.ip_range.empty()) c["IPRange"] = e.ip_range;
        if (!e.gateway.empty()) c["Gateway"] = e.gateway;
        if (!e.aux.empty()) {
            ordered aux = ordered::object();
            for (const auto& [k, v] : e.aux) aux[k] = v;
            c["AuxiliaryAddresses"] = aux;
        }
        config.push_back(std::move(c));
    }
    return config;
}

ordered ordered_kv_map(const std::vector<std::string>& entries) {
    const nlohmann::json map = kv_map(entries);
    return ordered(map);
}

}  // namespace

nlohmann::ordered_json network_create_body(const NetworkCreateOptions& o) {
    if (o.name.empty()) throw UsageError("\"docker network create\" requires exactly 1 argument.");
    ordered body;
    body["Driver"] = o.driver;
    body["Scope"] = o.scope;
    if (o.ipv4) body["EnableIPv4"] = *o.ipv4;
    if (o.ipv6) body["EnableIPv6"] = *o.ipv6;
    body["IPAM"] = {{"Driver", o.ipam_driver}, {"Options", ordered_kv_map(o.ipam_options)}, {"Config", ipam_config(o)}};
    body["Internal"] = o.internal;
    body["Attachable"] = o.attachable;
    body["Ingress"] = o.ingress;
    body["ConfigOnly"] = o.config_only;
    body["ConfigFrom"] = o.config_from.empty() ? ordered(nullptr) : ordered{{"Network", o.config_from}};
    body["Options"] = ordered_kv_map(o.options);
    body["Labels"] = ordered_kv_map(o.labels);
    // docker's client adds CheckDuplicate only below API 1.44, which this CLI
    // never speaks; duplicates are always refused since then.
    body["Name"] = o.name;
    return body;
}

nlohmann::ordered_json endpoint_settings(const std::string& ipv4, const std::string& ipv6,
                                         const std::vector<std::string>& aliases, bool ipam_always,
                                         const nlohmann::json& driver_opts) {
    ordered ipam = ordered::object();
    if (!ipv4.empty()) ipam["IPv4Address"] = ipv4;
    if (!ipv6.empty()) ipam["IPv6Address"] = ipv6;
    ordered e;
    e["IPAMConfig"] = ipam.empty() && !ipam_always ? ordered(nullptr) : ipam;
    e["Links"] = nullptr;
    e["Aliases"] = aliases.empty() ? ordered(nullptr) : ordered(aliases);
    e["MacAddress"] = "";
    e["DriverOpts"] = ordered(driver_opts);
    e["GwPriority"] = 0;
    e["NetworkID"] = "";
    e["EndpointID"] = "";
    e["Gateway"] = "";
    e["IPAddress"] = "";
    e["IPPrefixLen"] = 0;
    e["IPv6Gateway"] = "";
    e["GlobalIPv6Address"] = "";
    e["GlobalIPv6PrefixLen"] = 0;
    e["DNSNames"] = nullptr;
    return e;
}

nlohmann::ordered_json network_connect_body(const std::string& container, const std::string& ipv4,
                                            const std::string& ipv6, const std::vector<std::string>& aliases,
                                            const std::vector<std::string>& driver_opts) {
    if (!ipv4.empty() && (!parse_address(ipv4) || parse_address(ipv4)->family != AF_INET))
        throw CliError("invalid IPv4 address: " + ipv4);
    if (!ipv6.empty() && (!parse_address(ipv6) || parse_address(ipv6)->family != AF_INET6))
        throw CliError("invalid IPv6 address: " + ipv6);
    ordered body;
    body["Container"] = container;
    body["EndpointConfig"] = endpoint_settings(ipv4, ipv6, aliases, true, kv_map(driver_opts));
    return body;
}

nlohmann::ordered_json network_disconnect_body(const std::string& container, bool force) {
    ordered body;
    body["Container"] = container;
    body["Force"] = force;
    return body;
}

std::vector<nlohmann::json> network_rows(const nlohmann::json& networks, bool no_trunc) {
    std::vector<nlohmann::json> rows;
    for (const auto& n : networks.is_array() ? networks : nlohmann::json::array()) {
        nlohmann::json row = n;
        const std::string id = field_or(n, "Id", "");
        row["ID"] = no_trunc ? id : truncate_id(id);
        row["Name"] = field_or(n, "Name", "");
        row["Driver"] = field_or(n, "Driver", "");
        row["Scope"] = field_or(n, "Scope", "");
        row["IPv4"] = field_or(n, "EnableIPv4", "true");
        row["IPv6"] = field_or(n, "EnableIPv6", "false");
        row["Internal"] = field_or(n, "Internal", "false");
        row["CreatedAt"] = field_or(n, "Created", "");
        std::string labels;
        for (const auto& [k, v] : object_field(n, "Labels").items())
            labels += (labels.empty() ? "" : ",") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
        row["Labels"] = labels;
        rows.push_back(std::move(row));
    }
    std::stable_sort(rows.begin(), rows.end(), [](const nlohmann::json& a, const nlohmann::json& b) {
        return a["Name"].get<std::string>() < b["Name"].get<std::string>();
    });
    return rows;
}

const std::map<std::string, std::string>& network_column_titles() {
    static const std::map<std::string, std::string> titles = {
        {"ID", "NETWORK ID"}, {"Name", "NAME"},         {"Driver", "DRIVER"}, {"Scope", "SCOPE"},
        {"IPv4", "IPV4"},     {"IPv6", "IPV6"},         {"Internal", "INTERNAL"}, {"Labels", "LABELS"},
        {"CreatedAt", "CREATED AT"}};
    return titles;
}

}  // namespace berth::cli
