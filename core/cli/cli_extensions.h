#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "build/context/context_tar.h"
#include "daemon_client.h"

// The parts of the CLI that need OpenSSL or libarchive, behind one interface
// implemented by a private extension module (libberth-cli-ext.so, next to
// berth-shim in <bin>/../lib/berth). Linking those libraries costs every
// berth process ~2 ms of start-up (`run`, `ps`, `--version` alike), yet only
// `cp`, `build`, TLS connections and registry logins use them; so berth
// links neither and loads the module the first time one of these is called.
//
// Both sides are always built together from one tree by one compiler, so a
// plain C++ interface (and exceptions such as CliError) crosses it safely.
namespace berth::cli {

// A client TLS session on a connected socket (the module owns OpenSSL).
class TlsStream {
public:
    virtual ~TlsStream() = default;
    // Up to `capacity` bytes; 0 at EOF or on error.
    virtual std::size_t read_some(char* buffer, std::size_t capacity) = 0;
    // false once the connection failed.
    virtual bool write_all(std::string_view data) = 0;
    // Decrypted bytes are waiting that poll() on the socket would not show.
    virtual bool has_pending() const = 0;
    // Sends close_notify; reading may go on.
    virtual void close_write() = 0;
};

class TlsClient {
public:
    virtual ~TlsClient() = default;
    // Handshakes on `fd` (borrowed, already connected to `host`): the
    // daemon's certificate must chain to the CA and name `host` (a DNS name
    // or IP literal); SNI for DNS names. Throws TransportError ("TLS
    // handshake failed with the Berth daemon at <address_text>: ...").
    virtual std::unique_ptr<TlsStream> connect(int fd, const std::string& host,
                                               const std::string& address_text) const = 0;
};

class CliExtensions {
public:
    virtual ~CliExtensions() = default;

    // A TLS client set up from `files` (CA, optional client certificate and
    // key, TLS >= 1.2). Throws CliError naming an unreadable file.
    virtual std::unique_ptr<TlsClient> tls_client(const TlsFiles& files) const = 0;

    // container_archive.h's write_tar and extract_tar.
    virtual void write_tar(const std::string& source, const std::string& top_name, bool follow_link,
                           int fd) const = 0;
    virtual void extract_tar(int fd, const std::string& dest_dir, const std::string& from_name,
                             const std::string& to_name) const = 0;

    // build_stdin.h's single_file_tar.
    virtual std::string single_file_tar(const std::string& name, std::string_view content) const = 0;

    // build::write_context_tar (core/build/context/context_tar.h).
    virtual build::ContextTarStats write_context_tar(const std::filesystem::path& dir,
                                                     const build::ContextTarOptions& options,
                                                     int out_fd) const = 0;

    // registry/base64.h, used by the config.json login store.
    virtual std::string base64_encode(std::string_view bytes) const = 0;
    virtual std::optional<std::string> base64_decode(std::string_view text) const = 0;
};

// The module's file name and the entry point it exports. The version in the
// symbol name changes whenever CliExtensions does, so a stale module fails
// to load with a clear message instead of calling through a wrong vtable.
inline constexpr const char* kCliExtensionsFile = "libberth-cli-ext.so";
inline constexpr const char* kCliExtensionsEntry = "berth_cli_extensions_v1";
using CliExtensionsEntry = const CliExtensions* (*)();

// Where the module is looked for: <dir of /proc/self/exe>/../lib/berth.
std::filesystem::path cli_extensions_path();

// Loads the module on first use (thread-safe) and returns its interface.
// Throws CliError "berth: cannot load <path>: <reason>" when it cannot.
const CliExtensions& cli_extensions();

}  // namespace berth::cli
