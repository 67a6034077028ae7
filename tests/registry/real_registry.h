// real_registry.h — a Debian docker-registry (distribution 2.8) on
// 127.0.0.1:<free port>, storing into a temporary directory, for as long as
// the object lives.
#pragma once

#include "test_env.h"

#include <memory>
#include <string>
#include <sys/types.h>

namespace berth::registry::test {

class RealRegistry {
public:
    // Why the tests cannot run here ("docker-registry not installed"), or "".
    static std::string unavailable_reason();

    // Starts it and waits until /v2/ answers; throws std::runtime_error with
    // the registry's log when it does not come up.
    RealRegistry();
    ~RealRegistry();
    RealRegistry(const RealRegistry &) = delete;
    RealRegistry &operator=(const RealRegistry &) = delete;

    int port() const { return port_; }
    std::string name() const { return "127.0.0.1:" + std::to_string(port_); }
    std::string log() const;

private:
    void wait_until_ready();
    void stop();

    TempDir dir_{"berth-docker-registry"};
    int port_ = 0;
    pid_t pid_ = -1;
};

} // namespace berth::registry::test
