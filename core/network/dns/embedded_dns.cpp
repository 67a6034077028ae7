// embedded_dns.cpp — the sandbox registry and the event thread.
//
// add_sandbox/remove_sandbox update the registry under a mutex and hand the
// socket work to the event thread through a strand (so it happens in call
// order) without waiting for it: the resolver runs on that thread and may
// need a lock the caller of add/remove holds.
#include "network/dns/embedded_dns.h"

#include "network/dns/netns_listener.h"
#include "network/dns/query_forwarder.h"
#include "network/dns/query_service.h"
#include "network/dns/sandbox_listener.h"
#include "network/dns/upstream_server.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/io_context_strand.hpp>
#include <boost/asio/post.hpp>

#include <spdlog/spdlog.h>

#include <map>
#include <mutex>
#include <thread>

namespace berth::network::dns {

namespace asio = boost::asio;

class EmbeddedDns::Impl {
public:
    Impl(NameResolver resolver, std::vector<UpstreamServer> upstreams, EmbeddedDnsOptions options)
        : options_(std::move(options)), work_(asio::make_work_guard(io_)), commands_(io_),
          forwarder_(io_, std::move(upstreams), options_.upstream_timeout), service_(std::move(resolver), forwarder_),
          event_thread_([this] { run_events(); }) {}

    ~Impl() {
        io_.stop();
        event_thread_.join();
        // The event thread is gone: closing from here races with nothing.
        for (auto &[id, listener] : listeners_) listener->stop();
    }

    void add_sandbox(const std::string &sandbox_id, const std::string &netns_path) {
        if (sandbox_id.empty()) throw std::invalid_argument("embedded DNS: empty sandbox id");
        const NamespaceIdentity identity = namespace_identity(netns_path);
        std::lock_guard lock(registry_mutex_);
        if (auto found = registry_.find(sandbox_id); found != registry_.end() && found->second.netns == identity)
            return; // already served in that namespace
        auto sockets = std::make_shared<ListenerSockets>(
            open_listener_sockets(netns_path, options_.listen_address, options_.listen_port));
        registry_[sandbox_id] = Registration{identity, ListeningPorts{sockets->udp_port, sockets->tcp_port}};
        asio::post(commands_, [this, sandbox_id, sockets] { install(sandbox_id, std::move(*sockets)); });
    }

    void remove_sandbox(const std::string &sandbox_id) {
        std::lock_guard lock(registry_mutex_);
        if (registry_.erase(sandbox_id) == 0) return;
        asio::post(commands_, [this, sandbox_id] { uninstall(sandbox_id); });
    }

    std::optional<ListeningPorts> listening_ports(const std::string &sandbox_id) const {
        std::lock_guard lock(registry_mutex_);
        const auto found = registry_.find(sandbox_id);
        if (found == registry_.end()) return std::nullopt;
        return found->second.ports;
    }

private:
    struct Registration {
        NamespaceIdentity netns;
        ListeningPorts ports;
    };

    void run_events() {
        for (;;) {
            try {
                io_.run();
                return;
            } catch (const std::exception &error) {
                // One query's failure must not take DNS down for every sandbox.
                spdlog::error("embedded DNS: {}", error.what());
            }
        }
    }

    // Event thread only, like everything touching listeners_.
    void install(const std::string &sandbox_id, ListenerSockets sockets) {
        uninstall(sandbox_id);
        auto listener = std::make_shared<SandboxListener>(io_, sandbox_id, std::move(sockets), service_);
        listener->start();
        listeners_[sandbox_id] = std::move(listener);
    }

    void uninstall(const std::string &sandbox_id) {
        const auto found = listeners_.find(sandbox_id);
        if (found == listeners_.end()) return;
        found->second->stop();
        listeners_.erase(found);
    }

    EmbeddedDnsOptions options_;
    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    asio::io_context::strand commands_;
    QueryForwarder forwarder_;
    QueryService service_;
    std::map<std::string, std::shared_ptr<SandboxListener>> listeners_; // event thread only

    mutable std::mutex registry_mutex_;
    std::map<std::string, Registration> registry_; // what callers asked for

    std::thread event_thread_; // last: starts once everything above exists
};

EmbeddedDns::EmbeddedDns(NameResolver resolver, std::vector<std::string> upstream_servers)
    : EmbeddedDns(std::move(resolver), std::move(upstream_servers), EmbeddedDnsOptions{}) {}

EmbeddedDns::EmbeddedDns(NameResolver resolver, std::vector<std::string> upstream_servers,
                         EmbeddedDnsOptions options)
    : impl_(std::make_unique<Impl>(std::move(resolver), parse_upstream_servers(upstream_servers),
                                   std::move(options))) {}

EmbeddedDns::~EmbeddedDns() = default;

void EmbeddedDns::add_sandbox(const std::string &sandbox_id, const std::string &netns_path) {
    impl_->add_sandbox(sandbox_id, netns_path);
}

void EmbeddedDns::remove_sandbox(const std::string &sandbox_id) { impl_->remove_sandbox(sandbox_id); }

std::optional<ListeningPorts> EmbeddedDns::listening_ports(const std::string &sandbox_id) const {
    return impl_->listening_ports(sandbox_id);
}

} // namespace berth::network::dns
