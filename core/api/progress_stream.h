// progress_stream.h — Docker's JSON progress stream (pull, push, load,
// import): one JSON object per message, "\r\n" after each, flushed as it
// goes. Failures after the stream started go out as errorDetail (the CLI
// reads only that field) plus the deprecated "error".
#pragma once

#include "api/http_types.h"
#include "distribution/progress.h"

#include <cstdint>
#include <mutex>
#include <string>

namespace berth::api {

// Thrown by the sink when the client has gone, so the operation stops.
class ClientGone : public std::runtime_error {
public:
    ClientGone() : std::runtime_error("the client closed the connection") {}
};

class JsonProgressStream final : public distribution::ProgressSink {
public:
    explicit JsonProgressStream(ResponseStream &out) : out_(out) {}
    void send(const distribution::ProgressMessage &message) override;
    // {"errorDetail":{"code"?,"message":...},"error":...}; never throws.
    // code: the exit status `docker build` exits with (a failed RUN's); 0
    // leaves it out and the CLI exits 1.
    void error(const std::string &message, int code = 0) noexcept;

private:
    void write_line(const std::string &json);
    std::mutex mutex_;
    ResponseStream &out_;
    bool gone_ = false;
};

// The JSON object for one message, fields as moby writes them.
std::string progress_json(const distribution::ProgressMessage &message);
// moby's rendered bar: "[=====>      ]  1.2MB/3.4MB", or "  3.4MB" without a total.
std::string progress_bar(int64_t current, int64_t total);
// go-units HumanSize: 4 significant digits, decimal units ("2.155MB", "527B").
std::string human_size(double bytes);

} // namespace berth::api
