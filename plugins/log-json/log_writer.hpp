// log_writer.hpp — one container's json-file stream: formats entries into
// dockerd's line format, buffers a batch into one write(2), and rotates the
// files when the live one reaches max-size.
#pragma once

#include "options.hpp"

#include <berth/log.h>

#include <cstdint>
#include <string>

namespace berth::logjson {

// Append one entry as dockerd writes it:
// {"log":"...","stream":"stdout","attrs":{...},"time":"..."}\n
// attrs_json is raw JSON text ("" for none). A complete entry's "log" always
// ends in "\n"; a partial one (not the last part) is written as is.
void append_entry_line(std::string &out, const berth_log_entry &e, const std::string &attrs_json);

class LogWriter {
public:
    // Opens (creates) the live file in append mode. Throws sdk::error.
    LogWriter(std::string path, LogOptions opts, std::string attrs_json);
    ~LogWriter();
    LogWriter(const LogWriter &) = delete;
    LogWriter &operator=(const LogWriter &) = delete;

    // Write the entries in order: one write(2) unless a rotation falls
    // inside the batch.
    void write_batch(const berth_log_entry *entries, size_t n);

private:
    void flush();
    void rotate();
    void compress_file(const std::string &from, const std::string &to);
    void open_live(bool truncate);

    std::string path_;
    LogOptions opts_;
    std::string attrs_json_;
    int fd_ = -1;
    int64_t size_ = 0;   // bytes in the live file, buffer included
    std::string buf_;    // reused between batches to keep its capacity
};

} // namespace berth::logjson
