#include "log_lines.hpp"

#include <sys/random.h>

#include <cstdio>
#include <algorithm>
#include <deque>
#include <vector>

namespace berth::shim {

std::string new_partial_id() {
    unsigned char raw[16] = {};
    if (getrandom(raw, sizeof raw, 0) != static_cast<ssize_t>(sizeof raw)) {
        // Unique within the shim is all the reader needs.
        static unsigned counter = 0;
        std::snprintf(reinterpret_cast<char *>(raw), sizeof raw, "%08x", ++counter);
    }
    static const char hex[] = "0123456789abcdef";
    std::string id;
    for (unsigned char c : raw) {
        id += hex[c >> 4];
        id += hex[c & 15];
    }
    return id;
}

LineSplitter::LineSplitter(uint32_t source, Sink sink, size_t max_line)
    : source_(source), sink_(std::move(sink)), max_line_(max_line == 0 ? 1 : max_line) {}

void LineSplitter::feed(const char *data, size_t len, int64_t time_ns) {
    if (len == 0) return;
    pending_.append(data, len);
    emit_buffered(false, time_ns);
}

void LineSplitter::flush(int64_t time_ns) { emit_buffered(true, time_ns); }

void LineSplitter::emit_buffered(bool at_eof, int64_t time_ns) {
    std::vector<berth_log_entry> batch;
    // The entries' partial ids live until the sink returns (a deque never
    // moves what it holds).
    std::deque<std::string> ids;
    size_t pos = 0;
    auto add = [&](size_t len, bool last_part) {
        berth_log_entry e{};
        e.struct_size = sizeof e;
        e.source = source_;
        e.line = {pending_.data() + pos, len};
        bool split = ordinal_ > 0 || !last_part;
        if (split) {
            if (ordinal_ == 0) {
                partial_id_ = new_partial_id();
                first_part_ns_ = time_ns;
            }
            ids.push_back(partial_id_);
            e.partial = last_part ? 0 : 1;
            e.partial_ordinal = ++ordinal_;
            e.partial_id = {ids.back().data(), ids.back().size()};
            // dockerd stamps every part of a line with its first part's time.
            e.time_unix_nano = first_part_ns_;
        } else {
            e.time_unix_nano = std::max<int64_t>(time_ns, last_ns_ + 1);
        }
        last_ns_ = std::max<int64_t>(last_ns_, e.time_unix_nano);
        batch.push_back(e);
        pos += len;
        if (last_part) ordinal_ = 0;
    };
    for (;;) {
        size_t nl = pending_.find('\n', pos);
        size_t line_end = nl == std::string::npos ? pending_.size() : nl + 1;
        if (line_end - pos > max_line_) {
            add(max_line_, false);
        } else if (nl != std::string::npos) {
            add(line_end - pos, true);
        } else if (line_end - pos == max_line_) {
            add(max_line_, at_eof);
        } else {
            if (at_eof && line_end > pos) add(line_end - pos, true);
            break;
        }
    }
    if (!batch.empty()) sink_(batch.data(), batch.size());
    pending_.erase(0, pos);
}

} // namespace berth::shim
