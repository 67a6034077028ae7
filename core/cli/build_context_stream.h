#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <thread>

#include "build/context/context_tar.h"

// The tar of a context directory as a stream: write_context_tar runs on a
// thread of its own into a pipe, and the request body reads the other end,
// so a context of any size is sent while it is being archived and never
// held in memory (docker streams it the same way).
namespace berth::cli {

class ContextTarStream {
public:
    ContextTarStream(std::filesystem::path dir, build::ContextTarOptions options);
    // Closes our end first, so a writer still blocked on a full pipe (the
    // daemon refused the request half-way) fails with EPIPE and ends.
    ~ContextTarStream();
    ContextTarStream(const ContextTarStream&) = delete;
    ContextTarStream& operator=(const ContextTarStream&) = delete;

    // Up to `capacity` bytes of the tar; 0 once it is complete. Throws
    // CliError with the writer's message when the writer failed, so a
    // truncated tar is never passed off as a whole one.
    std::size_t read(char* buffer, std::size_t capacity);

private:
    void finish_writer();

    int read_fd_ = -1;
    std::thread writer_;
    std::string error_;  // set by the writer before it closes its end
};

}  // namespace berth::cli
