#include "containers/service/create_config.h"

#include "containers/service/restart_policy.h"
#include "containers/service/service_internal.h"
#include "containers/service/signals.h"
#include "containers/store/errors.h"
#include "images/image_service.h"
#include "images/layer_store.h"

namespace berth::containers {
namespace {

bool set(const json &j, const char *key) {
    if (!j.contains(key) || j[key].is_null()) return false;
    if (j[key].is_string()) return !j[key].get<std::string>().empty();
    if (j[key].is_array() || j[key].is_object()) return !j[key].empty();
    return true;
}

std::string env_key(const std::string &e) { return e.substr(0, e.find('=')); }

// The request's Config over the image's, field by field as moby's merge().
json merge_config(const json &image_cfg, const json &req) {
    json out = req;
    // Env: the image's, each overridden by a request entry with the same key.
    std::vector<std::string> env;
    if (image_cfg.contains("Env") && image_cfg["Env"].is_array())
        for (const auto &e : image_cfg["Env"]) env.push_back(e.get<std::string>());
    if (req.contains("Env") && req["Env"].is_array())
        for (const auto &e : req["Env"]) {
            if (!e.is_string()) throw InvalidArgument("invalid environment variable: not a string");
            const std::string s = e.get<std::string>();
            if (s.empty() || s[0] == '=') throw InvalidArgument("invalid environment variable: " + s);
            bool replaced = false;
            for (auto &x : env)
                if (env_key(x) == env_key(s)) {
                    x = s;
                    replaced = true;
                }
            if (!replaced) env.push_back(s);
        }
    out["Env"] = env;
    // Entrypoint from the request resets the image's Cmd (dockerd: a new
    // entrypoint without a new cmd runs with no arguments).
    if (!set(req, "Entrypoint")) {
        if (set(image_cfg, "Entrypoint")) out["Entrypoint"] = image_cfg["Entrypoint"];
        if (!set(req, "Cmd") && set(image_cfg, "Cmd")) out["Cmd"] = image_cfg["Cmd"];
    }
    for (const char *k : {"WorkingDir", "User", "StopSignal", "Healthcheck", "OnBuild", "Shell"})
        if (!set(req, k) && set(image_cfg, k)) out[k] = image_cfg[k];
    for (const char *k : {"Labels", "ExposedPorts", "Volumes"}) {
        json merged = image_cfg.contains(k) && image_cfg[k].is_object() ? image_cfg[k] : json::object();
        if (req.contains(k) && req[k].is_object())
            for (const auto &[key, v] : req[k].items()) merged[key] = v;
        if (!merged.empty()) out[k] = merged;
        else out[k] = nullptr;
    }
    if (req.contains("Healthcheck") && req["Healthcheck"].is_object() && image_cfg.contains("Healthcheck") &&
        image_cfg["Healthcheck"].is_object()) {
        // Unset fields of --health-* inherit the image's HEALTHCHECK.
        json h = image_cfg["Healthcheck"];
        for (const auto &[key, v] : req["Healthcheck"].items())
            if (!v.is_null() && !(v.is_number() && v == 0) && !(v.is_array() && v.empty())) h[key] = v;
        out["Healthcheck"] = h;
    }
    return out;
}

std::vector<std::string> strings_of(const json &v) {
    std::vector<std::string> out;
    if (v.is_string()) out.push_back(v.get<std::string>());
    else if (v.is_array())
        for (const auto &s : v)
            if (s.is_string()) out.push_back(s.get<std::string>());
    return out;
}

// Members whose JSON type Go's decoder would check: a list or a map given
// as anything else (Env as one string, Mounts as an object) is a 400, not
// silently dropped or misread further on. Cmd, Entrypoint, CapAdd and
// CapDrop are left out: Docker's StrSlice takes a single string too.
struct MemberType {
    const char *key;
    json::value_t type;
    const char *go_type;
};
constexpr MemberType kConfigMemberTypes[] = {
    {"Env", json::value_t::array, "[]string"},
    {"Labels", json::value_t::object, "map[string]string"},
    {"Volumes", json::value_t::object, "map[string]struct {}"},
    {"ExposedPorts", json::value_t::object, "nat.PortSet"},
    {"Healthcheck", json::value_t::object, "container.HealthConfig"},
    {"NetworkingConfig", json::value_t::object, "network.NetworkingConfig"},
};
constexpr MemberType kHostConfigMemberTypes[] = {
    {"Binds", json::value_t::array, "[]string"},
    {"Mounts", json::value_t::array, "[]mount.Mount"},
    {"Dns", json::value_t::array, "[]string"},
    {"DnsOptions", json::value_t::array, "[]string"},
    {"DnsSearch", json::value_t::array, "[]string"},
    {"ExtraHosts", json::value_t::array, "[]string"},
    {"SecurityOpt", json::value_t::array, "[]string"},
    {"GroupAdd", json::value_t::array, "[]string"},
    {"PortBindings", json::value_t::object, "nat.PortMap"},
    {"RestartPolicy", json::value_t::object, "container.RestartPolicy"},
    {"LogConfig", json::value_t::object, "container.LogConfig"},
    {"Tmpfs", json::value_t::object, "map[string]string"},
    {"Sysctls", json::value_t::object, "map[string]string"},
    {"Runtime", json::value_t::string, "string"},
    {"NetworkMode", json::value_t::string, "container.NetworkMode"},
    {"IpcMode", json::value_t::string, "container.IpcMode"},
    {"PidMode", json::value_t::string, "container.PidMode"},
    {"UTSMode", json::value_t::string, "container.UTSMode"},
    {"UsernsMode", json::value_t::string, "container.UsernsMode"},
    {"CgroupnsMode", json::value_t::string, "container.CgroupnsMode"},
    {"CgroupParent", json::value_t::string, "string"},
    {"VolumeDriver", json::value_t::string, "string"},
};

template <size_t N>
void check_member_types(const json &object, const char *struct_name, const MemberType (&types)[N]) {
    for (const auto &t : types) {
        const auto it = object.find(t.key);
        if (it == object.end() || it->is_null() || it->type() == t.type) continue;
        throw InvalidArgument(std::string("invalid JSON: json: cannot unmarshal ") + it->type_name() +
                              " into Go struct field " + struct_name + "." + t.key + " of type " + t.go_type);
    }
}

} // namespace

CreateRequest parse_create_request(const std::string &body, const std::string &platform,
                                   images::ImageService &images, const ContainerServiceConfig &cfg) {
    (void)platform;
    if (body.empty()) throw InvalidArgument("invalid JSON: got EOF while reading request body");
    json j = json::parse(body, nullptr, false);
    if (j.is_discarded()) {
        try {
            const auto strict = json::parse(body);
            (void)strict;
        } catch (const json::exception &e) {
            // parse_error, and out_of_range for a number beyond a double (1e400).
            throw InvalidArgument(std::string("invalid JSON: ") + e.what());
        }
    }
    if (!j.is_object()) throw InvalidArgument("invalid JSON: the create body must be a JSON object");
    // Go's decoder refuses a wrongly typed field before anything else looks at it.
    for (const char *key : {"Image", "Hostname", "Domainname", "User", "WorkingDir", "StopSignal"})
        if (j.contains(key) && !j[key].is_null() && !j[key].is_string())
            throw InvalidArgument(std::string("invalid JSON: json: cannot unmarshal ") + j[key].type_name() +
                                  " into Go struct field CreateRequest." + key + " of type string");
    for (const char *key : {"Tty", "OpenStdin", "StdinOnce", "AttachStdin", "AttachStdout", "AttachStderr"})
        if (j.contains(key) && !j[key].is_null() && !j[key].is_boolean())
            throw InvalidArgument(std::string("invalid JSON: json: cannot unmarshal ") + j[key].type_name() +
                                  " into Go struct field CreateRequest." + key + " of type bool");
    if (j.contains("HostConfig") && !j["HostConfig"].is_null() && !j["HostConfig"].is_object())
        throw InvalidArgument(std::string("invalid JSON: json: cannot unmarshal ") + j["HostConfig"].type_name() +
                              " into Go struct field CreateRequest.HostConfig of type container.HostConfig");
    check_member_types(j, "CreateRequest", kConfigMemberTypes);
    if (j.contains("HostConfig") && j["HostConfig"].is_object())
        check_member_types(j["HostConfig"], "HostConfig", kHostConfigMemberTypes);

    CreateRequest out;
    json hc = j.contains("HostConfig") && j["HostConfig"].is_object() ? j["HostConfig"] : json::object();
    j.erase("HostConfig");
    if (j.contains("NetworkingConfig") && j["NetworkingConfig"].is_object()) {
        const json &ec = j["NetworkingConfig"].value("EndpointsConfig", json::object());
        if (!ec.is_null() && !ec.is_object())
            throw InvalidArgument("invalid JSON: json: cannot unmarshal " + std::string(ec.type_name()) +
                                  " into Go struct field NetworkingConfig.NetworkingConfig.EndpointsConfig of type "
                                  "map[string]*network.EndpointSettings");
        if (ec.is_object()) out.endpoints_config = ec;
    }
    j.erase("NetworkingConfig");

    const std::string image_name = value_or<std::string>(j, "Image", "");
    if (image_name.empty()) throw InvalidArgument("no image specified");
    out.image = images.resolve(image_name);
    out.image_name = image_name;
    if (!out.image.top_chain().empty()) {
        auto rec = images.layers().get(out.image.top_chain());
        if (!rec) throw InternalError("image " + out.image.id + " lacks its top layer");
        out.top_layer_cache_id = rec->cache_id;
    }
    const json image_cfg = json::parse(out.image.config.config_json, nullptr, false);
    out.config = merge_config(image_cfg.is_object() ? image_cfg : json::object(), j);
    out.config["Image"] = image_name;
    // `--entrypoint ""` clears the image's entrypoint (dockerd resets [""]).
    if (out.config.contains("Entrypoint") && out.config["Entrypoint"] == json::array({""}))
        out.config["Entrypoint"] = nullptr;

    // Path and Args: entrypoint then cmd.
    std::vector<std::string> argv = strings_of(out.config.value("Entrypoint", json()));
    for (const auto &a : strings_of(out.config.value("Cmd", json()))) argv.push_back(a);
    if (argv.empty()) throw InvalidArgument("no command specified");
    out.path = argv[0];
    out.args.assign(argv.begin() + 1, argv.end());

    if (set(out.config, "StopSignal")) (void)parse_signal(out.config["StopSignal"].get<std::string>());

    // HostConfig defaults and checks.
    if (!hc.contains("NetworkMode") || hc["NetworkMode"].is_null() || hc["NetworkMode"] == "")
        hc["NetworkMode"] = "default";
    if (cfg.default_network_none && hc["NetworkMode"] == "default") hc["NetworkMode"] = "none";
    // docker 28 keys the EndpointsConfig entry by NetworkMode as typed:
    // "default" is the default bridge, kept under that network's name (and
    // dropped when there is no default bridge).
    if (out.endpoints_config.contains("default")) {
        json entry = out.endpoints_config["default"];
        out.endpoints_config.erase("default");
        if (hc["NetworkMode"] == "default" && !out.endpoints_config.contains("bridge"))
            out.endpoints_config["bridge"] = entry;
    }
    const RestartPolicy policy = parse_restart_policy(hc.dump());
    if (value_or<bool>(hc, "AutoRemove", false) && !policy.is_none())
        throw InvalidArgument("can't create 'AutoRemove' container with restart policy");
    if (!hc.contains("RestartPolicy") || !hc["RestartPolicy"].is_object())
        hc["RestartPolicy"] = {{"Name", "no"}, {"MaximumRetryCount", 0}};
    json log_config = hc.contains("LogConfig") && hc["LogConfig"].is_object() ? hc["LogConfig"] : json::object();
    std::string log_type = value_or<std::string>(log_config, "Type", "");
    if (log_type.empty()) log_type = cfg.default_log_driver;
    json log_opts = log_config.contains("Config") && log_config["Config"].is_object() ? log_config["Config"]
                                                                                      : json::object();
    if (log_opts.empty() && log_type == cfg.default_log_driver)
        for (const auto &[k, v] : cfg.default_log_opts) log_opts[k] = v;
    hc["LogConfig"] = {{"Type", log_type}, {"Config", log_opts}};
    out.log_driver = log_type;
    out.log_opts_json = log_opts.dump();
    if (!set(hc, "Runtime")) hc["Runtime"] = cfg.default_runtime;
    else if (hc["Runtime"] != "runc" && hc["Runtime"] != cfg.default_runtime && !cfg.runtimes.count(hc["Runtime"]))
        throw InvalidArgument("unknown or invalid runtime name: " + hc["Runtime"].get<std::string>());
    if (value_or<int64_t>(hc, "Memory", 0) > 0 && value_or<int64_t>(hc, "Memory", 0) < 6 * 1024 * 1024)
        throw InvalidArgument("Minimum memory limit allowed is 6MB");

    std::vector<std::string> image_volumes;
    if (out.config.contains("Volumes") && out.config["Volumes"].is_object())
        for (const auto &[k, v] : out.config["Volumes"].items()) image_volumes.push_back(k);
    out.mounts = plan_mounts(hc.dump(), image_volumes);
    out.host_config = hc;
    return out;
}

void check_userns_conflicts(const nlohmann::json &host_config, const config::IdMap &map) {
    const auto mode = [&](const char *key) {
        auto it = host_config.find(key);
        return it != host_config.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    const std::string userns = mode("UsernsMode");
    if (!userns.empty() && userns != "host") throw InvalidArgument("invalid UsernsMode: " + userns);
    if (!map.enabled() || userns == "host") return;
    if (host_config.value("Privileged", false))
        throw InvalidArgument("privileged mode is incompatible with user namespaces.  You must run the container "
                              "in the host namespace when running privileged mode");
    if (mode("NetworkMode") == "host")
        throw InvalidArgument("cannot share the host's network namespace when user namespaces are enabled");
    if (mode("PidMode") == "host")
        throw InvalidArgument("cannot share the host PID namespace when user namespaces are enabled");
}

} // namespace berth::containers
