// registry/base64.h for the CLI: the login store (registry/credentials_store.cpp,
// shared with berthd) encodes and decodes its "auth" fields with it, and the
// implementation uses OpenSSL, so in the CLI it lives in the extension module
// (cli_extensions.h) and these definitions call through to it.

#include "registry/base64.h"

#include "cli_extensions.h"

namespace berth::registry::detail {

std::string base64_encode(std::string_view bytes) { return cli::cli_extensions().base64_encode(bytes); }

std::optional<std::string> base64_decode(std::string_view text) { return cli::cli_extensions().base64_decode(text); }

}  // namespace berth::registry::detail
