// berth/sdk.hpp — header-only C++ help for plugin authors.
//
// The ABI is C; this header lets a C++ plugin keep its C++ habits without
// letting any of them cross the boundary: guard() turns every exception into
// a status code plus a message in the call's error slot, and the string
// helpers hand outputs over in host-owned memory. Include it in plugin
// sources only; nothing here is compiled into the host.
#ifndef BERTH_SDK_HPP
#define BERTH_SDK_HPP

#include <berth/abi.h>
#include <berth/host.h>

#include <cstring>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>

namespace berth::sdk {

// Throw this from plugin code to return a specific status with a message.
class error : public std::runtime_error {
public:
    error(int32_t code, const std::string &message) : std::runtime_error(message), code_(code) {}
    int32_t code() const noexcept { return code_; }

private:
    int32_t code_;
};

// Run f (returning int32_t, usually BERTH_OK) and map anything it throws:
// sdk::error -> its code, std::bad_alloc -> INTERNAL "out of memory",
// std::invalid_argument -> INVAL, any other exception -> INTERNAL.
// Use it as the whole body of every exported operation.
template <class F>
int32_t guard(const berth_host *host, berth_call *call, F &&f) noexcept {
    try {
        return f();
    } catch (const error &e) {
        return host->err_set(call, e.code(), "%s", e.what());
    } catch (const std::bad_alloc &) {
        return host->err_set(call, BERTH_E_INTERNAL, "out of memory");
    } catch (const std::invalid_argument &e) {
        return host->err_set(call, BERTH_E_INVAL, "%s", e.what());
    } catch (const std::exception &e) {
        return host->err_set(call, BERTH_E_INTERNAL, "%s", e.what());
    } catch (...) {
        return host->err_set(call, BERTH_E_INTERNAL, "unknown exception");
    }
}

// A host-owned NUL-terminated copy of s, for char ** outputs.
// Throws std::bad_alloc when the host is out of memory.
inline char *host_string(const berth_host *host, std::string_view s) {
    char *p = host->strdup_n(host, s.data(), s.size());
    if (p == nullptr) throw std::bad_alloc();
    return p;
}

// Log through the host at a level, from any thread.
inline void log(const berth_host *host, berth_log_level level, const std::string &msg) {
    host->log(host, level, msg.c_str());
}

// True when the host has the field at `offset` (for services newer than 1.0):
//   if (sdk::host_has(host, offsetof(berth_host, metric_add))) ...
inline bool host_has(const berth_host *host, size_t offset) {
    return host->struct_size >= offset + sizeof(void *);
}

} // namespace berth::sdk

#endif // BERTH_SDK_HPP
