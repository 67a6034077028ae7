#include "real_registry.h"

#include <httplib.h>

#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <stdexcept>
#include <thread>

extern char **environ;

namespace berth::registry::test {

std::string RealRegistry::unavailable_reason() {
    if (!find_program("docker-registry"))
        return "docker-registry is not installed (apt-get install docker-registry)";
    return {};
}

RealRegistry::RealRegistry() {
    const auto binary = find_program("docker-registry");
    if (!binary) throw std::runtime_error(unavailable_reason());
    port_ = free_loopback_port();
    const auto config = dir_.path() / "config.yml";
    write_file(config, "version: 0.1\n"
                       "log:\n"
                       "  level: warn\n"
                       "  accesslog:\n"
                       "    disabled: true\n"
                       "storage:\n"
                       "  filesystem:\n"
                       "    rootdirectory: " + (dir_.path() / "data").string() + "\n"
                       "  delete:\n"
                       "    enabled: true\n"
                       "http:\n"
                       "  addr: 127.0.0.1:" + std::to_string(port_) + "\n");

    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    const auto log_path = dir_.path() / "registry.log";
    posix_spawn_file_actions_addopen(&fa, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&fa, 1, 2);
    const std::string bin = binary->string(), serve = "serve", cfg = config.string();
    char *argv[] = {const_cast<char *>(bin.c_str()), const_cast<char *>(serve.c_str()),
                    const_cast<char *>(cfg.c_str()), nullptr};
    const int rc = posix_spawn(&pid_, bin.c_str(), &fa, nullptr, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    if (rc != 0) throw std::runtime_error("cannot start docker-registry");

    // From here on a failure must not leave the process behind.
    try {
        wait_until_ready();
    } catch (...) {
        stop();
        throw;
    }
}

void RealRegistry::wait_until_ready() {
    httplib::Client probe("127.0.0.1", port_);
    probe.set_connection_timeout(std::chrono::milliseconds(200));
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
        if (auto res = probe.Get("/v2/"); res && res->status == 200) return;
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("docker-registry exited during start:\n" + log());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    throw std::runtime_error("docker-registry did not answer on " + name() + ":\n" + log());
}

RealRegistry::~RealRegistry() { stop(); }

void RealRegistry::stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    for (int i = 0; i < 100; ++i) {
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
}

std::string RealRegistry::log() const { return read_file(dir_.path() / "registry.log"); }

} // namespace berth::registry::test
