#include <iostream>
#include <optional>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "build_info.h"
#include "commands/commands.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "field_block.h"
#include "format_template.h"
#include "json_text.h"

// `berth version`: client facts, then what the daemon reports about itself,
// laid out like `docker version`.
namespace berth::cli {
namespace {

void print_client() {
    FieldBlock block(1);
    block.add("Version", std::string(kClientVersion));
    block.add("API version", std::string(kApiVersion));
    block.add("OS/Arch", std::string(kClientOs) + "/" + std::string(kClientArch));
    std::cout << "Client:\n";
    block.print(std::cout);
}

// The engine itself, from the top-level /version fields. Printed even when
// the daemon lists no "Engine" component, which older daemons omit.
void print_engine(const nlohmann::json& version) {
    const nlohmann::json* details = nullptr;
    for (const auto& component : array_field(version, "Components"))
        if (field_or(component, "Name", "") == "Engine") details = &object_field(component, "Details");
    const auto get = [&](std::string_view key) -> std::optional<std::string> {
        if (auto top = field_text(version, key)) return top;
        if (details != nullptr) return field_text(*details, key);
        return std::nullopt;
    };

    FieldBlock block(2);
    if (auto v = get("Version")) block.add("Version", *v);
    if (auto api = get("ApiVersion")) {
        auto min = get("MinAPIVersion");
        block.add("API version", min ? *api + " (minimum version " + *min + ")" : *api);
    }
    if (auto go = get("GoVersion")) block.add("Go version", *go);
    if (auto commit = get("GitCommit")) block.add("Git commit", *commit);
    if (auto built = get("BuildTime")) block.add("Built", *built);
    auto os = get("Os");
    auto arch = get("Arch");
    if (os || arch) block.add("OS/Arch", os.value_or("") + "/" + arch.value_or(""));
    if (auto kernel = get("KernelVersion")) block.add("Kernel version", *kernel);
    if (auto experimental = get("Experimental")) block.add("Experimental", *experimental);
    std::cout << " Engine:\n";
    block.print(std::cout);
}

void print_other_components(const nlohmann::json& version) {
    for (const auto& component : array_field(version, "Components")) {
        const std::string name = field_or(component, "Name", "");
        if (name.empty() || name == "Engine") continue;
        FieldBlock block(2);
        if (auto v = field_text(component, "Version")) block.add("Version", *v);
        // nlohmann objects iterate in key order: stable output, as docker
        // sorts detail keys too.
        for (const auto& detail : object_field(component, "Details").items())
            if (auto text = scalar_text(detail.value())) block.add(detail.key(), *text);
        std::cout << ' ' << name << ":\n";
        block.print(std::cout);
    }
}

// The client half of docker's version template data ({{.Client.Version}}).
nlohmann::json client_fields() {
    return {{"Platform", {{"Name", "Berth"}}},
            {"Version", std::string(kClientVersion)},
            {"ApiVersion", std::string(kApiVersion)},
            {"DefaultAPIVersion", std::string(kApiVersion)},
            {"Os", std::string(kClientOs)},
            {"Arch", std::string(kClientArch)},
            {"Context", "default"}};
}

// `version --format`: {{.Client.X}} and {{.Server.X}} (the daemon's
// /version reply). As docker does, the template still runs when the daemon
// is unreachable, with Server empty, and the error follows it.
int run_version_formatted(const CliContext& ctx, const std::string& format) {
    const FormatTemplate tmpl(format);
    nlohmann::json value = {{"Client", client_fields()}, {"Server", nullptr}};
    std::optional<CliError> failure;
    try {
        value["Server"] = json_reply(ctx.client().request("GET", api_path("/version")));
    } catch (const CliError& e) {
        failure = e;
    }
    std::cout << tmpl.render(value) << '\n';
    std::cout.flush();
    if (failure) throw *failure;
    return exit_code::kOk;
}

int run_version(const CliContext& ctx) {
    print_client();
    // The client half is useful on its own (e.g. in bug reports when the
    // daemon is down), so get it out before we possibly fail below.
    std::cout.flush();

    const nlohmann::json version = json_reply(ctx.client().request("GET", api_path("/version")));
    const std::string platform = field_or(object_field(version, "Platform"), "Name", "");
    std::cout << "\nServer:" << (platform.empty() ? "" : " " + platform) << '\n';
    print_engine(version);
    print_other_components(version);
    return exit_code::kOk;
}

}  // namespace

void add_version_command(CLI::App& app, CliContext& ctx) {
    CLI::App* cmd = app.add_subcommand("version", "Show the Berth version information");
    auto format = std::make_shared<std::string>();
    cmd->add_option("-f,--format", *format,
                    "Format output using a custom template: 'json' prints JSON, or a Go template such as "
                    "'{{.Server.Version}}'");
    on_selected(*cmd, ctx, [&ctx, format] {
        return format->empty() ? run_version(ctx) : run_version_formatted(ctx, *format);
    });
}

}  // namespace berth::cli
