// proxy_launcher.hpp — starting and stopping berth-proxy, the userland port
// proxy (one process per published port, like docker-proxy).
//
// Where it lives: berth-proxy is built and installed in lib/berth/, one level
// above the plugin directory (lib/berth/plugins/), next to berth-shim. The
// plugin finds it relative to its own .so (dladdr); the plugin config
// {"proxy_path": "..."} overrides that.
//
// The proxy is started detached (double fork + setsid) so it outlives berthd
// restarts and plugin swaps; it reports "ok" or the bind error on a pipe
// before the launch returns.
#pragma once

#include "records.hpp"

#include <string>

namespace berth::netbridge {

// <dir of this .so>/../berth-proxy
std::string default_proxy_path();

// Start a proxy for p to container_ip; returns its pid. BERTH_E_BUSY naming
// host_ip:host_port when the port is taken, BERTH_E_PREREQ when the program
// is missing.
int start_proxy(const std::string &proxy_path, const PortMapping &p,
                const std::string &container_ip);
// True when pid is a live berth-proxy serving exactly this mapping (a pid
// read back from the state file may have been reused by anything).
bool proxy_alive(int pid, const PortMapping &p, const std::string &container_ip);
// SIGTERM (then SIGKILL) a proxy that proxy_alive() recognises; other pids
// are left alone.
void stop_proxy(int pid, const PortMapping &p, const std::string &container_ip);

} // namespace berth::netbridge
