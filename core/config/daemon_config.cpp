#include "config/daemon_config.h"

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

namespace berth::config {
namespace {

using json = nlohmann::json;

const char *default_config_file = "/etc/berth/daemon.json";

std::string type_name(const json &v) {
    if (v.is_boolean()) return "a boolean";
    if (v.is_number()) return "a number";
    if (v.is_string()) return "a string";
    if (v.is_array()) return "an array";
    if (v.is_object()) return "an object";
    return "null";
}

[[noreturn]] void bad_type(const std::string &file, const std::string &key, const json &v,
                           const char *want) {
    throw ConfigError("unable to configure the Berth daemon with file " + file + ": invalid value for \"" +
                      key + "\": expected " + want + ", got " + type_name(v));
}

// One setter per key; the set of keys is the set of accepted directives.
using Setter = std::function<void(DaemonConfig &, const json &, const std::string &file,
                                  const std::string &key)>;

Setter str(std::string DaemonConfig::*field) {
    return [field](DaemonConfig &c, const json &v, const std::string &f, const std::string &k) {
        if (!v.is_string()) bad_type(f, k, v, "a string");
        c.*field = v.get<std::string>();
    };
}
Setter path(std::filesystem::path DaemonConfig::*field) {
    return [field](DaemonConfig &c, const json &v, const std::string &f, const std::string &k) {
        if (!v.is_string() || v.get<std::string>().empty() || v.get<std::string>()[0] != '/')
            bad_type(f, k, v, "an absolute path string");
        c.*field = v.get<std::string>();
    };
}
Setter boolean(bool DaemonConfig::*field) {
    return [field](DaemonConfig &c, const json &v, const std::string &f, const std::string &k) {
        if (!v.is_boolean()) bad_type(f, k, v, "a boolean");
        c.*field = v.get<bool>();
    };
}
Setter integer(int DaemonConfig::*field) {
    return [field](DaemonConfig &c, const json &v, const std::string &f, const std::string &k) {
        if (!v.is_number_integer()) bad_type(f, k, v, "an integer");
        c.*field = v.get<int>();
    };
}
Setter strings(std::vector<std::string> DaemonConfig::*field) {
    return [field](DaemonConfig &c, const json &v, const std::string &f, const std::string &k) {
        if (!v.is_array()) bad_type(f, k, v, "an array of strings");
        std::vector<std::string> out;
        for (const auto &e : v) {
            if (!e.is_string()) bad_type(f, k, e, "an array of strings");
            out.push_back(e.get<std::string>());
        }
        c.*field = std::move(out);
    };
}
Setter string_map(std::map<std::string, std::string> DaemonConfig::*field) {
    return [field](DaemonConfig &c, const json &v, const std::string &f, const std::string &k) {
        if (!v.is_object()) bad_type(f, k, v, "an object of strings");
        std::map<std::string, std::string> out;
        for (auto it = v.begin(); it != v.end(); ++it) {
            if (!it->is_string()) bad_type(f, k + "." + it.key(), *it, "a string");
            out[it.key()] = it->get<std::string>();
        }
        c.*field = std::move(out);
    };
}
Setter paths(std::vector<std::filesystem::path> DaemonConfig::*field) {
    return [field](DaemonConfig &c, const json &v, const std::string &f, const std::string &k) {
        if (!v.is_array()) bad_type(f, k, v, "an array of absolute paths");
        std::vector<std::filesystem::path> out;
        for (const auto &e : v) {
            if (!e.is_string() || e.get<std::string>().empty() || e.get<std::string>()[0] != '/')
                bad_type(f, k, e, "an array of absolute paths");
            out.emplace_back(e.get<std::string>());
        }
        c.*field = std::move(out);
    };
}
// An object whose values are objects, kept as JSON text per entry.
Setter object_map(std::map<std::string, std::string> DaemonConfig::*field) {
    return [field](DaemonConfig &c, const json &v, const std::string &f, const std::string &k) {
        if (!v.is_object()) bad_type(f, k, v, "an object");
        std::map<std::string, std::string> out;
        for (auto it = v.begin(); it != v.end(); ++it) {
            if (!it->is_object()) bad_type(f, k + "." + it.key(), *it, "an object");
            out[it.key()] = it->dump();
        }
        c.*field = std::move(out);
    };
}

const std::map<std::string, Setter> &directives() {
    static const std::map<std::string, Setter> table = {
        {"data-root", path(&DaemonConfig::data_root)},
        {"exec-root", path(&DaemonConfig::exec_root)},
        {"hosts", strings(&DaemonConfig::hosts)},
        {"log-level", str(&DaemonConfig::log_level)},
        {"debug", boolean(&DaemonConfig::debug)},
        {"pidfile", str(&DaemonConfig::pidfile)},
        {"plugin-dirs", paths(&DaemonConfig::plugin_dirs)},
        {"plugin-config", object_map(&DaemonConfig::plugin_config)},
        {"authorization-plugins", strings(&DaemonConfig::authorization_plugins)},
        {"tls", boolean(&DaemonConfig::tls)},
        {"tlsverify", boolean(&DaemonConfig::tlsverify)},
        {"tlscacert", str(&DaemonConfig::tlscacert)},
        {"tlscert", str(&DaemonConfig::tlscert)},
        {"tlskey", str(&DaemonConfig::tlskey)},
        {"storage-driver", str(&DaemonConfig::storage_driver)},
        {"storage-opts", strings(&DaemonConfig::storage_opts)},
        {"insecure-registries", strings(&DaemonConfig::insecure_registries)},
        {"registry-mirrors", strings(&DaemonConfig::registry_mirrors)},
        {"max-concurrent-downloads", integer(&DaemonConfig::max_concurrent_downloads)},
        {"max-concurrent-uploads", integer(&DaemonConfig::max_concurrent_uploads)},
        {"default-runtime", str(&DaemonConfig::default_runtime)},
        {"runtimes", object_map(&DaemonConfig::runtimes)},
        {"log-driver", str(&DaemonConfig::log_driver)},
        {"log-opts", string_map(&DaemonConfig::log_opts)},
        {"live-restore", boolean(&DaemonConfig::live_restore)},
        {"bip", str(&DaemonConfig::bip)},
        {"bridge", str(&DaemonConfig::bridge)},
        {"default-address-pools",
         [](DaemonConfig &c, const json &v, const std::string &f, const std::string &k) {
             if (!v.is_array()) bad_type(f, k, v, "an array of {\"base\",\"size\"} objects");
             for (const auto &e : v)
                 if (!e.is_object() || !e.contains("base") || !e.contains("size") || !e["base"].is_string() ||
                     !e["size"].is_number_integer())
                     bad_type(f, k, e, "an array of {\"base\": string, \"size\": integer} objects");
             c.default_address_pools_json = v.dump();
         }},
        {"dns", strings(&DaemonConfig::dns)},
        {"dns-opts", strings(&DaemonConfig::dns_opts)},
        {"dns-search", strings(&DaemonConfig::dns_search)},
        {"mtu", integer(&DaemonConfig::mtu)},
        {"userns-remap", str(&DaemonConfig::userns_remap)},
        {"group", str(&DaemonConfig::group)},
        {"cgroup-parent", str(&DaemonConfig::cgroup_parent)},
        {"default-shm-size", str(&DaemonConfig::default_shm_size)},
        {"labels", strings(&DaemonConfig::labels)},
        {"exec-opts", strings(&DaemonConfig::exec_opts)},
        {"experimental", boolean(&DaemonConfig::experimental)},
        {"shutdown-timeout", integer(&DaemonConfig::shutdown_timeout)},
        {"seccomp-profile", str(&DaemonConfig::seccomp_profile)},
        {"no-new-privileges", boolean(&DaemonConfig::no_new_privileges)},
        {"init", boolean(&DaemonConfig::init)},
        {"init-path", str(&DaemonConfig::init_path)},
    };
    return table;
}

const std::set<std::string> log_levels = {"trace", "debug", "info", "warn", "error", "fatal"};

} // namespace

void apply_json(DaemonConfig &cfg, const std::string &json_text, const std::string &file_name) {
    json doc;
    try {
        doc = json::parse(json_text);
    } catch (const json::parse_error &e) {
        throw ConfigError("unable to configure the Berth daemon with file " + file_name +
                          ": invalid JSON: " + e.what());
    }
    if (!doc.is_object())
        throw ConfigError("unable to configure the Berth daemon with file " + file_name +
                          ": the top level must be a JSON object");
    std::string unknown;
    for (auto it = doc.begin(); it != doc.end(); ++it)
        if (!directives().count(it.key())) unknown += (unknown.empty() ? "" : ", ") + it.key();
    if (!unknown.empty())
        throw ConfigError("unable to configure the Berth daemon with file " + file_name +
                          ": the following directives don't match any configuration option: " + unknown);
    for (auto it = doc.begin(); it != doc.end(); ++it) directives().at(it.key())(cfg, *it, file_name, it.key());
    if (!log_levels.count(cfg.log_level))
        throw ConfigError("unable to configure the Berth daemon with file " + file_name +
                          ": invalid value for \"log-level\": " + cfg.log_level +
                          " (want trace, debug, info, warn, error or fatal)");
}

DaemonConfig load(const FlagSettings &flags) {
    DaemonConfig cfg;
    std::string file = flags.config_file.value_or("");
    const bool explicit_file = !file.empty();
    if (!explicit_file && std::filesystem::exists(default_config_file)) file = default_config_file;

    json doc = json::object();
    if (!file.empty()) {
        std::ifstream in(file);
        if (!in) {
            if (explicit_file)
                throw ConfigError("unable to configure the Berth daemon with file " + file +
                                  ": cannot open it: " + std::strerror(errno));
        } else {
            std::stringstream ss;
            ss << in.rdbuf();
            apply_json(cfg, ss.str(), file);
            doc = json::parse(ss.str());
        }
    }

    // dockerd refuses a directive given twice rather than picking one.
    std::vector<std::string> both;
    auto conflict = [&](bool flag_set, const char *key) {
        if (flag_set && doc.contains(key)) both.push_back(key);
    };
    conflict(flags.data_root.has_value(), "data-root");
    conflict(flags.exec_root.has_value(), "exec-root");
    conflict(flags.log_level.has_value(), "log-level");
    conflict(!flags.hosts.empty(), "hosts");
    conflict(flags.debug.has_value(), "debug");
    conflict(flags.pidfile.has_value(), "pidfile");
    conflict(flags.storage_driver.has_value(), "storage-driver");
    conflict(flags.bridge.has_value(), "bridge");
    conflict(flags.tlsverify.has_value(), "tlsverify");
    if (!both.empty()) {
        std::string list;
        for (const auto &k : both) list += (list.empty() ? "" : ", ") + k;
        throw ConfigError("unable to configure the Berth daemon with file " + file +
                          ": the following directives are specified both as a flag and in the "
                          "configuration file: " + list);
    }

    if (flags.data_root) cfg.data_root = *flags.data_root;
    if (flags.exec_root) cfg.exec_root = *flags.exec_root;
    if (flags.log_level) {
        if (!log_levels.count(*flags.log_level))
            throw ConfigError("invalid --log-level " + *flags.log_level +
                              " (want trace, debug, info, warn, error or fatal)");
        cfg.log_level = *flags.log_level;
    }
    if (!flags.hosts.empty()) cfg.hosts = flags.hosts;
    if (flags.debug) cfg.debug = *flags.debug;
    if (flags.pidfile) cfg.pidfile = *flags.pidfile;
    if (flags.storage_driver) cfg.storage_driver = *flags.storage_driver;
    if (flags.bridge) cfg.bridge = *flags.bridge;
    if (flags.tlsverify) cfg.tlsverify = *flags.tlsverify;
    if (flags.tlscacert) cfg.tlscacert = *flags.tlscacert;
    if (flags.tlscert) cfg.tlscert = *flags.tlscert;
    if (flags.tlskey) cfg.tlskey = *flags.tlskey;
    for (const auto &d : flags.plugin_dirs) cfg.plugin_dirs.emplace_back(d);
    if (cfg.debug && !flags.log_level && !doc.contains("log-level")) cfg.log_level = "debug";
    if (cfg.hosts.empty()) cfg.hosts.push_back(cfg.default_host());
    if (cfg.pidfile.empty()) cfg.pidfile = (cfg.exec_root / "berthd.pid").string();
    if (!cfg.data_root.is_absolute() || !cfg.exec_root.is_absolute())
        throw ConfigError("--data-root and --exec-root must be absolute paths");
    return cfg;
}

} // namespace berth::config
