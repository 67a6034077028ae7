// test_host.hpp — a minimal in-test berth_host: loads a plugin .so with
// dlopen, creates one instance, records emitted events. No berthd needed.
#pragma once

#include <berth/abi.h>
#include <berth/exec.h>
#include <berth/host.h>

#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

struct berth_call {
    int32_t code = 0;
    std::string message;
    bool cancelled = false;
};

namespace berth::test {

struct Event {
    std::string kind, json;
};

class TestHost {
public:
    // config_json: the plugin's daemon.json section, as init receives it.
    TestHost(const std::string &plugin_path, const std::string &run_dir,
             const std::string &config_json = "{}");
    ~TestHost();  // fini + dlclose
    const berth_exec_ops *ops() const { return ops_; }
    berth_instance *instance() const { return inst_; }
    // Wait up to timeout_ms for an event of kind; returns its JSON or "".
    std::string wait_event(const std::string &kind, int timeout_ms);

    // berth_host first in a standard-layout wrapper, so a callback can get
    // back to its TestHost from the host pointer.
    struct Wrap {
        berth_host host;
        TestHost *self;
    } wrap{};
    berth_host &host = wrap.host;
    std::mutex mu;
    std::condition_variable cv;
    std::vector<Event> events;

private:
    std::string run_dir_;
    void *lib_ = nullptr;
    const berth_plugin_descriptor *desc_ = nullptr;
    const berth_exec_ops *ops_ = nullptr;
    berth_instance *inst_ = nullptr;
};

} // namespace berth::test
