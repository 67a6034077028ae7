#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "daemon_client.h"

// Small request helpers the container and volume commands share.
namespace berth::cli {

// "/v1.44/containers/<escaped name>" + suffix.
std::string container_target(std::string_view name_or_id, std::string_view suffix = {});

// GET /containers/{id}/json; DaemonError on failure.
nlohmann::json inspect_container(const DaemonClient& client, std::string_view name);

// A request whose success reply carries no body the command needs
// (start/stop/kill/pause...); throws DaemonError for >= 400.
void expect_ok(const DaemonClient& client, std::string_view method, const std::string& target,
               std::string_view body = {});

// The filters= JSON of list and prune endpoints, {"k":{"v":true}}, from
// key=value flags; "" when there are none.
std::string filters_json(const std::vector<std::string>& filters);

}  // namespace berth::cli
