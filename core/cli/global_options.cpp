#include "global_options.h"

#include <CLI/CLI.hpp>

#include "errors.h"

namespace berth::cli {

void add_global_options(CLI::App& app, GlobalOptions& options) {
    app.add_option("-H,--host", options.host,
                   "Daemon socket to connect to: unix:///path or tcp://host:port "
                   "(default: $BERTH_HOST, else unix:///run/berth/berth.sock)");
    app.add_flag("--tlsverify", options.tls_verify, "Use TLS and verify the daemon's certificate (tcp:// only)");
    app.add_option("--tlscacert", options.tls_ca_file, "Trust only daemon certificates signed by this CA")
        ->check(CLI::ExistingFile);
    app.add_option("--tlscert", options.tls_cert_file, "Client certificate to present to the daemon")
        ->check(CLI::ExistingFile);
    app.add_option("--tlskey", options.tls_key_file, "Private key of the client certificate")
        ->check(CLI::ExistingFile);
}

ClientConfig client_config(const GlobalOptions& options) {
    ClientConfig config{DaemonAddress::parse(choose_daemon_host(options.host)), std::nullopt};
    const bool any_tls_file =
        !options.tls_ca_file.empty() || !options.tls_cert_file.empty() || !options.tls_key_file.empty();
    if (!options.tls_verify) {
        // Refuse rather than silently talk plain text to someone who clearly
        // meant to use TLS.
        if (any_tls_file) throw UsageError("--tlscacert, --tlscert and --tlskey require --tlsverify");
        return config;
    }
    if (config.address.kind != DaemonAddress::Kind::Tcp)
        throw UsageError("--tlsverify needs a tcp:// daemon address, not " + config.address.text);
    if (options.tls_ca_file.empty()) throw UsageError("--tlsverify requires --tlscacert");
    if (options.tls_cert_file.empty() != options.tls_key_file.empty())
        throw UsageError("--tlscert and --tlskey must be given together");
    config.tls = TlsFiles{options.tls_ca_file, options.tls_cert_file, options.tls_key_file};
    return config;
}

}  // namespace berth::cli
