// body_feeder.h — a streamed request body as a file descriptor, for
// readers that take an fd (the layer store, the decompressor): a thread
// copies Request::body_reader into one end of a socket pair.
#pragma once

#include "images/unique_fd.h"

#include <cstddef>
#include <functional>
#include <string>
#include <thread>

namespace berth::api {

class BodyFeeder {
public:
    explicit BodyFeeder(std::function<size_t(char *, size_t)> reader);
    ~BodyFeeder(); // closes the read end first, so the copier stops
    BodyFeeder(const BodyFeeder &) = delete;
    BodyFeeder &operator=(const BodyFeeder &) = delete;

    int fd() const { return read_end_.get(); }
    // After the consumer is done: joins, and returns the body's read error
    // ("" when it was read to its end or the consumer stopped early).
    std::string finish();

private:
    images::UniqueFd read_end_;
    std::thread thread_;
    std::string error_;
};

} // namespace berth::api
