#include "log_writer.hpp"

#include "errors.hpp"
#include "json_text.hpp"
#include "log_file_set.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdio>
#include <string_view>
#include <utility>

namespace berth::logjson {

namespace {

std::string_view view(berth_str s) {
    return s.ptr == nullptr ? std::string_view{} : std::string_view(s.ptr, s.len);
}

void unlink_if_exists(const std::string &p) {
    if (::unlink(p.c_str()) != 0 && errno != ENOENT) fail_errno(errno, "remove log file", p);
}

void rename_if_exists(const std::string &from, const std::string &to) {
    if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT)
        fail_errno(errno, "rotate log file", from);
}

} // namespace

void append_entry_line(std::string &out, const berth_log_entry &e, const std::string &attrs_json) {
    std::string_view line = view(e.line);
    // dockerd strips the newline when it reads a line and adds it back when
    // it writes a complete entry; a partial part keeps its bytes as they are.
    const bool complete = e.partial == 0;
    const bool add_newline = complete && (line.empty() || line.back() != '\n');
    out.append("{");
    bool first = true;
    if (!line.empty() || add_newline) {
        out.append("\"log\":");
        if (add_newline) {
            std::string with_nl(line);
            with_nl.push_back('\n');
            append_json_string(out, with_nl);
        } else {
            append_json_string(out, line);
        }
        first = false;
    }
    if (!first) out.push_back(',');
    out.append("\"stream\":");
    out.append(e.source == BERTH_LOG_STDERR ? "\"stderr\"" : "\"stdout\"");
    if (!attrs_json.empty()) {
        out.append(",\"attrs\":");
        out.append(attrs_json);
    }
    out.append(",\"time\":\"");
    append_rfc3339nano(out, e.time_unix_nano);
    out.append("\"}\n");
}

LogWriter::LogWriter(std::string path, LogOptions opts, std::string attrs_json)
    : path_(std::move(path)), opts_(std::move(opts)), attrs_json_(std::move(attrs_json)) {
    open_live(false);
}

LogWriter::~LogWriter() {
    try {
        flush();
    } catch (...) {
        // stop() already reported a failed flush; a destructor must not throw.
    }
    if (fd_ >= 0) ::close(fd_);
}

void LogWriter::open_live(bool truncate) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (truncate ? O_TRUNC : 0), 0640);
    if (fd_ < 0) fail_errno(errno, "open log file", path_);
    struct stat st {};
    if (::fstat(fd_, &st) != 0) fail_errno(errno, "stat log file", path_);
    size_ = st.st_size;
}

void LogWriter::write_batch(const berth_log_entry *entries, size_t n) {
    for (size_t i = 0; i < n; ++i) {
        // As dockerd: rotate before a write once the live file has reached
        // max-size, so a file may exceed it by at most one line.
        if (opts_.max_size > 0 && size_ >= opts_.max_size) {
            flush();
            rotate();
        }
        const auto before = buf_.size();
        const berth_log_entry &e = entries[i];
        const std::string *attrs = &attrs_json_;
        std::string own_attrs;
        if (e.struct_size >= offsetof(berth_log_entry, attrs_json) + sizeof(const char *) &&
            e.attrs_json != nullptr && *e.attrs_json != '\0' && std::string_view(e.attrs_json) != "{}") {
            own_attrs = e.attrs_json;
            attrs = &own_attrs;
        }
        append_entry_line(buf_, e, *attrs);
        size_ += static_cast<int64_t>(buf_.size() - before);
    }
    flush();
}

void LogWriter::flush() {
    size_t off = 0;
    while (off < buf_.size()) {
        const ssize_t w = ::write(fd_, buf_.data() + off, buf_.size() - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            buf_.erase(0, off);
            fail_errno(err, "write log file", path_);
        }
        off += static_cast<size_t>(w);
    }
    buf_.clear();
}

void LogWriter::rotate() {
    if (opts_.max_file < 2) {
        open_live(true); // a single file: start it again, as dockerd does
        return;
    }
    const auto numbered = [&](int i) { return path_ + "." + std::to_string(i); };
    unlink_if_exists(numbered(opts_.max_file - 1));
    unlink_if_exists(numbered(opts_.max_file - 1) + ".gz");
    for (int i = opts_.max_file - 2; i >= 1; --i) {
        rename_if_exists(numbered(i), numbered(i + 1));
        rename_if_exists(numbered(i) + ".gz", numbered(i + 1) + ".gz");
    }
    rename_if_exists(path_, numbered(1));
    open_live(true);
    if (opts_.compress) compress_file(numbered(1), numbered(1) + ".gz");
}

void LogWriter::compress_file(const std::string &from, const std::string &to) {
    const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
    if (in < 0) fail_errno(errno, "open rotated log file", from);
    const std::string tmp = to + ".tmp";
    gzFile out = gzopen(tmp.c_str(), "wb");
    if (out == nullptr) {
        ::close(in);
        fail_errno(errno != 0 ? errno : ENOMEM, "create compressed log file", tmp);
    }
    char chunk[64 * 1024];
    bool ok = true;
    for (;;) {
        const ssize_t r = ::read(in, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) { ok = r == 0; break; }
        if (gzwrite(out, chunk, static_cast<unsigned>(r)) != static_cast<int>(r)) { ok = false; break; }
    }
    ::close(in);
    if (gzclose(out) != Z_OK) ok = false;
    if (!ok) {
        ::unlink(tmp.c_str());
        fail(BERTH_E_IO, "compress log file " + from + " failed");
    }
    if (::rename(tmp.c_str(), to.c_str()) != 0) fail_errno(errno, "rename compressed log file", tmp);
    ::unlink(from.c_str());
}

} // namespace berth::logjson
