// shim_client.hpp — the plugin's side of the shim protocol (shim/protocol.hpp):
// one connection per request, one JSON reply.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace berth::execrunc {

// A connected socket to <dir>/shim.sock, or -1 when no shim answers there.
int connect_shim(const std::string &dir);

// Send line (no '\n') with fds to the shim and return its reply text.
// Returns false when the shim is unreachable or hung up without a reply.
// cancelled() is polled every 200 ms while waiting (wait blocks for as long
// as the container runs); when it returns true, *was_cancelled is set.
bool shim_call(const std::string &dir, const std::string &line, const std::vector<int> &fds,
               std::string &reply, const std::function<bool()> &cancelled = {},
               bool *was_cancelled = nullptr);

} // namespace berth::execrunc
