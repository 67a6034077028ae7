#include "containers/service/log_client.h"

#include "containers/store/errors.h"
#include "plugins/call_executor.h"
#include "plugins/host_services.h"
#include "plugins/registry.h"

#include <berth/log.h>

#include <chrono>
#include <thread>

namespace berth::containers {

LogClient::LogClient(plugins::PluginRegistry &registry, plugins::CallExecutor &executor)
    : registry_(registry), executor_(executor) {}

bool LogClient::known(const std::string &driver) const {
    return driver == "none" || registry_.slot(BERTH_KIND_LOG, driver) != nullptr;
}

void LogClient::validate(const std::string &driver, const std::string &opts_json) {
    if (driver == "none") return;
    auto slot = registry_.slot(BERTH_KIND_LOG, driver);
    if (!slot) throw InvalidArgument("failed to create logger: logger: no log driver named '" + driver + "' is registered");
    auto res = executor_.run(*slot, [opts_json](const plugins::Lease &lease, berth_call *call) -> int32_t {
        const auto *ops = lease.ops<berth_log_ops>();
        if (ops->validate_opts == nullptr) return BERTH_OK;
        return ops->validate_opts(lease.instance(), call, opts_json.c_str());
    });
    if (res.code == BERTH_OK) return;
    std::string msg = res.message;
    if (auto c = msg.find(": "); c != std::string::npos && c < 12) msg = msg.substr(c + 2);
    throw InvalidArgument(msg);
}

std::string LogClient::library_path(const std::string &driver) const {
    for (const auto &rec : registry_.list()) {
        if (rec.state != "active") continue;
        for (const auto &[kind, name] : rec.drivers)
            if (kind == "log" && name == driver) return rec.file;
    }
    return {};
}

void LogClient::read(const std::string &driver, const std::string &info_json, const std::string &read_opts_json,
                     int out_fd, std::shared_ptr<std::atomic<bool>> cancelled) {
    if (driver == "none")
        throw InvalidArgument("configured logging driver does not support reading");
    auto slot = registry_.slot(BERTH_KIND_LOG, driver);
    if (!slot) throw InvalidArgument("configured logging driver does not support reading");
    plugins::Lease lease = slot->acquire();
    const auto *ops = lease.ops<berth_log_ops>();
    if (ops->read == nullptr)
        throw InvalidArgument("configured logging driver does not support reading");
    berth_call call;
    // The plugin polls is_cancelled(); mirror the caller's flag into the call.
    std::atomic<bool> done{false};
    std::thread watcher([&] {
        while (!done.load()) {
            if (cancelled && cancelled->load()) {
                call.cancelled = true;
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    });
    int32_t rc;
    try {
        rc = ops->read(lease.instance(), &call, info_json.c_str(), read_opts_json.c_str(), out_fd);
    } catch (...) {
        rc = BERTH_E_INTERNAL;
    }
    done = true;
    watcher.join();
    if (rc != BERTH_OK && !(cancelled && cancelled->load()))
        throw InternalError("reading logs: " + call.message);
}

} // namespace berth::containers
