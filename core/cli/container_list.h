#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

// `ps`: the rows docker's container formatter makes of GET /containers/json,
// apart from the command so they can be tested without a daemon.
namespace berth::cli {

struct ContainerListFormat {
    bool no_trunc = false;
};

// One object per container with docker's template fields: ID, Image,
// Command (quoted), CreatedAt, RunningFor, Ports, State, Status, Size, Names,
// Labels, Mounts, Networks, LocalVolumes.
std::vector<nlohmann::json> container_rows(const nlohmann::json& containers, const ContainerListFormat& format,
                                           std::int64_t now_unix);

// docker's default ps table, with SIZE when sizes were asked for.
std::string default_ps_format(bool size);

const std::map<std::string, std::string>& container_titles();

// api/types.DisplayablePorts: "0.0.0.0:8080->80/tcp, 443/tcp", ranges grouped.
std::string displayable_ports(const nlohmann::json& ports);

// Go's strconv.Quote for the COMMAND column.
std::string go_quote(const std::string& text);

}  // namespace berth::cli
