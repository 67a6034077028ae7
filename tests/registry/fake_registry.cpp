#include "fake_registry.h"

#include <stdexcept>

namespace berth::registry::test {

FakeServer::FakeServer(std::unique_ptr<httplib::Server> server, std::string scheme)
    : server_(std::move(server)), scheme_(std::move(scheme)) {
    if (!server_->is_valid()) throw std::runtime_error("fake registry: server not valid (certificates?)");
    port_ = server_->bind_to_any_port("127.0.0.1");
    if (port_ <= 0) throw std::runtime_error("fake registry: cannot bind 127.0.0.1");
}

void FakeServer::start() {
    thread_ = std::thread([this] { server_->listen_after_bind(); });
}

FakeServer::~FakeServer() {
    server_->stop();
    if (thread_.joinable()) thread_.join();
}

} // namespace berth::registry::test
