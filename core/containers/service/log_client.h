// log_client.h — the daemon's side of the log drivers (berth/log.h). Writing
// happens in the shim, which loads the driver library itself; berthd only
// checks --log-opt at create and reads logs back for `docker logs`.
#pragma once

#include <atomic>
#include <memory>
#include <string>

namespace berth::plugins {
class PluginRegistry;
class CallExecutor;
} // namespace berth::plugins

namespace berth::containers {

class LogClient {
public:
    LogClient(plugins::PluginRegistry &registry, plugins::CallExecutor &executor);

    bool known(const std::string &driver) const;
    // BERTH_E_INVAL from the driver becomes InvalidArgument with its message.
    void validate(const std::string &driver, const std::string &opts_json);
    // The file the shim dlopen()s for driver; "" when no plugin provides it.
    std::string library_path(const std::string &driver) const;
    // Writes the driver's JSON lines to out_fd (berth/log.h read()). Runs on
    // the calling thread: `logs -f` lasts as long as the client, and must not
    // hold a pool worker. Returns when done, when *cancelled turns true (set
    // it from another thread), or when out_fd's reader goes away.
    // Throws NotSupported-style InvalidArgument when the driver cannot read.
    void read(const std::string &driver, const std::string &info_json, const std::string &read_opts_json,
              int out_fd, std::shared_ptr<std::atomic<bool>> cancelled);

private:
    plugins::PluginRegistry &registry_;
    plugins::CallExecutor &executor_;
};

} // namespace berth::containers
