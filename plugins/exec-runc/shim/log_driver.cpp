#include "log_driver.hpp"

#include <dlfcn.h>
#include <sys/types.h>

#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

// The host's per-call context as the shim defines it: only the error slot.
struct berth_call {
    int32_t code = BERTH_OK;
    char message[1024] = {};
};

namespace berth::shim {

namespace {

void host_log(const berth_host *, int32_t level, const char *msg) {
    static const char *names[] = {"trace", "debug", "info", "warn", "error"};
    const char *name = level >= 0 && level <= 4 ? names[level] : "log";
    std::fprintf(stderr, "berth-shim: log driver %s: %s\n", name, msg != nullptr ? msg : "");
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
    if (call != nullptr) {
        va_list ap;
        va_start(ap, fmt);
        std::vsnprintf(call->message, sizeof call->message, fmt, ap);
        va_end(ap);
        call->code = code;
    }
    return code;
}
int32_t host_is_cancelled(const berth_call *) { return 0; }
int64_t host_deadline(const berth_call *) { return 0; }
void host_emit_event(const berth_host *, const char *, const char *) {}
int32_t host_state_put(const berth_host *, const char *, const void *, size_t) { return BERTH_E_NOTSUP; }
int32_t host_state_get(const berth_host *, const char *, void **, size_t *) { return BERTH_E_NOTFOUND; }
void host_metric_add(const berth_host *, const char *, double) {}

berth_host g_host = {
    .struct_size = sizeof(berth_host),
    .abi_minor = BERTH_ABI_MINOR,
    .reserved0 = 0,
    .host_version = "berth-shim",
    .home_dir = "",
    .run_dir = "",
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

// abi.h's checks 1-7 for a library that must serve a log driver; returns
// the chosen driver entry or nullptr with err set.
const berth_driver_entry *check(const berth_plugin_descriptor *d, const std::string &driver,
                                std::string &err) {
    if (d == nullptr) return err = "entry symbol returned no descriptor", nullptr;
    if (d->magic != BERTH_PLUGIN_MAGIC) return err = "bad magic", nullptr;
    if (d->struct_size < sizeof(berth_plugin_descriptor)) return err = "descriptor too small", nullptr;
    if (d->abi_major != BERTH_ABI_MAJOR) return err = "ABI major differs", nullptr;
    if (d->min_host_minor > BERTH_ABI_MINOR) return err = "requires a newer host", nullptr;
    if (d->pointer_size != sizeof(void *) || d->off_t_size != sizeof(off_t) ||
        d->byte_order != (__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ ? 1 : 2))
        return err = "built for another platform", nullptr;
    if (d->init == nullptr || d->fini == nullptr || d->drivers == nullptr)
        return err = "malformed descriptor", nullptr;
    for (uint32_t i = 0; i < d->n_drivers; ++i) {
        const berth_driver_entry &e = d->drivers[i];
        if (e.struct_size < sizeof(berth_driver_entry) || e.kind != BERTH_KIND_LOG) continue;
        if (e.name == nullptr || (!driver.empty() && driver != e.name)) continue;
        if (e.ops == nullptr || e.ops_size < BERTH_LOG_OPS_V1_0_SIZE ||
            *static_cast<const uint32_t *>(e.ops) != e.ops_size)
            return err = std::string("malformed descriptor: log driver ") + e.name +
                         " has a short operation table",
                   nullptr;
        const auto *ops = static_cast<const berth_log_ops *>(e.ops);
        if (ops->start == nullptr || ops->log_batch == nullptr || ops->stop == nullptr)
            return err = std::string("log driver ") + e.name + " cannot write logs", nullptr;
        return &e;
    }
    err = driver.empty() ? "serves no log driver" : "serves no log driver named " + driver;
    return nullptr;
}

} // namespace

LogDriver::~LogDriver() { stop(); }

bool LogDriver::open(const LogDriverSpec &spec, std::string &err) {
    library_ = spec.library;
    auto failed = [&](const std::string &why) {
        err = "log driver library " + spec.library + ": " + why;
        return false;
    };
    if (spec.library.empty() || spec.library[0] != '/') return failed("not an absolute path");
    // RTLD_LOCAL: the plugin's symbols stay its own; RTLD_NOW: a missing
    // symbol fails here, not in the middle of the container's life.
    void *lib = dlopen(spec.library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
        const char *e = dlerror();
        return failed(std::string("dlopen: ") + (e != nullptr ? e : "failed"));
    }
    auto entry = reinterpret_cast<berth_plugin_entry_fn>(dlsym(lib, BERTH_PLUGIN_ENTRY_SYMBOL));
    if (entry == nullptr) return failed("missing entry symbol " BERTH_PLUGIN_ENTRY_SYMBOL);
    const berth_plugin_descriptor *d = entry();
    std::string why;
    const berth_driver_entry *e = check(d, spec.driver, why);
    if (e == nullptr) return failed(why);
    home_dir_ = spec.home_dir;
    g_host.home_dir = home_dir_.c_str();
    g_host.run_dir = home_dir_.c_str();
    berth_call call;
    berth_instance *inst = nullptr;
    const std::string config = spec.plugin_config.empty() ? "{}" : spec.plugin_config;
    if (d->init(&g_host, config.c_str(), &inst, &call) != BERTH_OK)
        return failed(std::string("init failed: ") + call.message);
    descriptor_ = d;
    instance_ = inst;
    ops_ = static_cast<const berth_log_ops *>(e->ops);
    berth_call scall;
    berth_log_stream *stream = nullptr;
    if (ops_->start(instance_, &scall, spec.info_json.c_str(), &stream) != BERTH_OK || stream == nullptr) {
        stop();
        return failed(std::string("start failed: ") + scall.message);
    }
    stream_ = stream;
    return true;
}

void LogDriver::write(const berth_log_entry *entries, size_t n) {
    if (stream_ == nullptr || n == 0) return;
    berth_call call;
    if (ops_->log_batch(instance_, &call, stream_, entries, n) == BERTH_OK) return;
    if (last_error_ != call.message) {
        last_error_ = call.message;
        std::fprintf(stderr, "berth-shim: log driver %s: log_batch: %s\n", library_.c_str(), call.message);
    }
}

void LogDriver::stop() {
    if (stream_ != nullptr) {
        berth_call call;
        if (ops_->stop(instance_, &call, stream_) != BERTH_OK)
            std::fprintf(stderr, "berth-shim: log driver %s: stop: %s\n", library_.c_str(), call.message);
        stream_ = nullptr;
    }
    if (instance_ != nullptr) {
        static_cast<const berth_plugin_descriptor *>(descriptor_)->fini(instance_);
        instance_ = nullptr;
    }
}

} // namespace berth::shim
