// test_support.h — a scratch directory per test and a fake network driver
// that records every call with its JSON, so tests assert what the core
// hands drivers without loading a plugin or touching the kernel.
#pragma once

#include "network/driver_client.h"
#include "network/network_service.h"

#include <berth/abi.h>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

class TestDir {
public:
    TestDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "berth-network-test-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TestDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TestDir(const TestDir &) = delete;
    TestDir &operator=(const TestDir &) = delete;
    const std::filesystem::path &path() const { return path_; }

private:
    std::filesystem::path path_;
};

struct DriverCall {
    std::string op, nid, eid, arg; // arg: the JSON (or netns path + " " + JSON for join)
};

class FakeDriver : public berth::network::NetworkDriver {
public:
    explicit FakeDriver(std::string name = "bridge") : name_(std::move(name)) {}
    const std::string &name() const override { return name_; }

    void create_network(const std::string &nid, const std::string &config) override {
        record("create_network", nid, "", config);
        if (fail_op == "create_network") throw berth::network::DriverError(fail_code, fail_message);
        if (networks.count(nid)) throw berth::network::DriverError(BERTH_E_EXISTS, "network " + nid + " exists");
        networks[nid] = config;
    }
    void delete_network(const std::string &nid) override {
        record("delete_network", nid, "", "");
        if (fail_op == "delete_network") throw berth::network::DriverError(fail_code, fail_message);
        if (!networks.erase(nid)) throw berth::network::DriverError(BERTH_E_NOTFOUND, "no network " + nid);
    }
    std::string create_endpoint(const std::string &nid, const std::string &eid, const std::string &iface) override {
        record("create_endpoint", nid, eid, iface);
        if (fail_op == "create_endpoint") throw berth::network::DriverError(fail_code, fail_message);
        endpoints[eid] = nid;
        return endpoint_reply;
    }
    void delete_endpoint(const std::string &nid, const std::string &eid) override {
        record("delete_endpoint", nid, eid, "");
        if (!endpoints.erase(eid)) throw berth::network::DriverError(BERTH_E_NOTFOUND, "no endpoint " + eid);
    }
    std::string join(const std::string &nid, const std::string &eid, const std::string &netns,
                     const std::string &options) override {
        record("join", nid, eid, netns + " " + options);
        if (fail_op == "join") throw berth::network::DriverError(fail_code, fail_message);
        return R"({"v":1,"ifname":"eth0"})";
    }
    void leave(const std::string &nid, const std::string &eid) override { record("leave", nid, eid, ""); }
    void program_external(const std::string &nid, const std::string &eid, const std::string &options) override {
        record("program_external", nid, eid, options);
        if (fail_op == "program_external") throw berth::network::DriverError(fail_code, fail_message);
    }
    void revoke_external(const std::string &nid, const std::string &eid) override {
        record("revoke_external", nid, eid, "");
    }

    std::vector<DriverCall> calls_of(const std::string &op) const {
        std::lock_guard lock(mu_);
        std::vector<DriverCall> out;
        for (const auto &c : calls)
            if (c.op == op) out.push_back(c);
        return out;
    }
    std::vector<std::string> ops() const {
        std::lock_guard lock(mu_);
        std::vector<std::string> out;
        for (const auto &c : calls) out.push_back(c.op);
        return out;
    }
    void clear() {
        std::lock_guard lock(mu_);
        calls.clear();
    }

    std::vector<DriverCall> calls;
    std::map<std::string, std::string> networks;  // nid -> config
    std::map<std::string, std::string> endpoints; // eid -> nid
    std::string endpoint_reply;                   // create_endpoint's out JSON
    std::string fail_op;                          // the op that fails, "" for none
    int32_t fail_code = BERTH_E_INTERNAL;
    std::string fail_message = "boom";

private:
    void record(const char *op, const std::string &nid, const std::string &eid, const std::string &arg) {
        std::lock_guard lock(mu_);
        calls.push_back({op, nid, eid, arg});
    }
    std::string name_;
    mutable std::mutex mu_;
};

// A service over a fake "bridge" driver with pinned host routes (none), so
// tests never depend on the machine's routing table.
inline berth::network::NetworkServiceConfig test_config(const std::filesystem::path &root) {
    berth::network::NetworkServiceConfig c;
    c.data_root = root;
    c.host_routes = [] { return std::vector<berth::network::ipam::Ipv4Prefix>{}; };
    return c;
}

inline berth::network::DriverLookup lookup_for(std::shared_ptr<FakeDriver> driver) {
    return [driver](const std::string &name) -> std::shared_ptr<berth::network::NetworkDriver> {
        return name == driver->name() ? driver : nullptr;
    };
}
