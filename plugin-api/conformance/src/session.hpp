// session.hpp — one driver instance's life: init with "{}" on the kit's
// host table, fini once. restart() is fini + init, as a daemon restart.
#pragma once

#include "driver.hpp"
#include "kit_host.hpp"
#include "loader.hpp"

namespace conformance {

class Session {
public:
    Session(const Loaded &loaded, KitHost &host) : loaded_(loaded), host_(host) {}
    Session(const Session &) = delete;
    Session &operator=(const Session &) = delete;

    Status init();
    void fini();
    bool alive() const { return alive_; }
    berth_instance *instance() const { return instance_; }

private:
    Loaded loaded_;
    KitHost &host_;
    berth_instance *instance_ = nullptr;
    bool alive_ = false;
};

} // namespace conformance
