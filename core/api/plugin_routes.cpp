#include "api/plugin_routes.h"

#include "events/event_log.h"

#include <nlohmann/json.hpp>
#include <openssl/evp.h>

#include <filesystem>

namespace berth::api {
namespace {

using json = nlohmann::json;

// Docker's interface type names, so `docker plugin ls` and docker-py read
// our drivers as what they are.
std::string interface_type(const std::string &kind) {
    if (kind == "storage") return "docker.graphdriver/1.0";
    if (kind == "network") return "docker.networkdriver/1.0";
    if (kind == "log") return "docker.logdriver/1.0";
    if (kind == "authz") return "docker.authz/1.0";
    return "berth." + kind + "driver/1.0";
}

std::string sha256_hex(const std::string &s) {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_Digest(s.data(), s.size(), md, &n, EVP_sha256(), nullptr);
    static const char *hex = "0123456789abcdef";
    std::string out;
    for (unsigned i = 0; i < n; ++i) {
        out.push_back(hex[md[i] >> 4]);
        out.push_back(hex[md[i] & 15]);
    }
    return out;
}

json plugin_json(const plugins::PluginRecord &r) {
    json drivers = json::array();
    json types = json::array();
    for (const auto &[kind, name] : r.drivers) {
        drivers.push_back({{"Kind", kind}, {"Name", name}});
        types.push_back(interface_type(kind));
    }
    const std::string name = r.name.empty() ? std::filesystem::path(r.file).filename().string() : r.name;
    return {
        {"Id", sha256_hex(r.file + "\n" + std::to_string(r.generation) + "\n" + r.state)},
        {"Name", name},
        {"Enabled", r.state == "active"},
        {"PluginReference", ""},
        {"Settings", {{"Mounts", json::array()}, {"Env", json::array()}, {"Args", json::array()}, {"Devices", json::array()}}},
        {"Config",
         {{"Description", r.description},
          {"Documentation", ""},
          {"Interface", {{"Types", types}, {"Socket", ""}}},
          {"Entrypoint", json::array()},
          {"WorkDir", ""},
          {"Network", {{"Type", ""}}},
          {"Linux", {{"Capabilities", json::array()}, {"AllowAllDevices", false}, {"Devices", json::array()}}},
          {"PropagatedMount", ""},
          {"Mounts", json::array()},
          {"Env", json::array()},
          {"Args", {{"Name", ""}, {"Description", ""}, {"Settable", json::array()}, {"Value", json::array()}}}}},
        {"Berth",
         {{"Name", name},
          {"Version", r.version},
          {"ABI", r.abi},
          {"File", r.file},
          {"State", r.state},
          {"Reason", r.reason},
          {"Generation", r.generation},
          {"Drivers", drivers},
          {"Vendor", r.vendor},
          {"Description", r.description}}},
    };
}

// {"enabled":{"true":true}} keeps active plugins only.
bool passes_filters(const json &filters, const plugins::PluginRecord &r) {
    if (!filters.is_object() || !filters.contains("enabled")) return true;
    for (auto it = filters["enabled"].begin(); it != filters["enabled"].end(); ++it) {
        const bool want = it.key() == "true" || it.key() == "1";
        if ((r.state == "active") == want) return true;
    }
    return false;
}

// action: the plugin event published on success ("upgrade" or "reload",
// berth's own actions: dockerd's install/enable/disable/remove have no
// counterpart in berth's in-process plugins).
Response swap_reply(const plugins::SwapResult &res, daemon::DaemonContext &ctx, const std::string &name,
                    const std::string &action) {
    if (!res.ok) throw ApiError(res.not_found ? 404 : 500, res.message);
    std::string version;
    for (const auto &r : ctx.plugins->list())
        if (r.generation == res.generation) version = r.version;
    ctx.events->log("plugin", action, name, {{"name", name}, {"version", version}});
    return Response::json(200, json{{"Generation", res.generation},
                                    {"HandedOver", res.handed_over},
                                    {"Version", version}}.dump());
}

} // namespace

void add_plugin_routes(Router &router, daemon::DaemonContext &ctx) {
    router.add("GET", "/plugins", [&ctx](Request &req) {
        json filters = json::object();
        if (const auto f = req.query_value("filters"); !f.empty()) {
            filters = json::parse(f, nullptr, false);
            if (filters.is_discarded()) throw ApiError(400, "invalid filters: " + f);
        }
        json out = json::array();
        for (const auto &r : ctx.plugins->list())
            if (passes_filters(filters, r)) out.push_back(plugin_json(r));
        return Response::json(200, out.dump());
    });

    router.add("POST", "/berth/plugins/{name}/upgrade", [&ctx](Request &req) {
        const json body = json::parse(req.body.empty() ? "{}" : req.body);
        if (!body.contains("File") || !body["File"].is_string())
            throw ApiError(400, "upgrade needs a JSON body {\"File\": \"/path/to/libberth-<kind>-<name>.so.1\"}");
        const std::string file = body["File"].get<std::string>();
        if (file.empty() || file[0] != '/') throw ApiError(400, "File must be an absolute path: " + file);
        if (!std::filesystem::exists(file)) throw ApiError(400, "no such file: " + file);
        return swap_reply(ctx.plugins->swap(req.params["name"], file), ctx, req.params["name"], "upgrade");
    });

    router.add("POST", "/berth/plugins/{name}/reload", [&ctx](Request &req) {
        return swap_reply(ctx.plugins->reload(req.params["name"]), ctx, req.params["name"], "reload");
    });
}

} // namespace berth::api
