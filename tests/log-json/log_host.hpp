// log_host.hpp — just enough of a host to drive the json-file plugin in a
// test: dlopen the built .so, call init, hand out call contexts that can be
// cancelled from another thread.
#pragma once

#include <berth/log.h>

#include <atomic>
#include <string>

struct berth_call {
    int32_t code = BERTH_OK;
    std::string message;
    std::atomic<int> cancelled{0};
};

class LogPlugin {
public:
    explicit LogPlugin(const std::string &so_path);
    ~LogPlugin();
    LogPlugin(const LogPlugin &) = delete;
    LogPlugin &operator=(const LogPlugin &) = delete;

    berth_instance *self() const { return self_; }
    const berth_log_ops &ops() const { return *ops_; }
    uint64_t caps() const { return caps_; }

private:
    void *dl_ = nullptr;
    const berth_plugin_descriptor *desc_ = nullptr;
    const berth_log_ops *ops_ = nullptr;
    berth_instance *self_ = nullptr;
    uint64_t caps_ = 0;
};
