#include <iostream>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "byte_units.h"
#include "commands/commands.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "format_template.h"
#include "json_text.h"

// `berth info`: the daemon's /info, printed like the Server section of
// `docker info`. Every field is optional because daemons of other versions
// report different sets, and a partial report beats an error.
namespace berth::cli {
namespace {

// " <label>: <value>" at the given depth, only if the field is present.
void line(const nlohmann::json& info, int depth, std::string_view label, std::string_view key) {
    if (auto value = field_text(info, key))
        std::cout << std::string(static_cast<std::size_t>(depth), ' ') << label << ": " << *value << '\n';
}

std::string join_strings(const nlohmann::json& list) {
    std::string out;
    for (const auto& item : list) {
        if (!item.is_string()) continue;
        if (!out.empty()) out += ' ';
        out += item.get<std::string>();
    }
    return out;
}

void print_containers(const nlohmann::json& info) {
    if (!field_text(info, "Containers")) return;
    line(info, 1, "Containers", "Containers");
    line(info, 2, "Running", "ContainersRunning");
    line(info, 2, "Paused", "ContainersPaused");
    line(info, 2, "Stopped", "ContainersStopped");
}

void print_storage(const nlohmann::json& info) {
    line(info, 1, "Storage Driver", "Driver");
    // DriverStatus is a list of [key, value] pairs, in the driver's order.
    for (const auto& pair : array_field(info, "DriverStatus")) {
        if (!pair.is_array() || pair.size() != 2) continue;
        auto key = scalar_text(pair[0]);
        auto value = scalar_text(pair[1]);
        if (key && value) std::cout << "  " << *key << ": " << *value << '\n';
    }
}

void print_plugins(const nlohmann::json& info) {
    const nlohmann::json& plugins = object_field(info, "Plugins");
    if (plugins.empty()) return;
    std::cout << " Plugins:\n";
    for (std::string_view kind : {"Volume", "Network", "Log"}) {
        const nlohmann::json& list = array_field(plugins, kind);
        // docker always shows Volume and Network, Log only when non-empty.
        if (kind == "Log" && list.empty()) continue;
        const std::string names = join_strings(list);
        std::cout << "  " << kind << ':' << (names.empty() ? "" : " " + names) << '\n';
    }
}

void print_memory(const nlohmann::json& info) {
    const auto it = info.find("MemTotal");
    if (it == info.end() || !it->is_number_integer() || it->get<std::int64_t>() < 0) return;
    std::cout << " Total Memory: " << binary_size(it->get<std::uint64_t>()) << '\n';
}

// docker's `info --format` runs the template on the server's fields with a
// ClientInfo object beside them ({{.ServerVersion}}, {{.ClientInfo.Debug}}).
int print_info_formatted(const nlohmann::json& info, const std::string& format) {
    const FormatTemplate tmpl(format);
    nlohmann::json value = info;
    value["ClientInfo"] = {{"Debug", false}, {"Context", "default"}, {"Plugins", nlohmann::json::array()},
                           {"Warnings", nullptr}};
    std::cout << tmpl.render(value) << '\n';
    return exit_code::kOk;
}

int run_info(const CliContext& ctx, const std::string& format) {
    const nlohmann::json info = json_reply(ctx.client().request("GET", api_path("/info")));
    if (!info.is_object()) throw CliError("the daemon sent an /info reply that is not a JSON object");
    if (!format.empty()) return print_info_formatted(info, format);

    std::cout << "Server:\n";
    print_containers(info);
    line(info, 1, "Images", "Images");
    line(info, 1, "Server Version", "ServerVersion");
    print_storage(info);
    line(info, 1, "Logging Driver", "LoggingDriver");
    line(info, 1, "Cgroup Driver", "CgroupDriver");
    line(info, 1, "Cgroup Version", "CgroupVersion");
    print_plugins(info);
    line(info, 1, "Kernel Version", "KernelVersion");
    line(info, 1, "Operating System", "OperatingSystem");
    line(info, 1, "OSType", "OSType");
    line(info, 1, "Architecture", "Architecture");
    line(info, 1, "CPUs", "NCPU");
    print_memory(info);
    line(info, 1, "Name", "Name");
    line(info, 1, "ID", "ID");
    line(info, 1, "Docker Root Dir", "DockerRootDir");
    line(info, 1, "Debug Mode", "Debug");

    // Warnings go to stderr, after the report, as docker does: they are
    // advice for a human and must not pollute parsed stdout.
    std::cout.flush();
    for (const auto& warning : array_field(info, "Warnings"))
        if (auto text = scalar_text(warning)) std::cerr << *text << '\n';
    return exit_code::kOk;
}

}  // namespace

void add_info_command(CLI::App& app, CliContext& ctx) {
    CLI::App* cmd = app.add_subcommand("info", "Display system-wide information");
    auto format = std::make_shared<std::string>();
    cmd->add_option("-f,--format", *format,
                    "Format output using a custom template: 'json' prints JSON, or a Go template such as "
                    "'{{.ServerVersion}}'");
    on_selected(*cmd, ctx, [&ctx, format] { return run_info(ctx, *format); });
}

}  // namespace berth::cli
