// embedded_dns_sandbox.h — dns::EmbeddedDns seen through the SandboxDns
// interface ContainerNetworking uses (so tests can fake the server).
#pragma once

#include "network/container_networking.h"
#include "network/dns/embedded_dns.h"

namespace berth::network {

class EmbeddedDnsSandbox : public SandboxDns {
public:
    explicit EmbeddedDnsSandbox(dns::EmbeddedDns &server) : server_(server) {}
    void add_sandbox(const std::string &id, const std::string &netns_path) override {
        server_.add_sandbox(id, netns_path);
    }
    void remove_sandbox(const std::string &id) override { server_.remove_sandbox(id); }

private:
    dns::EmbeddedDns &server_;
};

} // namespace berth::network
