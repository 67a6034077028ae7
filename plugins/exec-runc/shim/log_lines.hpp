// log_lines.hpp — turning a container's output stream into log entries the
// way dockerd's copier does: one entry per line, the "\n" kept; a line that
// grows past max_line bytes without a newline is cut into parts marked
// partial (same partial_id, ordinals from 1; the last part has partial=0),
// so a process that never prints a newline cannot make the shim buffer
// without bound. Pure logic, no I/O: unit-tested without runc.
#pragma once

#include <berth/log.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace berth::shim {

// dockerd's default line buffer (daemon/logger/copier.go).
inline constexpr size_t docker_max_line = 16 * 1024;

class LineSplitter {
public:
    // Receives each batch; the entries and their bytes are valid only for
    // the call.
    using Sink = std::function<void(const berth_log_entry *entries, size_t n)>;

    LineSplitter(uint32_t source, Sink sink, size_t max_line = docker_max_line);

    // Bytes read at time_ns (wall clock, ns since the epoch). Emits every
    // line the bytes complete, in one batch.
    void feed(const char *data, size_t len, int64_t time_ns);
    // End of the stream: emit what is buffered as the final entry.
    void flush(int64_t time_ns);

private:
    void emit_buffered(bool at_eof, int64_t time_ns);

    uint32_t source_;
    Sink sink_;
    size_t max_line_;
    std::string pending_;      // bytes of the line not yet emitted
    int ordinal_ = 0;          // parts of the current line already emitted
    std::string partial_id_;   // set while a line is being cut into parts
    int64_t first_part_ns_ = 0;
    // The last stamp given: lines read together still get distinct, rising
    // times, so `logs --since <a line\'s time>` never returns the lines before it.
    int64_t last_ns_ = 0;
};

// 32 random hex digits: groups the parts of one long line.
std::string new_partial_id();

} // namespace berth::shim
