// driver.cpp — construction, configuration, adoption and the hot-swap
// operations. Networks, endpoints and ports live in driver_*.cpp.
#include "driver.hpp"

#include "proxy_launcher.hpp"

#include <berth/sdk.hpp>
#include <nlohmann/json.hpp>

#include <cctype>

namespace berth::netbridge {

using nlohmann::json;

DriverConfig config_from_json(const std::string &config_json, const berth_host *host) {
    json cfg = json::parse(config_json.empty() ? "{}" : config_json, nullptr, false);
    if (!cfg.is_object()) throw sdk::error(BERTH_E_INVAL, "net-bridge config is not a JSON object");
    DriverConfig c;
    c.proxy_path = default_proxy_path();
    c.state_dir = host->home_dir != nullptr ? host->home_dir : "";
    auto text = [&](const char *key, std::string &into) {
        auto it = cfg.find(key);
        if (it == cfg.end()) return;
        if (!it->is_string() || it->get<std::string>().empty())
            throw sdk::error(BERTH_E_INVAL,
                             std::string("net-bridge config: ") + key + " must be a non-empty string");
        into = it->get<std::string>();
    };
    text("nft_table", c.nft_table);
    text("proxy_path", c.proxy_path);
    text("state_dir", c.state_dir);
    for (char ch : c.nft_table)
        if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-')
            throw sdk::error(BERTH_E_INVAL, "net-bridge config: nft_table \"" + c.nft_table +
                                                "\" may only hold letters, digits, '_' and '-'");
    if (c.state_dir.empty())
        throw sdk::error(BERTH_E_INVAL, "net-bridge: the host gave no home_dir for the state file");
    return c;
}

Driver::Driver(const berth_host *host, DriverConfig config)
    : host_(host), config_(std::move(config)), file_(config_.state_dir), nft_(config_.nft_table) {
    state_ = file_.load();
    if (file_.try_lock())
        adopt();
    else
        log(BERTH_LOG_INFO, "another generation holds " + file_.path() +
                                "; its records arrive by import_state (hot swap)");
}

void Driver::log(int32_t level, const std::string &msg) const { host_->log(host_, level, msg.c_str()); }

void Driver::save() {
    file_.try_lock();  // after a swap: taken once the old generation is gone
    file_.save(state_);
}

void Driver::check_not_quiesced() const {
    if (quiesced_)
        throw sdk::error(BERTH_E_AGAIN, "net-bridge is quiesced for a hot swap; retry shortly");
}

const NetworkRecord &Driver::network(const std::string &nid) const {
    auto it = state_.networks.find(nid);
    if (it == state_.networks.end())
        throw sdk::error(BERTH_E_NOTFOUND, "network " + nid + " does not exist in net-bridge");
    return it->second;
}

EndpointRecord &Driver::endpoint(const std::string &nid, const std::string &eid) {
    auto it = state_.endpoints.find(eid);
    if (it == state_.endpoints.end() || it->second.nid != nid)
        throw sdk::error(BERTH_E_NOTFOUND,
                         "endpoint " + eid + " does not exist on network " + nid);
    return it->second;
}

void Driver::adopt() {
    if (state_.networks.empty()) return;
    for (const auto &[nid, net] : state_.networks) {
        try {
            if (realise_network(nid, net))
                log(BERTH_LOG_WARN, "network " + nid + ": bridge " + net.bridge +
                                        " was missing and has been re-created");
        } catch (const std::exception &e) {
            log(BERTH_LOG_ERROR, "network " + nid + ": cannot restore: " + e.what());
        }
    }
    for (auto &[eid, ep] : state_.endpoints) {
        try {
            realise_ports(eid, ep);
        } catch (const std::exception &e) {
            log(BERTH_LOG_ERROR, "endpoint " + eid + ": cannot restore published ports: " + e.what());
        }
    }
    save();
}

std::string Driver::capabilities() const {
    return json{{"v", 1},
                {"scope", "local"},
                {"connectivity_scope", "local"},
                {"version", BERTH_PLUGIN_VERSION}}
        .dump();
}

void Driver::quiesce() {
    std::lock_guard lk(mu_);  // waits for the call in flight
    quiesced_ = true;
}

void Driver::resume() {
    std::lock_guard lk(mu_);
    quiesced_ = false;
}

std::string Driver::export_state() {
    std::lock_guard lk(mu_);
    return state_to_json(state_);
}

void Driver::import_state(const std::string &state_json) {
    DriverState incoming = state_from_json(state_json);
    std::lock_guard lk(mu_);
    // The previous generation's records are authoritative: the kernel objects
    // they name exist and keep forwarding; nothing is created or deleted.
    state_ = std::move(incoming);
    save();
}

} // namespace berth::netbridge
