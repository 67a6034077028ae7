// call_executor.h — runs plugin calls on a worker pool, never on the thread
// that serves the API, with a lease held for the whole call and a deadline
// the caller waits for. A plugin that hangs costs a worker, not the API.
#pragma once

#include "plugins/slot.h"

#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace berth::plugins {

struct CallOutcome {
    int32_t code = BERTH_OK;  // BERTH_OK or BERTH_E_*
    std::string message;      // "<STATUS>: <plugin's message>" on failure
    uint64_t generation = 0;  // which generation answered
    std::string version;      // that generation's plugin version
};

class CallExecutor {
public:
    explicit CallExecutor(size_t threads);
    ~CallExecutor(); // waits for running calls
    CallExecutor(const CallExecutor &) = delete;
    CallExecutor &operator=(const CallExecutor &) = delete;

    // The body receives the lease (ops, instance) and the call context. It
    // must only touch state it owns or shares by shared_ptr: after a timeout
    // the caller has gone and the body may still be running.
    using Body = std::function<int32_t(const Lease &, berth_call *)>;

    // Take a lease on slot (waiting out a swap), run body on a worker and
    // wait up to timeout. On timeout the call is marked cancelled and
    // BERTH_E_TIMEOUT returned; the worker keeps the lease until the plugin
    // returns. Plugins without BERTH_CAP_THREADSAFE are serialised here.
    CallOutcome run(Slot &slot, Body body,
                    std::chrono::milliseconds timeout = std::chrono::milliseconds(60000));

private:
    struct Pool;
    std::unique_ptr<Pool> pool_;
};

} // namespace berth::plugins
