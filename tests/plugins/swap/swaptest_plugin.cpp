// swaptest: a network driver that exists to be hot-swapped by tests.
//
// Built four times from this file (see ../CMakeLists.txt); BERTH_PLUGIN_VERSION
// names the build, and:
//   SWAPTEST_INIT_FAILS   init refuses (a broken upgrade the host must roll back)
//   SWAPTEST_NO_HANDOVER  no BERTH_CAP_STATE_HANDOVER (the host must drain)
//
// What the tests read back:
//   capabilities -> {"v":1,"scope":"local","connectivity_scope":"local",
//                    "version":"<version>","calls":N,"imported":M}
//     N counts capabilities calls answered by this instance plus any count
//     imported from the previous generation; M is that imported count alone.
//     A test that counts its own calls into v1 can therefore prove that v2
//     received exactly v1's state.
//   export_state -> {"calls":N}; import_state adds its "calls" to N.
//   event_notify with {"sleep_ms":T} sleeps T ms: a call a test can hold open
//     inside one generation while it swaps to the next.
// A quiesced instance fails every call with AGAIN: after quiesce the host must
// not send this instance anything but export_state/resume (network.h), so a
// call leaking through shows up as a failed call in the test.
#include <berth/network.h>
#include <berth/sdk.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

namespace {

constexpr char plugin_version[] = BERTH_PLUGIN_VERSION;

struct instance {
    const berth_host *host;
    std::atomic<long long> calls{0};
    std::atomic<long long> imported{0};
    std::atomic<bool> quiesced{false};
};

instance *self_of(berth_instance *self) { return reinterpret_cast<instance *>(self); }

// The integer after "key": in a flat JSON object, or -1. The SDK has no JSON
// parser on purpose (plugins pick their own); this test needs one number.
long long json_number(const char *json, const char *key) {
    if (json == nullptr) return -1;
    const std::string needle = std::string("\"") + key + "\"";
    const char *p = std::strstr(json, needle.c_str());
    if (p == nullptr) return -1;
    p = std::strchr(p + needle.size(), ':');
    if (p == nullptr) return -1;
    char *end = nullptr;
    const long long v = std::strtoll(p + 1, &end, 10);
    return end == p + 1 ? -1 : v;
}

void refuse_if_quiesced(const instance *inst) {
    if (inst->quiesced.load())
        throw berth::sdk::error(BERTH_E_AGAIN, std::string("swaptest ") + plugin_version +
                                                   ": called while quiesced");
}

int32_t capabilities(berth_instance *self, berth_call *call, char **out_json) {
    auto *inst = self_of(self);
    return berth::sdk::guard(inst->host, call, [&] {
        refuse_if_quiesced(inst);
        const long long n = inst->calls.fetch_add(1) + 1;
        const std::string json = std::string(R"({"v":1,"scope":"local","connectivity_scope":"local",)") +
                                 R"("version":")" + plugin_version + R"(","calls":)" + std::to_string(n) +
                                 R"(,"imported":)" + std::to_string(inst->imported.load()) + "}";
        *out_json = berth::sdk::host_string(inst->host, json);
        return int32_t{BERTH_OK};
    });
}

int32_t event_notify(berth_instance *self, berth_call *call, const char *event_json) {
    auto *inst = self_of(self);
    return berth::sdk::guard(inst->host, call, [&] {
        refuse_if_quiesced(inst);
        const long long ms = json_number(event_json, "sleep_ms");
        if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
        return int32_t{BERTH_OK};
    });
}

int32_t quiesce(berth_instance *self, berth_call *) {
    self_of(self)->quiesced = true;
    return BERTH_OK;
}

int32_t resume(berth_instance *self, berth_call *) {
    self_of(self)->quiesced = false;
    return BERTH_OK;
}

int32_t export_state(berth_instance *self, berth_call *call, char **out_json) {
    auto *inst = self_of(self);
    return berth::sdk::guard(inst->host, call, [&] {
        const std::string json = R"({"calls":)" + std::to_string(inst->calls.load()) + "}";
        *out_json = berth::sdk::host_string(inst->host, json);
        return int32_t{BERTH_OK};
    });
}

int32_t import_state(berth_instance *self, berth_call *call, const char *state_json) {
    auto *inst = self_of(self);
    return berth::sdk::guard(inst->host, call, [&] {
        const long long n = json_number(state_json, "calls");
        if (n < 0)
            throw berth::sdk::error(BERTH_E_INVAL, std::string("swaptest: state without \"calls\": ") +
                                                       (state_json ? state_json : "(null)"));
        inst->imported += n;
        inst->calls += n;
        return int32_t{BERTH_OK};
    });
}

int32_t init(const berth_host *host, const char *, berth_instance **out, berth_call *call) {
#ifdef SWAPTEST_INIT_FAILS
    (void)out;
    return host->err_set(call, BERTH_E_PREREQ, "swaptest %s refuses to start (test variant)",
                         plugin_version);
#else
    return berth::sdk::guard(host, call, [&] {
        auto *inst = new instance;
        inst->host = host;
        *out = reinterpret_cast<berth_instance *>(inst);
        return int32_t{BERTH_OK};
    });
#endif
}

void fini(berth_instance *self) { delete self_of(self); }

// Operations a swap test never needs stay NULL: the host answers NOTSUP.
constexpr berth_network_ops ops = {
    .struct_size = sizeof(berth_network_ops),
    .reserved0 = 0,
    .capabilities = capabilities,
    .network_allocate = nullptr,
    .network_free = nullptr,
    .create_network = nullptr,
    .delete_network = nullptr,
    .create_endpoint = nullptr,
    .delete_endpoint = nullptr,
    .endpoint_info = nullptr,
    .join = nullptr,
    .leave = nullptr,
    .program_external = nullptr,
    .revoke_external = nullptr,
    .event_notify = event_notify,
    .quiesce = quiesce,
    .resume = resume,
    .export_state = export_state,
    .import_state = import_state,
};

#ifdef SWAPTEST_NO_HANDOVER
constexpr uint64_t caps = BERTH_CAP_THREADSAFE;
constexpr const char *state_schema = nullptr; // abi.h: NULL without the cap
#else
constexpr uint64_t caps = BERTH_CAP_THREADSAFE | BERTH_CAP_STATE_HANDOVER;
constexpr const char *state_schema = "swaptest/1";
#endif

constexpr berth_driver_entry drivers[] = {{
    .struct_size = sizeof(berth_driver_entry),
    .kind = BERTH_KIND_NETWORK,
    .name = "swaptest",
    .ops = &ops,
    .ops_size = sizeof(berth_network_ops),
    .reserved0 = 0,
    .caps = caps,
    .state_schema = state_schema,
}};

constexpr berth_plugin_descriptor descriptor = {
    BERTH_DESCRIPTOR_HEADER,
    .reserved0 = {},
    .name = "swaptest",
    .version = plugin_version,
    .vendor = "Berth tests",
    .license = "Apache-2.0",
    .build_id = nullptr,
    .description = "test: network driver for hot-swap tests",
    .n_drivers = 1,
    .reserved1 = 0,
    .drivers = drivers,
    .init = init,
    .fini = fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
