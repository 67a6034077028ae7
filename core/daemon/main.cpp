// berthd — the Berth daemon. Parses flags, merges daemon.json, sets up
// logging and hands over to daemon::run.
#include "config/daemon_config.h"
#include "daemon/daemon.h"

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <string>
#include <vector>

int main(int argc, char **argv) {
    CLI::App app{"berthd: the Berth container engine daemon"};
    app.set_version_flag("-v,--version", std::string("Berth version ") + BERTH_VERSION);

    berth::config::FlagSettings flags;
    std::string data_root, exec_root, log_level, config_file, pidfile, storage_driver, bridge;
    std::string tlscacert, tlscert, tlskey;
    bool debug = false, tlsverify = false;
    auto *o_data = app.add_option("--data-root", data_root, "Root directory of persistent state (default /var/lib/berth)");
    auto *o_exec = app.add_option("--exec-root", exec_root, "Root directory of runtime state (default /run/berth)");
    app.add_option("-H,--host", flags.hosts, "Daemon socket(s) to listen on: unix:///path or tcp://host:port");
    auto *o_cfg = app.add_option("--config-file", config_file, "daemon.json to read (default /etc/berth/daemon.json)");
    auto *o_log = app.add_option("-l,--log-level", log_level, "trace, debug, info, warn, error or fatal");
    auto *o_debug = app.add_flag("-D,--debug", debug, "Enable debug mode");
    auto *o_pid = app.add_option("-p,--pidfile", pidfile, "Path of the daemon's PID file");
    app.add_option("--plugin-dir", flags.plugin_dirs, "Extra directory searched for plugins (repeatable)");
    std::vector<std::string> authz_plugins;
    app.add_option("--authorization-plugin", authz_plugins,
                   "Authorization plugin to load (repeatable; AND-ed in the order given)");
    auto *o_sd = app.add_option("-s,--storage-driver", storage_driver, "Storage driver to use");
    auto *o_br = app.add_option("-b,--bridge", bridge, "\"none\": no default bridge network (containers default to none)");
    auto *o_tv = app.add_flag("--tlsverify", tlsverify, "Require mutual TLS on TCP listeners");
    auto *o_ca = app.add_option("--tlscacert", tlscacert, "CA that signs client certificates");
    auto *o_cert = app.add_option("--tlscert", tlscert, "Server certificate");
    auto *o_key = app.add_option("--tlskey", tlskey, "Server key");
    CLI11_PARSE(app, argc, argv);

    if (o_data->count()) flags.data_root = data_root;
    if (o_exec->count()) flags.exec_root = exec_root;
    if (o_cfg->count()) flags.config_file = config_file;
    if (o_log->count()) flags.log_level = log_level;
    if (o_debug->count()) flags.debug = debug;
    if (o_pid->count()) flags.pidfile = pidfile;
    if (o_sd->count()) flags.storage_driver = storage_driver;
    if (o_br->count()) flags.bridge = bridge;
    if (o_tv->count()) flags.tlsverify = tlsverify;
    if (o_ca->count()) flags.tlscacert = tlscacert;
    if (o_cert->count()) flags.tlscert = tlscert;
    if (o_key->count()) flags.tlskey = tlskey;

    auto logger = spdlog::stderr_color_mt("berthd");
    spdlog::set_default_logger(logger);
    spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %^%l%$ %v");

    try {
        auto cfg = berth::config::load(flags);
        // As dockerd: the flag and daemon.json's "authorization-plugins" are
        // one setting; naming it in both is refused, not merged.
        if (!authz_plugins.empty()) {
            if (!cfg.authorization_plugins.empty())
                throw berth::config::ConfigError(
                    "the following directives are specified both as a flag and in the configuration file: "
                    "authorization-plugins");
            cfg.authorization_plugins = authz_plugins;
        }
        spdlog::set_level(spdlog::level::from_str(cfg.log_level == "fatal" ? "critical" : cfg.log_level));
        return berth::daemon::run(cfg);
    } catch (const std::exception &e) {
        std::cerr << "berthd: " << e.what() << std::endl;
        return 1;
    }
}
