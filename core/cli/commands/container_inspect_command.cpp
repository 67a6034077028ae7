#include <memory>
#include <optional>
#include <ostream>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/container_commands.h"
#include "container_api.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "format_template.h"
#include "query_string.h"

// `berth container inspect` and the top-level `berth inspect`, which tries
// each name as a container, then an image, then a volume, moving on only when
// the daemon answers 404 (docker's inspect.Inspect).
namespace berth::cli {
namespace {

using Lookup = std::function<HttpResponse(const std::string& name)>;

struct Kind {
    std::string type;  // "container", "image", "volume"
    Lookup lookup;
};

int inspect_with(const CliContext& ctx, const ContainerInspectOptions& options, const std::vector<Kind>& kinds,
                 bool report_as_object) {
    std::optional<FormatTemplate> tmpl;
    if (!options.format.empty()) tmpl.emplace(options.format);
    nlohmann::ordered_json found = nlohmann::ordered_json::array();
    std::string errors;
    std::ostream& out = *ctx.console.out;
    for (const auto& name : options.names) {
        std::optional<HttpResponse> hit;
        std::string last_error;
        bool not_found = true;
        for (const auto& kind : kinds) {
            HttpResponse response = kind.lookup(name);
            if (response.status < 400) {
                hit = std::move(response);
                break;
            }
            try {
                throw_if_daemon_error(response);
            } catch (const DaemonError& e) {
                last_error = e.what();
                if (e.http_status() != 404) {
                    not_found = false;
                    break;
                }
            }
        }
        if (!hit) {
            if (report_as_object && not_found) last_error = "Error: No such object: " + name;
            errors += (errors.empty() ? "" : "\n") + last_error;
            continue;
        }
        auto value = nlohmann::ordered_json::parse(hit->body, nullptr, false);
        if (value.is_discarded()) throw CliError("the daemon sent a reply that is not valid JSON");
        if (tmpl)
            out << tmpl->render(nlohmann::json::parse(hit->body)) << '\n';
        else
            found.push_back(std::move(value));
    }
    if (!tmpl) out << found.dump(4, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    out.flush();
    if (!errors.empty()) throw CliError(errors);
    return exit_code::kOk;
}

Kind container_kind(const CliContext& ctx, bool size) {
    return {"container", [&ctx, size](const std::string& name) {
                return ctx.client().request("GET", container_target(name, size ? "/json?size=1" : "/json"));
            }};
}

}  // namespace

int run_container_inspect(const CliContext& ctx, const ContainerInspectOptions& options) {
    return inspect_with(ctx, options, {container_kind(ctx, options.size)}, false);
}

int run_inspect_any(const CliContext& ctx, const ContainerInspectOptions& options) {
    std::vector<Kind> kinds = {
        container_kind(ctx, options.size),
        {"image", [&ctx](const std::string& name) {
             return ctx.client().request("GET", api_path("/images/" + image_path(name) + "/json"));
         }},
        {"volume", [&ctx](const std::string& name) {
             return ctx.client().request("GET", api_path("/volumes/" + escape_path_segment(name)));
         }},
    };
    if (!options.type.empty()) {
        std::vector<Kind> chosen;
        for (auto& k : kinds)
            if (k.type == options.type) chosen.push_back(k);
        if (chosen.empty()) throw CliError("\"" + options.type + "\" is not a valid value for --type");
        return inspect_with(ctx, options, chosen, false);
    }
    return inspect_with(ctx, options, kinds, true);
}

void add_container_inspect_command(CLI::App& parent, CliContext& ctx) {
    const bool top_level = parent.get_parent() == nullptr;
    auto o = std::make_shared<ContainerInspectOptions>();
    CLI::App* cmd = parent.add_subcommand(
        "inspect", top_level ? "Return low-level information on Docker objects"
                             : "Display detailed information on one or more containers");
    cmd->add_option("NAME", o->names, "Names or IDs")->required();
    cmd->add_option("-f,--format", o->format, "Format output using a custom template");
    cmd->add_flag("-s,--size", o->size, "Display total file sizes");
    if (top_level) cmd->add_option("--type", o->type, "Only inspect objects of the given type");
    on_selected(*cmd, ctx, [&ctx, o, top_level] {
        return top_level ? run_inspect_any(ctx, *o) : run_container_inspect(ctx, *o);
    });
}

}  // namespace berth::cli
