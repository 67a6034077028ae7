// http_transport.h — internal to core/registry: HTTP(S) requests over a pool
// of cpp-httplib connections, one pool per origin, so any number of threads
// can send at once (a connection is used by one request at a time, then
// returned for keep-alive). cpp-httplib stays inside http_transport.cpp.
//
// No authentication, redirects or retries here: the client layers above
// decide those per request.
#pragma once

#include "registry/registry_config.h"
#include "registry/url.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace httplib {
class ClientImpl; // kept opaque: cpp-httplib is included by the .cpp only
}

namespace berth::registry::detail {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
    std::string method = "GET";
    Url url;
    HttpHeaders headers;
    std::string content_type; // for a body
    std::string body;         // sent when body_reader is unset
    // A streamed body (blob chunks): body_length bytes, pulled through
    // body_reader(offset, buf, len) → bytes put in buf (0 = source ended).
    std::uint64_t body_length = 0;
    std::function<std::size_t(std::uint64_t offset, char *buf, std::size_t len)> body_reader;
};

struct HttpResponse {
    int status = 0;
    std::string reason;
    HttpHeaders headers;
    std::string body; // unless streamed

    // First value of a header, case-insensitively; "" when absent.
    std::string header(std::string_view name) const;
    std::vector<std::string> header_values(std::string_view name) const;
};

// Lets a caller take a body as it arrives instead of buffered.
struct BodyStream {
    // Called when the headers are in: true streams the body to on_data,
    // false buffers it into HttpResponse::body (an error reply, say).
    std::function<bool(const HttpResponse &head)> on_headers;
    // May throw to abort the transfer; the exception reaches send()'s caller.
    std::function<void(std::string_view bytes)> on_data;
};

class HttpTransport {
public:
    explicit HttpTransport(RegistryConfig config);
    ~HttpTransport();
    HttpTransport(const HttpTransport &) = delete;
    HttpTransport &operator=(const HttpTransport &) = delete;

    // Sends and waits for the reply. Buffered bodies are capped at
    // config.max_manifest_bytes unless streamed (`stream` applies to
    // requests without a body: GET, HEAD, DELETE). Throws
    // RegistryError: Transient when the connection failed or broke before
    // the reply was complete (a streamed body may have delivered some bytes
    // first), Invalid for TLS trust problems (retrying will not help).
    HttpResponse send(const HttpRequest &request, const BodyStream *stream = nullptr);

    const RegistryConfig &config() const { return config_; }

private:
    struct Pool;
    // A connection to url's origin: an idle pooled one, else a new one.
    std::unique_ptr<httplib::ClientImpl> acquire(const Url &url);
    // Back to the pool after a complete exchange.
    void release(const Url &url, std::unique_ptr<httplib::ClientImpl> client);

    RegistryConfig config_;
    std::unique_ptr<Pool> pool_;
};

} // namespace berth::registry::detail
