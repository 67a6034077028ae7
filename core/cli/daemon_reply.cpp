#include "daemon_reply.h"

#include <string>

#include "errors.h"

namespace berth::cli {
namespace {

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return std::string(text.substr(first, last - first + 1));
}

std::string daemon_message(const HttpResponse& response) {
    const auto parsed = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_object()) {
        const auto it = parsed.find("message");
        if (it != parsed.end() && it->is_string() && !it->get_ref<const std::string&>().empty())
            return it->get<std::string>();
    }
    // Proxies and half-started daemons answer in plain text; show that
    // rather than hiding it behind a bare status number.
    std::string text = trim(response.body);
    if (!text.empty()) return text;
    return "HTTP status " + std::to_string(response.status);
}

}  // namespace

void throw_if_daemon_error(const HttpResponse& response) {
    if (response.status >= 400) throw DaemonError(response.status, daemon_message(response));
}

nlohmann::json json_reply(const HttpResponse& response) {
    throw_if_daemon_error(response);
    auto parsed = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
    if (parsed.is_discarded()) throw CliError("the daemon sent a reply that is not valid JSON");
    return parsed;
}

}  // namespace berth::cli
