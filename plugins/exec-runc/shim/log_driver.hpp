// log_driver.hpp — the container's log driver, hosted inside the shim so
// logs keep flowing while berthd is down. The shim dlopen()s a Berth log
// plugin (libberth-log-*.so), checks its descriptor the way berthd does
// (abi.h: magic, sizes, ABI numbers, platform tuple, a log driver entry with
// a large enough operation table), serves it a minimal berth_host and keeps
// one stream open: start() once, log_batch() per chunk, stop() at exit.
// The minimal host: diagnostics go to the shim's stderr (shim.log); there
// is no event bus, state store or metrics in a shim, so those answer
// NOTSUP / nothing. home_dir and run_dir are the container directory.
#pragma once

#include <berth/log.h>

#include <string>

namespace berth::shim {

struct LogDriverSpec {
    std::string library;        // absolute path of the .so
    std::string driver;         // driver name inside it; "" = its first log driver
    std::string plugin_config;  // the plugin's init config_json; "" = "{}"
    std::string info_json;      // berth_log_ops.start's info_json, verbatim
    std::string home_dir;       // berth_host.home_dir / run_dir
};

class LogDriver {
public:
    LogDriver() = default;
    LogDriver(const LogDriver &) = delete;
    LogDriver &operator=(const LogDriver &) = delete;
    ~LogDriver();  // stop()

    // Load, check, init and start. On failure returns false and sets err to
    // a message naming the library. The library stays mapped either way
    // (the shim is one container's process; unloading buys nothing).
    bool open(const LogDriverSpec &spec, std::string &err);
    bool active() const { return stream_ != nullptr; }
    // Write n entries. A failing driver is reported in shim.log (once per
    // distinct message) and the output keeps flowing to attached clients.
    void write(const berth_log_entry *entries, size_t n);
    // stop() the stream and fini() the instance; idempotent.
    void stop();

private:
    std::string library_, home_dir_, last_error_;
    const void *descriptor_ = nullptr;  // berth_plugin_descriptor
    const berth_log_ops *ops_ = nullptr;
    berth_instance *instance_ = nullptr;
    berth_log_stream *stream_ = nullptr;
};

} // namespace berth::shim
