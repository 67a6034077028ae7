#include "plugins/call_executor.h"

#include "plugins/host_services.h"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

#include <future>

namespace berth::plugins {

struct CallExecutor::Pool {
    explicit Pool(size_t n) : pool(n) {}
    boost::asio::thread_pool pool;
};

CallExecutor::CallExecutor(size_t threads) : pool_(std::make_unique<Pool>(threads ? threads : 1)) {}

CallExecutor::~CallExecutor() { pool_->pool.join(); }

CallOutcome CallExecutor::run(Slot &slot, Body body, std::chrono::milliseconds timeout) {
    CallOutcome out;
    Lease lease;
    try {
        lease = slot.acquire();
    } catch (const NoDriver &e) {
        out.code = BERTH_E_NOTFOUND;
        out.message = e.what();
        return out;
    }
    out.generation = lease.generation().number();
    out.version = lease.generation().info().version;

    struct Shared {
        Lease lease;
        Body body;
        berth_call call;
        std::promise<int32_t> done;
    };
    auto shared = std::make_shared<Shared>();
    shared->lease = std::move(lease);
    shared->body = std::move(body);
    if (timeout.count() > 0) {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        shared->call.deadline_ns = int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec +
                                   std::chrono::duration_cast<std::chrono::nanoseconds>(timeout).count();
    }
    auto result = shared->done.get_future();

    boost::asio::post(pool_->pool, [shared] {
        int32_t rc;
        try {
            if (shared->lease.threadsafe()) {
                rc = shared->body(shared->lease, &shared->call);
            } else {
                std::lock_guard serial(shared->lease.generation().serial());
                rc = shared->body(shared->lease, &shared->call);
            }
        } catch (const std::exception &e) {
            shared->call.message = e.what();
            rc = BERTH_E_INTERNAL;
        }
        shared->lease = Lease(); // release before signalling: the caller may swap next
        shared->done.set_value(rc);
    });

    if (result.wait_for(timeout) != std::future_status::ready) {
        shared->call.cancelled = true;
        out.code = BERTH_E_TIMEOUT;
        out.message = "TIMEOUT: plugin call did not return within " + std::to_string(timeout.count()) + " ms";
        return out;
    }
    out.code = result.get();
    if (out.code != BERTH_OK) out.message = describe_failure(shared->call, out.code);
    return out;
}

} // namespace berth::plugins
