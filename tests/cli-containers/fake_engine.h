#pragma once

#include <condition_variable>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// A stand-in for berthd on a unix socket that, unlike tests/cli-images'
// FakeDaemon, serves connections concurrently, as `run` needs: the attach
// connection stays open (hijacked, 101) while wait and start arrive on
// others, and wait's head goes out before its body. Requests are logged in
// the order they arrive, so tests can assert docker's request order.
struct EngineRequest {
    std::string method;
    std::string target;  // "/v1.44/containers/abc/attach?stream=1..."
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;

    std::string header(const std::string& name) const;
    std::string path() const;  // target without the query and API prefix
    std::string query() const;  // after '?', "" when none
};

struct EngineReply {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
    // Hijack: after the head (status 101 normally), the connection is a raw
    // pipe handed to this script, which may read and write and returns when
    // done; the connection is then closed.
    std::function<void(int fd)> hijack;
    // A chunked body produced after the head went out (wait's reply).
    std::function<std::string()> late_body;
};

class FakeEngine {
public:
    using Handler = std::function<EngineReply(const EngineRequest&)>;

    FakeEngine(const std::filesystem::path& socket_path, Handler handler);
    ~FakeEngine();
    FakeEngine(const FakeEngine&) = delete;
    FakeEngine& operator=(const FakeEngine&) = delete;

    std::string host() const { return "unix://" + path_.string(); }
    std::vector<EngineRequest> requests() const;
    // "METHOD /path" of each request in arrival order.
    std::vector<std::string> request_lines() const;
    // Blocks until a request with this "METHOD /path" has arrived.
    void await(const std::string& line) const;

private:
    void serve();
    void handle(int fd);

    std::filesystem::path path_;
    Handler handler_;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};
    std::thread thread_;
    std::vector<std::thread> connections_;
    mutable std::mutex mutex_;
    mutable std::condition_variable arrived_;
    std::vector<EngineRequest> requests_;
};

// Helpers for hijack scripts.
void send_bytes(int fd, const std::string& data);
// Everything the client sends until it half-closes or closes.
std::string read_until_eof(int fd);
