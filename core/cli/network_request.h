#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

// The bodies docker's CLI (28) sends for the network commands, and the rows
// `network ls` prints, as pure functions so they are testable without a
// daemon. Ordered JSON keeps docker's field order on the wire.
namespace berth::cli {

struct NetworkCreateOptions {
    std::string name;
    std::string driver = "bridge";
    std::vector<std::string> subnets;
    std::vector<std::string> gateways;
    std::vector<std::string> ip_ranges;
    std::vector<std::string> aux_addresses;  // name=ip
    std::string ipam_driver = "default";
    std::vector<std::string> ipam_options;  // k=v
    std::vector<std::string> options;       // -o k=v
    std::vector<std::string> labels;        // k=v
    std::string scope;
    std::string config_from;
    std::optional<bool> ipv4;  // only sent when given, as docker's *bool
    std::optional<bool> ipv6;
    bool internal = false;
    bool attachable = false;
    bool ingress = false;
    bool config_only = false;
};

// POST /networks/create. Checks what docker's CLI checks before sending
// (every gateway, range and auxiliary address inside exactly one --subnet,
// one gateway per subnet, no overlapping subnets); throws CliError naming
// the offending value.
nlohmann::ordered_json network_create_body(const NetworkCreateOptions& options);

// An EndpointSettings as docker sends it for `run --network-alias/--ip` and
// `network connect`. `ipam_always` gives an empty IPAMConfig object instead
// of null when no address is asked for (connect does, run does not).
nlohmann::ordered_json endpoint_settings(const std::string& ipv4, const std::string& ipv6,
                                         const std::vector<std::string>& aliases, bool ipam_always,
                                         const nlohmann::json& driver_opts);

// POST /networks/{id}/connect and /disconnect.
nlohmann::ordered_json network_connect_body(const std::string& container, const std::string& ipv4,
                                            const std::string& ipv6, const std::vector<std::string>& aliases,
                                            const std::vector<std::string>& driver_opts);
nlohmann::ordered_json network_disconnect_body(const std::string& container, bool force);

// The rows of `network ls` (docker's networkContext fields: ID, Name,
// Driver, Scope, IPv4, IPv6, Internal, Labels, CreatedAt), sorted by name as
// docker does. IDs are cut to 12 characters unless `no_trunc`.
std::vector<nlohmann::json> network_rows(const nlohmann::json& networks, bool no_trunc);

// Default --format of `network ls`, and its column titles.
inline constexpr const char* kNetworkTableFormat = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}";
const std::map<std::string, std::string>& network_column_titles();

}  // namespace berth::cli
