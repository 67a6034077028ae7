#pragma once

#include <string>

#include "daemon_client.h"

namespace CLI {
class App;
}

// Options accepted before (or after) any command: where the daemon is and how
// to authenticate to it. Modelled on docker's -H/--tls* flags.
namespace berth::cli {

struct GlobalOptions {
    std::string host;  // empty: BERTH_HOST, then the default socket
    bool tls_verify = false;
    std::string tls_ca_file;
    std::string tls_cert_file;
    std::string tls_key_file;
};

void add_global_options(CLI::App& app, GlobalOptions& options);

// Resolves the address and checks the TLS flags make sense together.
// Throws UsageError otherwise.
ClientConfig client_config(const GlobalOptions& options);

}  // namespace berth::cli
