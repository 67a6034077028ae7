// kit_host.hpp — the kit's own, complete berth_host table. The kit is the
// host here, so it defines the two types the ABI leaves opaque to plugins:
// berth_call (per-call error slot, cancellation, deadline) and
// berth_host_ctx (the state behind the services). Every service is
// thread-safe, as host.h promises.
#pragma once

#include <berth/host.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

// The per-call context. One lives on the stack of every call the kit makes.
struct berth_call {
    int32_t code;        // what err_set recorded (BERTH_OK: nothing yet)
    char message[2048];  // err_set's formatted message, NUL-terminated
    int32_t message_set; // err_set was called at least once
    int32_t cancelled;   // is_cancelled() answer; the kit never cancels
    int64_t deadline_ns; // deadline() answer; 0 = none
};

namespace conformance {

struct HostEvent {
    std::string kind;
    std::string json;
};

} // namespace conformance

// What the services work on. Reached through berth_host.ctx.
struct berth_host_ctx {
    std::string log_prefix;
    std::string state_dir; // state_put/state_get files, one per key
    std::mutex mu;         // guards everything below
    std::vector<conformance::HostEvent> events;
    std::map<std::string, double> metrics;
};

namespace conformance {

class KitHost {
public:
    // home_dir, run_dir and state_dir must exist.
    KitHost(const std::string &home_dir, const std::string &run_dir, const std::string &state_dir,
            const std::string &log_prefix);
    KitHost(const KitHost &) = delete;
    KitHost &operator=(const KitHost &) = delete;

    const berth_host *table() const { return &table_; }
    std::vector<HostEvent> events();
    std::map<std::string, double> metrics();

private:
    std::string home_;
    std::string run_;
    berth_host_ctx ctx_;
    berth_host table_{};
};

// A fresh call context: no error, no cancellation, no deadline.
berth_call new_call();

} // namespace conformance
