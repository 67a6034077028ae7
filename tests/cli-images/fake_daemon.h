#pragma once

#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// A tiny HTTP/1.1 server on a unix socket standing in for berthd: enough to
// run CLI commands in-process and check the exact requests they send and the
// output they print for canned replies. One request per connection (the
// client never reuses one); chunked and Content-Length request bodies.
struct FakeRequest {
    std::string method;
    std::string target;  // "/v1.44/images/json?all=1"
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;  // de-chunked
    bool chunked = false;

    std::string header(const std::string& name) const;
};

struct FakeResponse {
    int status = 200;
    std::string content_type = "application/json";
    // Sent as separate HTTP chunks when there is more than one, so stream
    // objects arrive split as they would from a real daemon.
    std::vector<std::string> chunks;
};

class FakeDaemon {
public:
    using Handler = std::function<FakeResponse(const FakeRequest&)>;

    FakeDaemon(const std::filesystem::path& socket_path, Handler handler);
    ~FakeDaemon();
    FakeDaemon(const FakeDaemon&) = delete;
    FakeDaemon& operator=(const FakeDaemon&) = delete;

    // "unix:///..." for GlobalOptions::host.
    std::string host() const { return "unix://" + path_.string(); }
    std::vector<FakeRequest> requests() const;

private:
    void serve();
    void handle(int fd);

    std::filesystem::path path_;
    Handler handler_;
    int listen_fd_ = -1;
    int wake_[2] = {-1, -1};
    std::thread thread_;
    mutable std::mutex mutex_;
    std::vector<FakeRequest> requests_;
};
