#include "log_reader.hpp"

#include "errors.hpp"
#include "json_text.hpp"
#include "log_file_set.hpp"

#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <ctime>
#include <deque>
#include <string_view>
#include <vector>

namespace berth::logjson {

namespace {

// A file descriptor closed when it goes out of scope.
struct Fd {
    int fd = -1;
    Fd() = default;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    ~Fd() { reset(); }
    void reset(int f = -1) {
        if (fd >= 0) ::close(fd);
        fd = f;
    }
};

int64_t now_nanos() {
    timespec ts{};
    ::clock_gettime(CLOCK_REALTIME, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Write all of data; false when the reader has gone away (EPIPE). SIGPIPE is
// blocked on this thread for the write and a pending one consumed, so a
// vanished reader never kills the process that hosts the plugin.
bool write_out(int fd, std::string_view data) {
    sigset_t pipe_set, old;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    bool ok = true;
    size_t off = 0;
    while (off < data.size()) {
        const ssize_t w = ::write(fd, data.data() + off, data.size() - off);
        if (w < 0 && errno == EINTR) continue;
        if (w < 0 && errno == EAGAIN) {
            pollfd p{fd, POLLOUT, 0};
            ::poll(&p, 1, 100);
            continue;
        }
        if (w < 0) {
            if (errno == EPIPE) {
                const timespec zero{0, 0};
                sigtimedwait(&pipe_set, nullptr, &zero);
                ok = false;
                break;
            }
            const int err = errno;
            pthread_sigmask(SIG_SETMASK, &old, nullptr);
            fail_errno(err, "write log output", "fd " + std::to_string(fd));
        }
        off += static_cast<size_t>(w);
    }
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    return ok;
}

// Whole content of a (possibly gzip'd) rotated file; gzread passes plain
// files through unchanged. A file removed by a concurrent rotation reads as
// empty.
std::string read_rotated(const std::string &path) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (f == nullptr) return {};
    std::string out;
    char chunk[64 * 1024];
    int r;
    while ((r = gzread(f, chunk, sizeof chunk)) > 0) out.append(chunk, static_cast<size_t>(r));
    gzclose(f);
    return out;
}

// Appends what fd has beyond its position to `pending`; false on EOF with
// nothing new.
bool read_more(int fd, std::string &pending) {
    char chunk[64 * 1024];
    bool any = false;
    for (;;) {
        const ssize_t r = ::read(fd, chunk, sizeof chunk);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) break;
        pending.append(chunk, static_cast<size_t>(r));
        any = true;
    }
    return any;
}

// Move the complete lines of `data` into lines; keep a trailing incomplete
// line in `data` (the writer may be mid-write).
void take_lines(std::string &data, std::deque<std::string> &lines, int64_t keep_last) {
    size_t start = 0;
    for (size_t nl; (nl = data.find('\n', start)) != std::string::npos; start = nl + 1) {
        if (nl > start) lines.emplace_back(data, start, nl - start);
        if (keep_last >= 0 && static_cast<int64_t>(lines.size()) > keep_last) lines.pop_front();
    }
    data.erase(0, start);
}

class Emitter {
public:
    Emitter(const berth_host *host, const ReadOptions &o, int out_fd)
        : host_(host), o_(o), fd_(out_fd) {}

    // Format one stored line into the buffer. false once past `until`.
    bool add(const std::string &stored) {
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(stored);
        } catch (const nlohmann::json::exception &) {
            sdk::log(host_, BERTH_LOG_WARN, "json-file: skipping a corrupt log line");
            return true;
        }
        const auto time = j.value("time", std::string{});
        const auto t = parse_rfc3339(time);
        if (!t) return true;
        if (o_.since != 0 && *t < o_.since) return true;
        if (o_.until != 0 && *t > o_.until) return false;
        out_.append("{\"stream\":");
        append_json_string(out_, j.value("stream", std::string{}));
        out_.append(",\"time\":");
        append_json_string(out_, time);
        out_.append(",\"log\":");
        append_json_string(out_, j.value("log", std::string{}));
        if (o_.details && j.contains("attrs") && j["attrs"].is_object() && !j["attrs"].empty()) {
            out_.append(",\"attrs\":{");
            bool first = true;
            for (const auto &[k, v] : j["attrs"].items()) {
                if (!first) out_.push_back(',');
                first = false;
                append_json_string(out_, k);
                out_.push_back(':');
                append_json_string(out_, v.is_string() ? v.get<std::string>() : v.dump());
            }
            out_.push_back('}');
        }
        out_.append("}\n");
        return true;
    }

