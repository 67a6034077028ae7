#include "test_host.hpp"

#include <dlfcn.h>

#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace berth::test {

namespace {

TestHost *owner(const berth_host *h) {
    return reinterpret_cast<const TestHost::Wrap *>(h)->self;
}

void h_log(const berth_host *, int32_t, const char *msg) { std::fprintf(stderr, "plugin: %s\n", msg); }
void *h_alloc(const berth_host *, size_t n) { return std::malloc(n); }
char *h_strdup(const berth_host *, const char *s, size_t n) {
    char *p = static_cast<char *>(std::malloc(n + 1));
    if (p != nullptr) {
        std::memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}
void h_free(const berth_host *, void *p) { std::free(p); }
int32_t h_err_set(berth_call *call, int32_t code, const char *fmt, ...) {
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (call != nullptr) {
        call->code = code;
        call->message = buf;
    }
    return code;
}
int32_t h_cancelled(const berth_call *call) { return call != nullptr && call->cancelled ? 1 : 0; }
int64_t h_deadline(const berth_call *) { return 0; }
void h_emit(const berth_host *h, const char *kind, const char *json) {
    TestHost *t = owner(h);
    std::lock_guard<std::mutex> lk(t->mu);
    t->events.push_back({kind, json});
    t->cv.notify_all();
}
int32_t h_put(const berth_host *, const char *, const void *, size_t) { return BERTH_E_NOTSUP; }
int32_t h_get(const berth_host *, const char *, void **, size_t *) { return BERTH_E_NOTFOUND; }
void h_metric(const berth_host *, const char *, double) {}

} // namespace

TestHost::TestHost(const std::string &plugin_path, const std::string &run_dir,
                   const std::string &config_json)
    : run_dir_(run_dir) {
    wrap.self = this;
    host.struct_size = sizeof(berth_host);
    host.abi_minor = BERTH_ABI_MINOR;
    host.host_version = "test";
    host.home_dir = run_dir_.c_str();
    host.run_dir = run_dir_.c_str();
    host.log = h_log;
    host.alloc = h_alloc;
    host.strdup_n = h_strdup;
    host.free = h_free;
    host.err_set = h_err_set;
    host.is_cancelled = h_cancelled;
    host.deadline = h_deadline;
    host.emit_event = h_emit;
    host.state_put = h_put;
    host.state_get = h_get;
    host.metric_add = h_metric;
    lib_ = dlopen(plugin_path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib_ == nullptr) throw std::runtime_error(dlerror());
    using entry_fn = const berth_plugin_descriptor *(*)();
    auto entry = reinterpret_cast<entry_fn>(dlsym(lib_, "berth_plugin_v1"));
    if (entry == nullptr) throw std::runtime_error("no berth_plugin_v1");
    desc_ = entry();
    ops_ = static_cast<const berth_exec_ops *>(desc_->drivers[0].ops);
    berth_call call;
    if (desc_->init(&host, config_json.c_str(), &inst_, &call) != BERTH_OK)
        throw std::runtime_error("init: " + call.message);
}

TestHost::~TestHost() {
    if (inst_ != nullptr) desc_->fini(inst_);
    if (lib_ != nullptr) dlclose(lib_);
}

std::string TestHost::wait_event(const std::string &kind, int timeout_ms) {
    std::unique_lock<std::mutex> lk(mu);
    std::string found;
    cv.wait_for(lk, std::chrono::milliseconds(timeout_ms), [&] {
        for (auto &e : events)
            if (e.kind == kind) {
                found = e.json;
                return true;
            }
        return false;
    });
    return found;
}

} // namespace berth::test
