#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/image_commands.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "format_template.h"
#include "query_string.h"

// `berth image inspect NAME...`: GET /images/{name}/json for each name and a
// JSON array of the results (4-space indent, the daemon's key order), or one
// --format line per image. Names that fail are reported after the output,
// and the command then exits 1, as docker does.
namespace berth::cli {

int run_image_inspect(const CliContext& ctx, const InspectOptions& options) {
    std::optional<FormatTemplate> tmpl;
    if (!options.format.empty()) tmpl.emplace(options.format);

    const DaemonClient client = ctx.client();
    nlohmann::ordered_json found = nlohmann::ordered_json::array();
    std::string errors;
    std::ostream& out = *ctx.console.out;
    for (const auto& name : options.names) {
        const HttpResponse response = client.request("GET", api_path("/images/" + image_path(name) + "/json"));
        try {
            throw_if_daemon_error(response);
        } catch (const DaemonError& e) {
            errors += (errors.empty() ? "" : "\n") + std::string(e.what());
            continue;
        }
        auto image = nlohmann::ordered_json::parse(response.body, nullptr, /*allow_exceptions=*/false);
        if (image.is_discarded()) throw CliError("the daemon sent a reply that is not valid JSON");
        if (tmpl)
            out << tmpl->render(nlohmann::json::parse(response.body)) << '\n';
        else
            found.push_back(std::move(image));
    }
    if (!tmpl) out << found.dump(4, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    out.flush();
    if (!errors.empty()) throw CliError(errors);
    return exit_code::kOk;
}

void add_image_inspect_command(CLI::App& parent, CliContext& ctx) {
    auto options = std::make_shared<InspectOptions>();
    CLI::App* cmd = parent.add_subcommand("inspect", "Display detailed information on one or more images");
    cmd->add_option("IMAGE", options->names, "Images to inspect")->required();
    cmd->add_option("-f,--format", options->format, "Format output using a custom template ({{.Id}}, {{json .X}})");
    on_selected(*cmd, ctx, [&ctx, options] { return run_image_inspect(ctx, *options); });
}

}  // namespace berth::cli
