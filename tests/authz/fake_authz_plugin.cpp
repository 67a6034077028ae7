// A purpose-built authz plugin for the middleware tests: one plugin file,
// one driver per behaviour, so a test builds a chain by naming drivers.
//   fake-allow          allows requests; no authz_response
//   fake-deny           denies with "fake says no"
//   fake-error          fails the call (IO: backend unreachable)
//   fake-slow           sleeps 3 s, then allows (the host times it out)
//   fake-echo           denies, its message the request it was shown (JSON)
//   fake-deny-response  allows requests, denies responses with what it saw
//   fake-count          allows, appending "<method> <uri>" to <home>/calls
#include <berth/authz.h>
#include <berth/sdk.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <mutex>
#include <new>
#include <string>
#include <thread>

struct berth_instance {
    const berth_host *host;
    std::mutex calls_mutex;
};

namespace {

using berth::sdk::guard;
using berth::sdk::host_string;

int32_t decide(berth_instance *self, berth_authz_decision *out, bool allow, const std::string &message) {
    out->allow = allow ? 1 : 0;
    out->message = message.empty() ? nullptr : host_string(self->host, message);
    return BERTH_OK;
}

nlohmann::json seen_request(const berth_authz_request *req) {
    return {{"user", req->user},
            {"authn_method", req->authn_method},
            {"method", req->method},
            {"uri", req->uri},
            {"headers", nlohmann::json::parse(req->headers_json)},
            {"body", std::string(req->body.ptr == nullptr ? "" : req->body.ptr, req->body.len)},
            {"peer_certs_pem", req->peer_certs_pem == nullptr ? nlohmann::json() : nlohmann::json(req->peer_certs_pem)}};
}

int32_t allow_req(berth_instance *self, berth_call *call, const berth_authz_request *, berth_authz_decision *out) {
    return guard(self->host, call, [&] { return decide(self, out, true, ""); });
}

int32_t deny_req(berth_instance *self, berth_call *call, const berth_authz_request *, berth_authz_decision *out) {
    return guard(self->host, call, [&] { return decide(self, out, false, "fake says no"); });
}

int32_t error_req(berth_instance *self, berth_call *call, const berth_authz_request *, berth_authz_decision *) {
    return self->host->err_set(call, BERTH_E_IO, "backend unreachable");
}

int32_t slow_req(berth_instance *self, berth_call *call, const berth_authz_request *, berth_authz_decision *out) {
    std::this_thread::sleep_for(std::chrono::seconds(3));
    return guard(self->host, call, [&] { return decide(self, out, true, ""); });
}

int32_t echo_req(berth_instance *self, berth_call *call, const berth_authz_request *req,
                 berth_authz_decision *out) {
    return guard(self->host, call, [&] { return decide(self, out, false, seen_request(req).dump()); });
}

int32_t deny_resp(berth_instance *self, berth_call *call, const berth_authz_request *req,
                  const berth_authz_response *resp, berth_authz_decision *out) {
    return guard(self->host, call, [&] {
        nlohmann::json seen = {{"status", resp->status},
                               {"uri", req->uri},
                               {"headers", nlohmann::json::parse(resp->headers_json)},
                               {"body", std::string(resp->body.ptr == nullptr ? "" : resp->body.ptr, resp->body.len)}};
        return decide(self, out, false, seen.dump());
    });
}

int32_t count_req(berth_instance *self, berth_call *call, const berth_authz_request *req,
                  berth_authz_decision *out) {
    return guard(self->host, call, [&] {
        std::lock_guard lock(self->calls_mutex);
        std::ofstream(std::string(self->host->home_dir) + "/calls", std::ios::app)
            << req->method << ' ' << req->uri << '\n';
        return decide(self, out, true, "");
    });
}

constexpr berth_authz_ops ops_allow = {sizeof(berth_authz_ops), 0, allow_req, nullptr};
constexpr berth_authz_ops ops_deny = {sizeof(berth_authz_ops), 0, deny_req, nullptr};
constexpr berth_authz_ops ops_error = {sizeof(berth_authz_ops), 0, error_req, nullptr};
constexpr berth_authz_ops ops_slow = {sizeof(berth_authz_ops), 0, slow_req, nullptr};
constexpr berth_authz_ops ops_echo = {sizeof(berth_authz_ops), 0, echo_req, nullptr};
constexpr berth_authz_ops ops_deny_response = {sizeof(berth_authz_ops), 0, allow_req, deny_resp};
constexpr berth_authz_ops ops_count = {sizeof(berth_authz_ops), 0, count_req, nullptr};

constexpr berth_driver_entry entry(const char *name, const berth_authz_ops *ops) {
    return berth_driver_entry{
        .struct_size = sizeof(berth_driver_entry),
        .kind = BERTH_KIND_AUTHZ,
        .name = name,
        .ops = ops,
        .ops_size = sizeof(berth_authz_ops),
        .reserved0 = 0,
        .caps = BERTH_CAP_THREADSAFE,
        .state_schema = nullptr,
    };
}

constexpr berth_driver_entry drivers[] = {
    entry("fake-allow", &ops_allow),   entry("fake-deny", &ops_deny),
    entry("fake-error", &ops_error),   entry("fake-slow", &ops_slow),
    entry("fake-echo", &ops_echo),     entry("fake-deny-response", &ops_deny_response),
    entry("fake-count", &ops_count),
};

int32_t init(const berth_host *host, const char *, berth_instance **out, berth_call *call) {
    auto *inst = new (std::nothrow) berth_instance{host, {}};
    if (inst == nullptr) return host->err_set(call, BERTH_E_INTERNAL, "out of memory");
    *out = inst;
    return BERTH_OK;
}

void fini(berth_instance *self) { delete self; }

constexpr berth_plugin_descriptor descriptor = {
    BERTH_DESCRIPTOR_HEADER,
    .reserved0 = {},
    .name = "authz-fake",
    .version = BERTH_PLUGIN_VERSION,
    .vendor = "Berth tests",
    .license = "Apache-2.0",
    .build_id = nullptr,
    .description = "test: authz behaviours for the middleware tests",
    .n_drivers = sizeof drivers / sizeof drivers[0],
    .reserved1 = 0,
    .drivers = drivers,
    .init = init,
    .fini = fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
