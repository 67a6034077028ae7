#include "container_api.h"

#include "api_path.h"
#include "daemon_reply.h"
#include "errors.h"
#include "json_text.h"

namespace berth::cli {

std::string container_target(std::string_view name_or_id, std::string_view suffix) {
    return api_path("/containers/" + escape_path_segment(name_or_id) + std::string(suffix));
}

nlohmann::json inspect_container(const DaemonClient& client, std::string_view name) {
    return json_reply(client.request("GET", container_target(name, "/json")));
}

void expect_ok(const DaemonClient& client, std::string_view method, const std::string& target,
               std::string_view body) {
    throw_if_daemon_error(client.request(method, target, body));
}

std::string filters_json(const std::vector<std::string>& filters) {
    nlohmann::json args = nlohmann::json::object();
    for (const auto& filter : filters) {
        const auto eq = filter.find('=');
        if (eq == std::string::npos) throw CliError("bad format of filter (expected name=value)");
        args[filter.substr(0, eq)][filter.substr(eq + 1)] = true;
    }
    return args.empty() ? std::string() : dump_json(args);
}

}  // namespace berth::cli