    // Send what is buffered; false when the reader is gone.
    bool flush() {
        const bool ok = write_out(fd_, out_);
        out_.clear();
        return ok;
    }
    bool full() const { return out_.size() >= 256 * 1024; }

private:
    const berth_host *host_;
    const ReadOptions &o_;
    int fd_;
    std::string out_;
};

bool same_file(int fd, const std::string &path, off_t &live_size) {
    struct stat a {}, b {};
    if (::fstat(fd, &a) != 0 || ::stat(path.c_str(), &b) != 0) return false;
    live_size = b.st_size;
    return a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

} // namespace

ReadOptions parse_read_options(const char *read_opts_json) {
    ReadOptions o;
    if (read_opts_json == nullptr || *read_opts_json == '\0') return o;
    try {
        const auto j = nlohmann::json::parse(read_opts_json);
        if (!j.is_object()) fail(BERTH_E_INVAL, "read options must be a JSON object");
        o.tail = j.value("tail", int64_t{-1});
        o.since = j.value("since", int64_t{0});
        o.until = j.value("until", int64_t{0});
        o.follow = j.value("follow", false);
        o.details = j.value("details", false);
    } catch (const nlohmann::json::exception &e) {
        fail(BERTH_E_INVAL, std::string("read options: ") + e.what());
    }
    if (o.tail < -1) o.tail = -1;
    return o;
}

void read_logs(const berth_host *host, berth_call *call, const std::string &path,
               const ReadOptions &opts, int out_fd) {
    // Watch the directory before reading, so no append or rotation between
    // the initial read and the first wait goes unnoticed.
    Fd watch;
    if (opts.follow) {
        watch.reset(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
        const auto slash = path.rfind('/');
        const std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
        if (watch.fd >= 0)
            ::inotify_add_watch(watch.fd, dir.c_str(),
                                IN_MODIFY | IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE);
    }

    // Open the live file first: whatever is rotated away after this point
    // we still read through this descriptor.
    Fd live(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (live.fd < 0 && errno != ENOENT) fail_errno(errno, "open log file", path);

    std::deque<std::string> lines;
    // Keep at least one line even for tail 0: follow resumes after it.
    const int64_t keep = opts.tail == 0 ? 1 : opts.tail;
    {
        for (const auto &f : files_oldest_first(path)) {
            if (f == path) continue;
            std::string data = read_rotated(f);
            take_lines(data, lines, keep);
        }
    }
    std::string pending;
    if (live.fd >= 0) read_more(live.fd, pending);
    take_lines(pending, lines, keep);
    const std::string initial_last = lines.empty() ? std::string() : lines.back();
    if (opts.tail == 0) lines.clear();

    Emitter em(host, opts, out_fd);
    for (const auto &l : lines) {
        if (!em.add(l)) return void(em.flush());
        if (em.full() && !em.flush()) return;
    }
    lines.clear();
    if (!em.flush() || !opts.follow) return;

    // The last complete line taken from the live file: after a rotation it
    // marks where to resume in the rotated files, so lines that went through
    // a file rotated away between two polls are not lost.
    std::string last_raw = initial_last;
    const auto remember = [&] {
        if (!lines.empty()) last_raw = lines.back();
    };
    const auto emit = [&]() -> bool {
        remember();
        for (const auto &l : lines) {
            if (!em.add(l)) {
                em.flush();
                return false;
            }
            if (em.full() && !em.flush()) return false;
        }
        lines.clear();
        return em.flush();
    };
    bool catch_up = live.fd < 0;

    for (;;) {
        if (host->is_cancelled(call)) return;
        if (opts.until != 0 && now_nanos() > opts.until) return;
        pollfd fds[2] = {{out_fd, 0, 0}, {watch.fd, POLLIN, 0}};
        const int pr = ::poll(fds, watch.fd >= 0 ? 2 : 1, 100);
        if (pr > 0 && (fds[0].revents & (POLLERR | POLLHUP | POLLNVAL)) != 0) return; // reader gone
        if (watch.fd >= 0 && (fds[1].revents & POLLIN) != 0) {
            char ev[4096];
            while (::read(watch.fd, ev, sizeof ev) > 0) {
            }
        }
        if (live.fd >= 0) {
            read_more(live.fd, pending);
            off_t live_size = 0;
            if (same_file(live.fd, path, live_size)) {
                // max-file 1 truncates the file in place instead of rotating.
                if (live_size < ::lseek(live.fd, 0, SEEK_CUR)) {
                    ::lseek(live.fd, 0, SEEK_SET);
                    pending.clear();
                }
                take_lines(pending, lines, -1);
                if (!emit()) return;
                continue;
            }
            // Rotated: what the old descriptor holds is complete.
            take_lines(pending, lines, -1);
            if (!emit()) return;
            pending.clear();
            live.reset();
            catch_up = true;
        }
        live.reset(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
        if (live.fd < 0) continue; // between rename and create: next poll
        if (catch_up) {
            // Files rotated away since our old one (newest first in the
            // numbering): emit what follows last_raw.
            std::vector<std::string> newer; // newest first
            for (int n = 1;; ++n) {
                const auto f = rotated_file(path, n);
                if (f.empty()) break;
                std::string data = read_rotated(f);
                const auto at = last_raw.empty() ? std::string::npos : data.find(last_raw + "\n");
                if (at != std::string::npos) {
                    newer.push_back(data.substr(at + last_raw.size() + 1));
                    break;
                }
                newer.push_back(std::move(data));
            }
            for (auto it = newer.rbegin(); it != newer.rend(); ++it) take_lines(*it, lines, -1);
            if (!emit()) return;
            catch_up = false;
            // If the new live file already rotated during the scan, its lines
            // were just sent: skip them in the descriptor.
            read_more(live.fd, pending);
            if (!last_raw.empty()) {
                const auto at = pending.find(last_raw + "\n");
                if (at != std::string::npos) pending.erase(0, at + last_raw.size() + 1);
            }
            take_lines(pending, lines, -1);
            if (!emit()) return;
        }
    }
}

} // namespace berth::logjson
