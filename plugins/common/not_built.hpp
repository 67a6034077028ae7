// not_built.hpp — placeholder operations for bundled plugins whose driver is
// not written yet. Each returns BERTH_E_NOTSUP with "<plugin>: <op> is not
// built yet", so a caller sees exactly what is missing and never a fake
// success. The issue that owns a plugin replaces these one by one.
#pragma once

#include <berth/abi.h>
#include <berth/host.h>

#include <algorithm>
#include <cstddef>
#include <new>

namespace berth::plugins {

// What every skeleton plugin keeps: the host table and its own name.
struct skeleton_instance {
    const berth_host *host;
    const char *plugin;
};

// A string usable as a template argument (C++20 structural type).
template <std::size_t N>
struct op_name {
    char text[N];
    constexpr op_name(const char (&s)[N]) { std::copy_n(s, N, text); }
};

template <op_name Name, class Fn>
struct not_built;

template <op_name Name, class... Args>
struct not_built<Name, int32_t (*)(berth_instance *, berth_call *, Args...)> {
    static int32_t fn(berth_instance *self, berth_call *call, Args...) {
        auto *inst = reinterpret_cast<skeleton_instance *>(self);
        return inst->host->err_set(call, BERTH_E_NOTSUP, "%s: %s is not built yet",
                                   inst->plugin, Name.text);
    }
};

// init/fini for a skeleton: keep the host, nothing else.
template <const char *PluginName>
int32_t skeleton_init(const berth_host *host, const char *, berth_instance **out, berth_call *call) {
    auto *inst = new (std::nothrow) skeleton_instance{host, PluginName};
    if (inst == nullptr) return host->err_set(call, BERTH_E_INTERNAL, "out of memory");
    *out = reinterpret_cast<berth_instance *>(inst);
    return BERTH_OK;
}
inline void skeleton_fini(berth_instance *self) {
    delete reinterpret_cast<skeleton_instance *>(self);
}

} // namespace berth::plugins

// BERTH_NOT_BUILT(berth_storage_ops, create) -> a function of create's type.
#define BERTH_NOT_BUILT(table, op)                                                 \
    ::berth::plugins::not_built<#op, decltype(table::op)>::fn
