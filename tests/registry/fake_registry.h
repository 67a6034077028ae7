// fake_registry.h — a cpp-httplib server on 127.0.0.1:<any port>, for
// registries that misbehave on purpose. Register routes on http(), then
// start(); the destructor stops it.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>
#include <thread>

namespace berth::registry::test {

class FakeServer {
public:
    FakeServer() : FakeServer(std::make_unique<httplib::Server>(), "http") {}
    // An httplib::SSLServer (already given its certificates) for HTTPS.
    FakeServer(std::unique_ptr<httplib::Server> server, std::string scheme);
    ~FakeServer();
    FakeServer(const FakeServer &) = delete;
    FakeServer &operator=(const FakeServer &) = delete;

    httplib::Server &http() { return *server_; }
    void start();

    int port() const { return port_; }
    std::string name() const { return "127.0.0.1:" + std::to_string(port_); } // as a registry
    std::string url() const { return scheme_ + "://" + name(); }

private:
    std::unique_ptr<httplib::Server> server_;
    std::string scheme_;
    int port_ = 0;
    std::thread thread_;
};

} // namespace berth::registry::test
