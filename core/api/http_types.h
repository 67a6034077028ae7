// http_types.h — the plain request/response types handlers see. Beast stays
// in http_server.cpp; handlers only know these structs, so adding a route
// does not pull a heavy header into every file.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace berth::api {

struct Request {
    std::string method;      // "GET", "HEAD", ...
    std::string target;      // as sent: "/v1.44/containers/json?all=1"
    std::string path;        // without version prefix and query: "/containers/json"
    std::string api_version; // from the prefix, or the server's own when absent
    bool versioned = false;  // the target had a /vX.Y prefix
    std::map<std::string, std::string> query;   // decoded; last value wins
    std::multimap<std::string, std::string> query_all;
    std::map<std::string, std::string> headers; // lower-case names
    std::map<std::string, std::string> params;  // route parameters ({name})
    std::string body;
    // Set instead of body for routes registered with stream_body: reads the
    // next bytes of the request body (de-chunked), 0 at its end; throws when
    // the connection fails. Image loads and imports are larger than memory.
    std::function<size_t(char *buf, size_t len)> body_reader;
    std::string user;         // "uid:<n>" over unix, certificate CN over TLS
    std::string authn_method; // "unix" or "TLS"
    std::string peer_certs_pem; // TLS: the client's certificate, then any intermediates it sent

    std::string query_value(const std::string &key, const std::string &fallback = "") const;
    // Docker's rule: "1"/"true" (any case) are true; "0", "false", absent false.
    bool query_bool(const std::string &key) const;
    std::string header(const std::string &lower_name) const;
};

// A byte channel to the client after the response head has been sent, for
// streams (pull progress, logs -f, events) and hijacked connections.
class ResponseStream {
public:
    virtual ~ResponseStream() = default;
    // Send bytes (one HTTP chunk unless hijacked). false: the client is gone.
    virtual bool write(std::string_view data) = 0;
    // Read raw bytes from the client (hijacked connections only); 0 = EOF.
    virtual size_t read_some(char *buf, size_t len) = 0;
    // Make a read_some blocked in another thread return 0 (the handler is
    // done with the client's input and must join that thread before it
    // returns). Plain sockets only: a TLS stream cannot be read and written
    // from two threads, so attach over TLS takes no stdin (documented).
    virtual void shutdown_read() {}
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // When set, the head is sent (chunked, or raw for hijack) and this runs
    // with the stream; body is ignored.
    std::function<void(ResponseStream &)> stream;
    bool hijack = false; // 101 Upgrade: tcp / raw stream after the head

    static Response json(int status, std::string body);
    static Response text(int status, std::string body, std::string type = "text/plain; charset=utf-8");
    static Response empty(int status);
};

// Throw from a handler to answer with Docker's error body {"message": ...}.
class ApiError : public std::runtime_error {
public:
    ApiError(int status, const std::string &message) : std::runtime_error(message), status_(status) {}
    int status() const { return status_; }

private:
    int status_;
};

// Docker's error body, exactly {"message":"..."} with the JSON escaped.
std::string error_body(const std::string &message);

using Handler = std::function<Response(Request &)>;

} // namespace berth::api
