#include "kit_host.hpp"

#include "fs.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#ifndef BERTH_CONFORMANCE_VERSION
#define BERTH_CONFORMANCE_VERSION "0.0.0"
#endif

namespace conformance {

namespace {

const char *level_name(int32_t level) {
    switch (level) {
    case BERTH_LOG_TRACE: return "trace";
    case BERTH_LOG_DEBUG: return "debug";
    case BERTH_LOG_INFO: return "info";
    case BERTH_LOG_WARN: return "warn";
    case BERTH_LOG_ERROR: return "error";
    default: return "level?";
    }
}

void host_log(const berth_host *host, int32_t level, const char *msg) {
    // One fprintf per line: stdio locks the stream, so lines from different
    // threads do not interleave.
    std::fprintf(stderr, "[%s %s] %s\n", host->ctx->log_prefix.c_str(), level_name(level),
                 msg != nullptr ? msg : "(null)");
}

void *host_alloc(const berth_host *, size_t size) { return std::malloc(size == 0 ? 1 : size); }

char *host_strdup_n(const berth_host *, const char *s, size_t len) {
    auto *p = static_cast<char *>(std::malloc(len + 1));
    if (p == nullptr) return nullptr;
    if (len > 0) std::memcpy(p, s, len);
    p[len] = '\0';
    return p;
}

void host_free(const berth_host *, void *ptr) { std::free(ptr); }

int32_t host_err_set(berth_call *call, int32_t code, const char *fmt, ...) {
    if (call == nullptr) return code;
    call->code = code;
    call->message_set = 1;
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(call->message, sizeof call->message, fmt, ap);
    va_end(ap);
    return code;
}

int32_t host_is_cancelled(const berth_call *call) { return call != nullptr ? call->cancelled : 0; }

int64_t host_deadline(const berth_call *call) { return call != nullptr ? call->deadline_ns : 0; }

void host_emit_event(const berth_host *host, const char *kind, const char *json) {
    std::lock_guard lock(host->ctx->mu);
    host->ctx->events.push_back({kind != nullptr ? kind : "", json != nullptr ? json : ""});
}

// host.h: keys are [A-Za-z0-9._-], 1-128 bytes. The file name gets a prefix
// so "." and ".." are harmless.
bool valid_key(const char *key) {
    if (key == nullptr) return false;
    size_t n = std::strlen(key);
    if (n == 0 || n > 128) return false;
    for (size_t i = 0; i < n; ++i) {
        char c = key[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                  c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

int32_t host_state_put(const berth_host *host, const char *key, const void *data, size_t len) {
    if (!valid_key(key)) {
        host_log(host, BERTH_LOG_ERROR, "kit: state_put with a key outside [A-Za-z0-9._-]{1,128}");
        return BERTH_E_INVAL;
    }
    std::lock_guard lock(host->ctx->mu);
    std::string path = host->ctx->state_dir + "/key." + key;
    if (len == 0) {
        if (::unlink(path.c_str()) != 0 && errno != ENOENT) return BERTH_E_IO;
        return BERTH_OK;
    }
    std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return BERTH_E_IO;
    const char *p = static_cast<const char *>(data);
    size_t done = 0;
    while (done < len) {
        ssize_t n = ::write(fd, p + done, len - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            ::close(fd);
            return BERTH_E_IO;
        }
        done += static_cast<size_t>(n);
    }
    bool ok = ::fsync(fd) == 0;
    ok = ::close(fd) == 0 && ok;
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return BERTH_E_IO;
    return BERTH_OK;
}

int32_t host_state_get(const berth_host *host, const char *key, void **out, size_t *out_len) {
    if (!valid_key(key) || out == nullptr || out_len == nullptr) return BERTH_E_INVAL;
    std::lock_guard lock(host->ctx->mu);
    std::string path = host->ctx->state_dir + "/key." + key;
    if (!lexists(path)) return BERTH_E_NOTFOUND;
    std::string data;
    try {
        data = read_file(path);
    } catch (const std::exception &) {
        return BERTH_E_IO;
    }
    void *p = std::malloc(data.empty() ? 1 : data.size());
    if (p == nullptr) return BERTH_E_INTERNAL;
    std::memcpy(p, data.data(), data.size());
    *out = p;
    *out_len = data.size();
    return BERTH_OK;
}

void host_metric_add(const berth_host *host, const char *name, double value) {
    std::lock_guard lock(host->ctx->mu);
    host->ctx->metrics[name != nullptr ? name : ""] += value;
}

} // namespace

KitHost::KitHost(const std::string &home_dir, const std::string &run_dir, const std::string &state_dir,
                 const std::string &log_prefix)
    : home_(home_dir), run_(run_dir) {
    ctx_.log_prefix = log_prefix;
    ctx_.state_dir = state_dir;
    table_.struct_size = sizeof(berth_host);
    table_.abi_minor = BERTH_ABI_MINOR;
    table_.host_version = BERTH_CONFORMANCE_VERSION;
    table_.home_dir = home_.c_str();
    table_.run_dir = run_.c_str();
    table_.ctx = &ctx_;
    table_.log = host_log;
    table_.alloc = host_alloc;
    table_.strdup_n = host_strdup_n;
    table_.free = host_free;
    table_.err_set = host_err_set;
    table_.is_cancelled = host_is_cancelled;
    table_.deadline = host_deadline;
    table_.emit_event = host_emit_event;
    table_.state_put = host_state_put;
    table_.state_get = host_state_get;
    table_.metric_add = host_metric_add;
}

std::vector<HostEvent> KitHost::events() {
    std::lock_guard lock(ctx_.mu);
    return ctx_.events;
}

std::map<std::string, double> KitHost::metrics() {
    std::lock_guard lock(ctx_.mu);
    return ctx_.metrics;
}

berth_call new_call() {
    berth_call c{};
    c.code = BERTH_OK;
    return c;
}

} // namespace conformance
