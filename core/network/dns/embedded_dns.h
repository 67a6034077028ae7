// embedded_dns.h — the embedded DNS server containers on user-defined
// networks use as their only nameserver (127.0.0.11, as in Docker).
//
// One EmbeddedDns serves every sandbox: each sandbox gets its own UDP and
// TCP socket bound inside its network namespace, and one event thread in
// berthd's own namespace serves them all. Names the resolver knows are
// answered here; everything else is forwarded to the host's nameservers
// from berthd's namespace, so loopback resolvers on the host work too.
//
// Light header on purpose: no ldns, Boost or JSON here.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace berth::network::dns {

// Returns the IPv4 addresses (dotted quads) `name` resolves to for the
// sandbox (container id) asking; empty means "not one of ours": the server
// forwards the query upstream. `name` is lower case, without the trailing
// dot. Called on the server's event thread with none of the server's locks
// held, so it may take the caller's own locks.
using NameResolver =
    std::function<std::vector<std::string>(const std::string &sandbox_id, const std::string &name)>;

// Where the per-sandbox sockets listen and how long an upstream may take.
// The defaults are Docker's; tests listen on 127.0.0.1 with port 0
// (ephemeral) in their own namespace instead.
struct EmbeddedDnsOptions {
    std::string listen_address = "127.0.0.11";
    std::uint16_t listen_port = 53;
    // Per upstream server; after it the next one is tried, after the last
    // the client gets SERVFAIL.
    std::chrono::milliseconds upstream_timeout{2000};
};

// The ports one sandbox's sockets are bound to (interesting when the
// options asked for port 0).
struct ListeningPorts {
    std::uint16_t udp = 0;
    std::uint16_t tcp = 0;
};

class EmbeddedDns {
public:
    // upstream_servers: "ip" or "ip:port" ("[v6]:port" for IPv6 with a
    // port). Throws std::invalid_argument naming an entry that is neither.
    EmbeddedDns(NameResolver resolver, std::vector<std::string> upstream_servers);
    EmbeddedDns(NameResolver resolver, std::vector<std::string> upstream_servers, EmbeddedDnsOptions options);
    // Closes every socket and joins the event thread.
    ~EmbeddedDns();

    EmbeddedDns(const EmbeddedDns &) = delete;
    EmbeddedDns &operator=(const EmbeddedDns &) = delete;

    // Binds the listen address (127.0.0.11:53 by default) on UDP and TCP
    // inside the network namespace at netns_path (e.g. /proc/<pid>/ns/net),
    // bringing `lo` up there if it is down, and serves queries arriving
    // there as sandbox_id. An empty netns_path means berthd's own namespace
    // (tests). Idempotent per sandbox id: the same namespace again keeps the
    // sockets; another namespace (a restarted container, or a restarted
    // daemon) replaces them. Throws std::runtime_error naming what failed.
    //
    // Never waits for the event thread, so it may be called while holding a
    // lock the resolver also takes.
    void add_sandbox(const std::string &sandbox_id, const std::string &netns_path);

    // Stops serving sandbox_id and closes its sockets (and its open TCP
    // connections). Unknown ids are ignored. Like add_sandbox it never waits
    // for the event thread: the sockets are closed by it moments later.
    void remove_sandbox(const std::string &sandbox_id);

    // The ports sandbox_id listens on, or nullopt if it is not served.
    std::optional<ListeningPorts> listening_ports(const std::string &sandbox_id) const;

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

} // namespace berth::network::dns
