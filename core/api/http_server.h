// http_server.h — the API's transport: HTTP/1.1 over a unix socket and,
// optionally, over TCP with mutual TLS. One thread per connection (streams
// and hijacked attach sessions are long-lived and blocking by nature);
// handlers never call plugins on these threads directly — plugin calls go
// through the CallExecutor pool with a deadline.
#pragma once

#include "api/router.h"

#include <memory>
#include <string>

namespace berth::api {

struct TlsFiles {
    std::string ca_cert; // clients must present a certificate signed by it
    std::string cert;
    std::string key;
};

class HttpServer {
public:
    HttpServer(const Router &router, TlsFiles tls);
    ~HttpServer();
    HttpServer(const HttpServer &) = delete;
    HttpServer &operator=(const HttpServer &) = delete;

    // Bind "unix:///path" (mode 0660, group "berth" when it exists) or
    // "tcp://host:port" (mutual TLS required). Throws std::runtime_error
    // with a message naming the address on failure.
    void listen(const std::string &address);
    // Start accepting on every listener.
    void start();
    // Stop accepting, close open connections, wait for their threads, and
    // remove unix socket files. Idempotent.
    void stop();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace berth::api
