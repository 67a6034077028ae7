#include "log_host.hpp"

#include <dlfcn.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace {

void host_log(const berth_host *, int32_t level, const char *msg) {
    std::fprintf(stderr, "[log-json %d] %s\n", level, msg);
}
void *host_alloc(const berth_host *, size_t n) { return std::malloc(n == 0 ? 1 : n); }
char *host_strdup_n(const berth_host *, const char *s, size_t len) {
    auto *p = static_cast<char *>(std::malloc(len + 1));
    if (p == nullptr) return nullptr;
    std::memcpy(p, s, len);
    p[len] = '\0';
    return p;
}
void host_free(const berth_host *, void *p) { std::free(p); }
int32_t host_err_set(berth_call *call, int32_t code, const char *fmt, ...) {
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
int32_t host_is_cancelled(const berth_call *call) { return call != nullptr && call->cancelled.load() != 0; }
int64_t host_deadline(const berth_call *) { return 0; }
void host_emit_event(const berth_host *, const char *, const char *) {}
int32_t host_state_put(const berth_host *, const char *, const void *, size_t) { return BERTH_E_NOTSUP; }
int32_t host_state_get(const berth_host *, const char *, void **, size_t *) { return BERTH_E_NOTFOUND; }
void host_metric_add(const berth_host *, const char *, double) {}

const berth_host host_table = {
    .struct_size = sizeof(berth_host),
    .abi_minor = 0,
    .reserved0 = 0,
    .host_version = "test",
    .home_dir = "/nonexistent-home",
    .run_dir = "/nonexistent-run",
    .ctx = nullptr,
    .log = host_log,
    .alloc = host_alloc,
    .strdup_n = host_strdup_n,
    .free = host_free,
    .err_set = host_err_set,
    .is_cancelled = host_is_cancelled,
    .deadline = host_deadline,
    .emit_event = host_emit_event,
    .state_put = host_state_put,
    .state_get = host_state_get,
    .metric_add = host_metric_add,
};

} // namespace

LogPlugin::LogPlugin(const std::string &so_path) {
    dl_ = ::dlopen(so_path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (dl_ == nullptr) throw std::runtime_error(std::string("dlopen: ") + ::dlerror());
    auto entry = reinterpret_cast<berth_plugin_entry_fn>(::dlsym(dl_, "berth_plugin_v1"));
    if (entry == nullptr) throw std::runtime_error("no berth_plugin_v1");
    desc_ = entry();
    if (desc_->n_drivers != 1 || desc_->drivers[0].kind != BERTH_KIND_LOG)
        throw std::runtime_error("not a single log driver");
    ops_ = static_cast<const berth_log_ops *>(desc_->drivers[0].ops);
    caps_ = desc_->drivers[0].caps;
    berth_call call;
    if (desc_->init(&host_table, "{}", &self_, &call) != BERTH_OK)
        throw std::runtime_error("init: " + call.message);
}

LogPlugin::~LogPlugin() {
    if (self_ != nullptr) desc_->fini(self_);
    if (dl_ != nullptr) ::dlclose(dl_);
}
