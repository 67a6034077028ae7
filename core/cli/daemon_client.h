#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "daemon_address.h"

// Synchronous HTTP/1.1 client for the berthd Engine API.
//
// Deliberately light: no Beast, no JSON here, because every command file
// includes this header and should not pay for Beast's compile time. Status
// codes are returned, not thrown; daemon_reply.h turns them into errors.
namespace berth::cli {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
    int status = 0;
    HttpHeaders headers;
    std::string body;

    // First header with this name (case-insensitive), or "" if absent.
    std::string header(std::string_view name) const;
};

// Client certificate setup for tcp:// with --tlsverify. The daemon's
// certificate is checked against ca_file and the host name in the address.
struct TlsFiles {
    std::string ca_file;
    std::string cert_file;  // cert and key are optional, but only together
    std::string key_file;
};

struct ClientConfig {
    DaemonAddress address;
    std::optional<TlsFiles> tls;
};

class DaemonClient {
public:
    // Receives body bytes as they arrive; chunk boundaries are arbitrary.
    using ChunkHandler = std::function<void(std::string_view chunk)>;
    // Supplies request body bytes: fills up to `capacity` bytes at `buffer`
    // and returns how many; 0 means the body is complete. May throw (e.g. a
    // CliError for an unreadable file), which aborts the request.
    using BodySource = std::function<std::size_t(char* buffer, std::size_t capacity)>;

    explicit DaemonClient(ClientConfig config);

    const DaemonAddress& address() const noexcept { return config_.address; }
    // For connections DaemonClient does not make itself (raw_http.h).
    const ClientConfig& config() const noexcept { return config_; }

    // One request on a fresh connection. A non-empty body gets
    // Content-Type: application/json unless headers already name a type.
    // Throws ConnectionError if the daemon cannot be reached and
    // TransportError if the exchange fails part-way.
    HttpResponse request(std::string_view method, std::string_view target,
                         std::string_view body = {}, const HttpHeaders& headers = {}) const;

    // Same, but a successful (< 400) body is handed to on_chunk as it
    // arrives and the returned body is empty; for pull progress, logs -f and
    // the like. Error bodies (>= 400) are small JSON messages, so they are
    // collected into the returned body instead, letting callers report them
    // the same way as for request().
    HttpResponse request_stream(std::string_view method, std::string_view target,
                                std::string_view body, const HttpHeaders& headers,
                                const ChunkHandler& on_chunk) const;

    // request_stream with a body of unknown (possibly huge) size, sent with
    // Transfer-Encoding: chunked as it is read from `source`, so `load` and
    // `import` never hold a whole image tarball in memory. Headers should
    // name the Content-Type. If the daemon rejects the request and closes
    // before the body is sent, its reply is still returned when it can be
    // read, so the user sees the daemon's message rather than "broken pipe".
    HttpResponse request_upload(std::string_view method, std::string_view target, const BodySource& source,
                                const HttpHeaders& headers, const ChunkHandler& on_chunk) const;

private:
    ClientConfig config_;
};

}  // namespace berth::cli
