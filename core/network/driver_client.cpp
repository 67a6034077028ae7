#include "network/driver_client.h"

#include "plugins/call_executor.h"
#include "plugins/host_services.h"

#include <berth/network.h>

#include <cstdlib>

namespace berth::network {
namespace {

using namespace std::chrono_literals;

// Kernel work (a bridge, a veth, an nft ruleset) is quick; a userland proxy
// start can take a moment. Nothing blocks for a container's lifetime.
constexpr auto kCallTimeout = 60s;

std::string adopt(char *text) {
    if (text == nullptr) return {};
    std::string out = text;
    std::free(text);
    return out;
}

// CallOutcome prefixes "<STATUS>: "; users read the plugin's words.
std::string plain_message(const plugins::CallOutcome &res) {
    std::string msg = res.message;
    const auto colon = msg.find(": ");
    if (colon != std::string::npos && colon < 12) msg = msg.substr(colon + 2);
    return msg;
}

using Op = std::function<int32_t(const berth_network_ops &, berth_instance *, berth_call *, std::string &out)>;

// Runs one op; the output lives in a shared_ptr because after a timeout the
// worker may still write it when the caller has gone.
std::string run(plugins::CallExecutor &executor, plugins::Slot &slot, const char *op_name, Op op) {
    auto out = std::make_shared<std::string>();
    auto body = [op = std::move(op), out, op_name](const plugins::Lease &lease, berth_call *call) -> int32_t {
        const auto *ops = lease.ops<berth_network_ops>();
        return op(*ops, lease.instance(), call, *out);
    };
    (void)op_name;
    const auto res = executor.run(slot, std::move(body), kCallTimeout);
    if (res.code != BERTH_OK) throw DriverError(res.code, plain_message(res));
    return *out;
}

int32_t notsup(berth_call *call, const char *op) {
    call->message = std::string("the network driver does not support ") + op;
    return BERTH_E_NOTSUP;
}

} // namespace

PluginNetworkDriver::PluginNetworkDriver(std::shared_ptr<plugins::Slot> slot, plugins::CallExecutor &executor)
    : slot_(std::move(slot)), executor_(executor) {}

const std::string &PluginNetworkDriver::name() const { return slot_->name(); }

void PluginNetworkDriver::create_network(const std::string &nid, const std::string &config_json) {
    run(executor_, *slot_, "create_network",
        [nid, config_json](const berth_network_ops &ops, berth_instance *self, berth_call *call, std::string &) {
            if (ops.create_network == nullptr) return notsup(call, "create_network");
            return ops.create_network(self, call, nid.c_str(), config_json.c_str());
        });
}

void PluginNetworkDriver::delete_network(const std::string &nid) {
    run(executor_, *slot_, "delete_network",
        [nid](const berth_network_ops &ops, berth_instance *self, berth_call *call, std::string &) {
            if (ops.delete_network == nullptr) return notsup(call, "delete_network");
            return ops.delete_network(self, call, nid.c_str());
        });
}

std::string PluginNetworkDriver::create_endpoint(const std::string &nid, const std::string &eid,
                                                 const std::string &iface_json) {
    return run(executor_, *slot_, "create_endpoint",
               [nid, eid, iface_json](const berth_network_ops &ops, berth_instance *self, berth_call *call,
                                      std::string &out) {
                   if (ops.create_endpoint == nullptr) return notsup(call, "create_endpoint");
                   char *json = nullptr;
                   const int32_t rc = ops.create_endpoint(self, call, nid.c_str(), eid.c_str(), iface_json.c_str(), &json);
                   out = adopt(json);
                   return rc;
               });
}

void PluginNetworkDriver::delete_endpoint(const std::string &nid, const std::string &eid) {
    run(executor_, *slot_, "delete_endpoint",
        [nid, eid](const berth_network_ops &ops, berth_instance *self, berth_call *call, std::string &) {
            if (ops.delete_endpoint == nullptr) return notsup(call, "delete_endpoint");
            return ops.delete_endpoint(self, call, nid.c_str(), eid.c_str());
        });
}

std::string PluginNetworkDriver::join(const std::string &nid, const std::string &eid, const std::string &netns_path,
                                      const std::string &options_json) {
    return run(executor_, *slot_, "join",
               [nid, eid, netns_path, options_json](const berth_network_ops &ops, berth_instance *self,
                                                    berth_call *call, std::string &out) {
                   if (ops.join == nullptr) return notsup(call, "join");
                   char *json = nullptr;
                   const int32_t rc = ops.join(self, call, nid.c_str(), eid.c_str(), netns_path.c_str(),
                                               options_json.c_str(), &json);
                   out = adopt(json);
                   return rc;
               });
}

void PluginNetworkDriver::leave(const std::string &nid, const std::string &eid) {
    run(executor_, *slot_, "leave",
        [nid, eid](const berth_network_ops &ops, berth_instance *self, berth_call *call, std::string &) {
            if (ops.leave == nullptr) return notsup(call, "leave");
            return ops.leave(self, call, nid.c_str(), eid.c_str());
        });
}

void PluginNetworkDriver::program_external(const std::string &nid, const std::string &eid,
                                           const std::string &options_json) {
    run(executor_, *slot_, "program_external",
        [nid, eid, options_json](const berth_network_ops &ops, berth_instance *self, berth_call *call, std::string &) {
            if (ops.program_external == nullptr) return notsup(call, "program_external");
            return ops.program_external(self, call, nid.c_str(), eid.c_str(), options_json.c_str());
        });
}

void PluginNetworkDriver::revoke_external(const std::string &nid, const std::string &eid) {
    run(executor_, *slot_, "revoke_external",
        [nid, eid](const berth_network_ops &ops, berth_instance *self, berth_call *call, std::string &) {
            if (ops.revoke_external == nullptr) return notsup(call, "revoke_external");
            return ops.revoke_external(self, call, nid.c_str(), eid.c_str());
        });
}

} // namespace berth::network
