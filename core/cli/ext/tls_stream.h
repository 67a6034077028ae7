#pragma once

#include <memory>
#include <string>

#include "cli_extensions.h"

// The CLI's one TLS client (inside libberth-cli-ext.so): DaemonClient's
// requests and the raw hijacked connections of attach/exec both use it.
namespace berth::cli::ext {

std::unique_ptr<TlsClient> make_tls_client(const TlsFiles& files);

}  // namespace berth::cli::ext
