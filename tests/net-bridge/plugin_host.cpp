#include "plugin_host.hpp"

#include <dlfcn.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace berth::test {

namespace {

void h_log(const berth_host *, int32_t level, const char *msg) {
    std::fprintf(stderr, "net-bridge[%d]: %s\n", level, msg);
}
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
int32_t h_cancelled(const berth_call *) { return 0; }
int64_t h_deadline(const berth_call *) { return 0; }
void h_emit(const berth_host *, const char *, const char *) {}
int32_t h_put(const berth_host *, const char *, const void *, size_t) { return BERTH_E_NOTSUP; }
int32_t h_get(const berth_host *, const char *, void **, size_t *) { return BERTH_E_NOTFOUND; }
void h_metric(const berth_host *, const char *, double) {}

} // namespace

PluginLibrary::PluginLibrary(const std::string &path) {
    lib_ = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib_ == nullptr) throw std::runtime_error(dlerror());
    using entry_fn = const berth_plugin_descriptor *(*)();
    auto entry = reinterpret_cast<entry_fn>(dlsym(lib_, "berth_plugin_v1"));
    if (entry == nullptr) throw std::runtime_error("no berth_plugin_v1 in " + path);
    desc_ = entry();
}

PluginLibrary::~PluginLibrary() {
    if (lib_ != nullptr) dlclose(lib_);
}

const berth_network_ops *PluginLibrary::ops() const {
    return static_cast<const berth_network_ops *>(desc_->drivers[0].ops);
}

Instance::Instance(const PluginLibrary &lib, const std::string &home, const std::string &config)
    : lib_(lib), home_(home) {
    host_.struct_size = sizeof(berth_host);
    host_.abi_minor = BERTH_ABI_MINOR;
    host_.host_version = "test";
    host_.home_dir = home_.c_str();
    host_.run_dir = home_.c_str();
    host_.log = h_log;
    host_.alloc = h_alloc;
    host_.strdup_n = h_strdup;
    host_.free = h_free;
    host_.err_set = h_err_set;
    host_.is_cancelled = h_cancelled;
    host_.deadline = h_deadline;
    host_.emit_event = h_emit;
    host_.state_put = h_put;
    host_.state_get = h_get;
    host_.metric_add = h_metric;
    if (lib_.descriptor()->init(&host_, config.c_str(), &inst_, &call_) != BERTH_OK)
        throw std::runtime_error("init: " + call_.message);
}

Instance::~Instance() { fini(); }

void Instance::fini() {
    if (inst_ != nullptr) lib_.descriptor()->fini(inst_);
    inst_ = nullptr;
}

int32_t Instance::finish(int32_t rc, char *out) {
    out_ = out != nullptr ? out : "";
    std::free(out);
    if (rc == BERTH_OK) call_.message.clear();
    return rc;
}

// Each wrapper: a fresh error slot, the operation, then its output (if any)
// copied and freed. The operation runs before `out` is read.
#define CALL(expr)                                                                                 \
    call_ = berth_call{};                                                                          \
    char *out = nullptr;                                                                           \
    const berth_network_ops *ops = lib_.ops();                                                     \
    int32_t rc = (expr);                                                                           \
    return finish(rc, out)

int32_t Instance::capabilities() { CALL(ops->capabilities(inst_, &call_, &out)); }
int32_t Instance::create_network(const std::string &nid, const std::string &config) {
    CALL(ops->create_network(inst_, &call_, nid.c_str(), config.c_str()));
}
int32_t Instance::delete_network(const std::string &nid) {
    CALL(ops->delete_network(inst_, &call_, nid.c_str()));
}
int32_t Instance::create_endpoint(const std::string &nid, const std::string &eid,
                                  const std::string &iface) {
    CALL(ops->create_endpoint(inst_, &call_, nid.c_str(), eid.c_str(), iface.c_str(), &out));
}
int32_t Instance::delete_endpoint(const std::string &nid, const std::string &eid) {
    CALL(ops->delete_endpoint(inst_, &call_, nid.c_str(), eid.c_str()));
}
int32_t Instance::endpoint_info(const std::string &nid, const std::string &eid) {
    CALL(ops->endpoint_info(inst_, &call_, nid.c_str(), eid.c_str(), &out));
}
int32_t Instance::join(const std::string &nid, const std::string &eid, const std::string &netns,
                       const std::string &options) {
    CALL(ops->join(inst_, &call_, nid.c_str(), eid.c_str(), netns.c_str(), options.c_str(), &out));
}
int32_t Instance::leave(const std::string &nid, const std::string &eid) {
    CALL(ops->leave(inst_, &call_, nid.c_str(), eid.c_str()));
}
int32_t Instance::program_external(const std::string &nid, const std::string &eid,
                                   const std::string &opts) {
    CALL(ops->program_external(inst_, &call_, nid.c_str(), eid.c_str(), opts.c_str()));
}
int32_t Instance::revoke_external(const std::string &nid, const std::string &eid) {
    CALL(ops->revoke_external(inst_, &call_, nid.c_str(), eid.c_str()));
}
int32_t Instance::quiesce() { CALL(ops->quiesce(inst_, &call_)); }
int32_t Instance::resume() { CALL(ops->resume(inst_, &call_)); }
int32_t Instance::export_state() { CALL(ops->export_state(inst_, &call_, &out)); }
int32_t Instance::import_state(const std::string &state) {
    CALL(ops->import_state(inst_, &call_, state.c_str()));
}

} // namespace berth::test
