#include "plugins/host_services.h"

#include "util/atomic_file.h"

#include <spdlog/spdlog.h>

#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <mutex>
#include <regex>
#include <sstream>

namespace berth::plugins {
namespace {

HostServices *services(const berth_host *host) {
    return reinterpret_cast<HostServices *>(host->ctx);
}

void host_log(const berth_host *host, int32_t level, const char *msg) {
    const auto &name = services(host)->plugin_name;
    const char *text = msg ? msg : "";
    switch (level) {
    case BERTH_LOG_TRACE: spdlog::trace("[{}] {}", name, text); break;
    case BERTH_LOG_DEBUG: spdlog::debug("[{}] {}", name, text); break;
    case BERTH_LOG_INFO: spdlog::info("[{}] {}", name, text); break;
    case BERTH_LOG_WARN: spdlog::warn("[{}] {}", name, text); break;
    default: spdlog::error("[{}] {}", name, text); break;
    }
}

void *host_alloc(const berth_host *, size_t size) { return std::malloc(size ? size : 1); }

char *host_strdup_n(const berth_host *, const char *s, size_t len) {
    auto *p = static_cast<char *>(std::malloc(len + 1));
    if (p == nullptr) return nullptr;
    if (len) std::memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void host_free(const berth_host *, void *ptr) { std::free(ptr); }

int32_t host_err_set(berth_call *call, int32_t code, const char *fmt, ...) {
    if (call == nullptr) return code;
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt ? fmt : "", ap);
    va_end(ap);
    call->code = code;
    call->message = buf;
    return code;
}

int32_t host_is_cancelled(const berth_call *call) {
    if (call == nullptr) return 0;
    if (call->cancelled.load()) return 1;
    if (call->deadline_ns != 0) {
        timespec ts{};
        clock_gettime(CLOCK_MONOTONIC, &ts);
        if (int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec >= call->deadline_ns) return 1;
    }
    return 0;
}

int64_t host_deadline(const berth_call *call) { return call ? call->deadline_ns : 0; }

void host_emit_event(const berth_host *host, const char *kind, const char *json) {
    auto *s = services(host);
    if (s->events) s->events(s->plugin_name, kind ? kind : "", json ? json : "{}");
}

bool valid_state_key(const char *key) {
    static const std::regex re("[A-Za-z0-9._-]{1,128}");
    return key != nullptr && std::regex_match(key, re) && std::strcmp(key, ".") != 0 &&
           std::strcmp(key, "..") != 0;
}

int32_t host_state_put(const berth_host *host, const char *key, const void *data, size_t len) {
    if (!valid_state_key(key)) return BERTH_E_INVAL;
    const auto path = services(host)->state_dir / key;
    std::error_code ec;
    if (len == 0) {
        std::filesystem::remove(path, ec);
        return ec ? BERTH_E_IO : BERTH_OK;
    }
    return util::write_file_atomic(path, std::string_view(static_cast<const char *>(data), len))
               ? BERTH_OK
               : BERTH_E_IO;
}

int32_t host_state_get(const berth_host *host, const char *key, void **out, size_t *out_len) {
    if (!valid_state_key(key) || out == nullptr || out_len == nullptr) return BERTH_E_INVAL;
    std::ifstream in(services(host)->state_dir / key, std::ios::binary);
    if (!in) return BERTH_E_NOTFOUND;
    std::ostringstream ss;
    ss << in.rdbuf();
    const std::string data = ss.str();
    *out = host_strdup_n(host, data.data(), data.size());
    if (*out == nullptr) return BERTH_E_INTERNAL;
    *out_len = data.size();
    return BERTH_OK;
}

std::mutex metrics_mutex;
void host_metric_add(const berth_host *host, const char *name, double value) {
    std::lock_guard lock(metrics_mutex);
    spdlog::trace("[{}] metric {} += {}", services(host)->plugin_name, name ? name : "", value);
}

} // namespace

std::unique_ptr<HostServices> make_host_services(std::string plugin_name, std::string host_version,
                                                 std::filesystem::path home_dir,
                                                 std::filesystem::path run_dir,
                                                 std::filesystem::path state_dir, EventSink events) {
    auto s = std::make_unique<HostServices>();
    s->plugin_name = std::move(plugin_name);
    s->host_version = std::move(host_version);
    s->home_dir = std::move(home_dir);
    s->run_dir = std::move(run_dir);
    s->state_dir = std::move(state_dir);
    s->events = std::move(events);

    berth_host &t = s->table;
    t.struct_size = sizeof(berth_host);
    t.abi_minor = BERTH_ABI_MINOR;
    t.host_version = s->host_version.c_str();
    t.home_dir = s->home_dir.c_str();
    t.run_dir = s->run_dir.c_str();
    t.ctx = reinterpret_cast<berth_host_ctx *>(s.get());
    t.log = host_log;
    t.alloc = host_alloc;
    t.strdup_n = host_strdup_n;
    t.free = host_free;
    t.err_set = host_err_set;
    t.is_cancelled = host_is_cancelled;
    t.deadline = host_deadline;
    t.emit_event = host_emit_event;
    t.state_put = host_state_put;
    t.state_get = host_state_get;
    t.metric_add = host_metric_add;
    return s;
}

bool create_service_dirs(const HostServices &s, std::string &error) {
    for (const auto *dir : {&s.home_dir, &s.run_dir, &s.state_dir}) {
        std::error_code ec;
        std::filesystem::create_directories(*dir, ec);
        if (ec) {
            error = "cannot create " + dir->string() + ": " + ec.message();
            return false;
        }
    }
    return true;
}

std::string describe_failure(const berth_call &call, int32_t code) {
    std::string out = berth_status_name(code);
    if (!call.message.empty()) out += ": " + call.message;
    return out;
}

} // namespace berth::plugins
