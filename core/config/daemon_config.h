// daemon_config.h — berthd's settings: defaults, daemon.json, flags.
// Like dockerd, an unknown or mistyped key in daemon.json refuses start and
// names the key, and a setting given both as a flag and in the file is an
// error rather than a silent precedence rule.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace berth::config {

struct DaemonConfig {
    std::filesystem::path data_root = "/var/lib/berth";
    std::filesystem::path exec_root = "/run/berth";
    std::vector<std::string> hosts; // empty: unix://<exec_root>/berth.sock
    std::string log_level = "info";
    bool debug = false;
    std::string pidfile;            // empty: <exec_root>/berthd.pid

    // Plugins.
    std::vector<std::filesystem::path> plugin_dirs;      // after the bundled dir
    std::map<std::string, std::string> plugin_config;    // plugin name -> JSON object text
    std::vector<std::string> authorization_plugins;

    // Remote API.
    bool tls = false;
    bool tlsverify = false;
    std::string tlscacert, tlscert, tlskey;

    // Accepted now, used by the storage, image, container and network work.
    std::string storage_driver;
    // dockerd's "bridge" / -b: "none" creates no default bridge network, and
    // containers without --network get none. Any other value is refused
    // (attaching the default network to an existing bridge is not offered).
    std::string bridge;
    std::vector<std::string> storage_opts;
    std::vector<std::string> insecure_registries;
    std::vector<std::string> registry_mirrors;
    int max_concurrent_downloads = 3;
    int max_concurrent_uploads = 5;
    std::string default_runtime = "runc";
    std::map<std::string, std::string> runtimes; // name -> JSON object text
    std::string log_driver = "json-file";
    std::map<std::string, std::string> log_opts;
    bool live_restore = false;
    std::string bip;
    std::string default_address_pools_json = "[]";
    std::vector<std::string> dns, dns_opts, dns_search;
    int mtu = 1500;
    std::string userns_remap;
    std::string group = "berth";
    std::string cgroup_parent;
    std::string default_shm_size = "64M";
    std::vector<std::string> labels;
    std::vector<std::string> exec_opts;
    bool experimental = false;
    int shutdown_timeout = 15;
    std::string seccomp_profile;
    bool no_new_privileges = false;
    bool init = false;
    std::string init_path;

    // The socket berthd serves when no host is configured.
    std::string default_host() const { return "unix://" + (exec_root / "berth.sock").string(); }
};

class ConfigError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Settings named on the command line, so the merge can refuse duplicates.
struct FlagSettings {
    std::optional<std::string> data_root, exec_root, log_level, config_file, pidfile;
    std::vector<std::string> hosts;
    std::vector<std::string> plugin_dirs;
    std::optional<bool> debug, tlsverify;
    std::optional<std::string> tlscacert, tlscert, tlskey, storage_driver, bridge;
};

// Parse daemon.json text into cfg. Throws ConfigError naming the file and
// the offending key(s).
void apply_json(DaemonConfig &cfg, const std::string &json_text, const std::string &file_name);

// Defaults <- daemon.json (flags.config_file, or /etc/berth/daemon.json when
// it exists) <- flags. Throws ConfigError.
DaemonConfig load(const FlagSettings &flags);

} // namespace berth::config
