#include <algorithm>
#include <memory>
#include <ostream>

#include <CLI/CLI.hpp>

#include "commands/container_commands.h"
#include "container_api.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "json_text.h"
#include "query_string.h"

// Read-only views of one container: `top` (its processes), `port` (its
// published ports) and `diff` (its filesystem changes).
namespace berth::cli {
namespace {

// Go's tabwriter as `docker top` sets it up: minimum width 20, padding 3.
void print_top_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows) {
    std::vector<std::size_t> widths;
    for (const auto& row : rows)
        for (std::size_t i = 0; i + 1 < row.size(); ++i) {
            if (widths.size() <= i) widths.resize(i + 1, 0);
            widths[i] = std::max(widths[i], std::max<std::size_t>(row[i].size() + 3, 20));
        }
    for (const auto& row : rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            out << row[i];
            if (i + 1 < row.size()) out << std::string(widths[i] - row[i].size(), ' ');
        }
        out << '\n';
    }
}

std::string host_address(const nlohmann::json& binding) {
    std::string ip = field_or(binding, "HostIp", "");
    if (ip.find(':') != std::string::npos) ip = "[" + ip + "]";
    return ip + ":" + field_or(binding, "HostPort", "");
}

unsigned port_number(const std::string& key) { return static_cast<unsigned>(std::strtoul(key.c_str(), nullptr, 10)); }

}  // namespace

int run_top(const CliContext& ctx, const TopOptions& options) {
    QueryString query;
    if (!options.ps_args.empty()) {
        std::string args;
        for (const auto& a : options.ps_args) args += (args.empty() ? "" : " ") + a;
        query.add("ps_args", args);
    }
    const nlohmann::json top = json_reply(ctx.client().request("GET", container_target(options.container, "/top" + query.str())));
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> titles;
    for (const auto& t : array_field(top, "Titles")) titles.push_back(t.is_string() ? t.get<std::string>() : t.dump());
    rows.push_back(titles);
    for (const auto& process : array_field(top, "Processes")) {
        std::vector<std::string> row;
        for (const auto& cell : process) row.push_back(cell.is_string() ? cell.get<std::string>() : cell.dump());
        rows.push_back(row);
    }
    print_top_table(*ctx.console.out, rows);
    ctx.console.out->flush();
    return exit_code::kOk;
}

int run_port(const CliContext& ctx, const PortOptions& options) {
    const nlohmann::json info = inspect_container(ctx.client(), options.container);
    const auto& ports = object_field(object_field(info, "NetworkSettings"), "Ports");
    std::ostream& out = *ctx.console.out;
    if (!options.port.empty()) {
        std::string key = options.port;
        if (key.find('/') == std::string::npos) key += "/tcp";
        const auto it = ports.find(key);
        if (it == ports.end() || !it->is_array() || it->empty())
            throw CliError("Error: No public port '" + options.port + "' published for " + options.container);
        std::vector<std::string> lines;
        for (const auto& binding : *it) lines.push_back(host_address(binding));
        // docker sorts its lines: "0.0.0.0:8080" before "[::]:8080".
        std::sort(lines.begin(), lines.end());
        for (const auto& line : lines) out << line << '\n';
        return exit_code::kOk;
    }
    std::vector<std::string> lines;
    for (const auto& [key, value] : ports.items())
        if (value.is_array())
            for (const auto& binding : value) lines.push_back(key + " -> " + host_address(binding));
    // docker's natural sort of whole lines: by port number, then as text.
    std::sort(lines.begin(), lines.end(), [](const std::string& a, const std::string& b) {
        if (port_number(a) != port_number(b)) return port_number(a) < port_number(b);
        return a < b;
    });
    for (const auto& line : lines) out << line << '\n';
    out.flush();
    return exit_code::kOk;
}

int run_diff(const CliContext& ctx, const DiffOptions& options) {
    const nlohmann::json changes = json_reply(ctx.client().request("GET", container_target(options.container, "/changes")));
    std::ostream& out = *ctx.console.out;
    for (const auto& change : changes.is_array() ? changes : nlohmann::json::array()) {
        const int kind = change.value("Kind", 0);
        const char letter = kind == 1 ? 'A' : kind == 2 ? 'D' : 'C';
        out << letter << ' ' << field_or(change, "Path", "") << '\n';
    }
    out.flush();
    return exit_code::kOk;
}

void add_top_command(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<TopOptions>();
    CLI::App* cmd = parent.add_subcommand("top", "Display the running processes of a container");
    cmd->positionals_at_end(true);
    cmd->add_option("CONTAINER", o->container, "Container")->required();
    cmd->add_option("PS_OPTIONS", o->ps_args, "ps options");
    on_selected(*cmd, ctx, [&ctx, o] { return run_top(ctx, *o); });
}

void add_port_command(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<PortOptions>();
    CLI::App* cmd = parent.add_subcommand("port", "List port mappings or a specific mapping for the container");
    cmd->add_option("CONTAINER", o->container, "Container")->required();
    cmd->add_option("PRIVATE_PORT", o->port, "PRIVATE_PORT[/PROTO]");
    on_selected(*cmd, ctx, [&ctx, o] { return run_port(ctx, *o); });
}

void add_diff_command(CLI::App& parent, CliContext& ctx) {
    auto o = std::make_shared<DiffOptions>();
    CLI::App* cmd = parent.add_subcommand("diff", "Inspect changes to files or directories on a container's filesystem");
    cmd->add_option("CONTAINER", o->container, "Container")->required();
    on_selected(*cmd, ctx, [&ctx, o] { return run_diff(ctx, *o); });
}

}  // namespace berth::cli
