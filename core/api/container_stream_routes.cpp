// container_stream_routes.cpp — the endpoints that keep the connection:
// attach and exec start (hijacked, see stdio_session.h), wait (the head goes
// out as soon as the wait is registered, because docker starts the container
// when it arrives), logs and stats (chunked streams).
#include "api/container_routes.h"

#include "api/stdio_session.h"
#include "containers/service/container_service.h"
#include "containers/store/errors.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cmath>
#include <fcntl.h>
#include <poll.h>
#include <thread>
#include <unistd.h>

namespace berth::api {
namespace {

using json = nlohmann::json;
using containers::ContainerService;
using namespace std::chrono_literals;

struct Pipe {
    int r = -1, w = -1;
    Pipe() {
        int p[2];
        if (::pipe2(p, O_CLOEXEC) != 0) throw ApiError(500, "pipe failed");
        r = p[0];
        w = p[1];
    }
    ~Pipe() {
        if (r >= 0) ::close(r);
        if (w >= 0) ::close(w);
    }
    Pipe(const Pipe &) = delete;
    Pipe &operator=(const Pipe &) = delete;
};

void close_fd(int &fd) {
    if (fd >= 0) ::close(fd);
    fd = -1;
}

// The client asked for an upgrade (docker always does): 101 with the
// Upgrade headers; otherwise a raw 200 stream.
Response hijacked(const Request &req, bool tty) {
    Response res;
    res.hijack = true;
    const bool upgrade = !req.header("upgrade").empty();
    res.status = upgrade ? 101 : 200;
    res.content_type = tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream";
    return res;
}

// "1700000000", "1700000000.123456789" (what docker sends), or RFC 3339.
int64_t parse_unix_nanos(const std::string &v, const char *what) {
    if (v.empty() || v == "0") return 0;
    try {
        const auto dot = v.find('.');
        int64_t secs = std::stoll(v.substr(0, dot));
        int64_t nanos = 0;
        if (dot != std::string::npos) {
            std::string frac = v.substr(dot + 1);
            frac.resize(9, '0');
            nanos = std::stoll(frac.substr(0, 9));
        }
        return secs * 1'000'000'000LL + nanos;
    } catch (const std::exception &) {
        throw ApiError(400, std::string("invalid value for ") + what + ": " + v);
    }
}

// docker logs -t prints RFC 3339 with all nine fraction digits (moby's
// RFC3339NanoFixed); the log file keeps Go's trimmed RFC3339Nano.
std::string fixed_nano_time(const std::string &t) {
    const auto dot = t.find('.');
    const auto zone = t.find_first_of("Z+-", t.find('T') == std::string::npos ? 0 : t.find('T') + 1);
    if (zone == std::string::npos) return t;
    std::string frac = dot != std::string::npos && dot < zone ? t.substr(dot + 1, zone - dot - 1) : "";
    frac.resize(9, '0');
    const std::string base = t.substr(0, dot != std::string::npos && dot < zone ? dot : zone);
    return base + "." + frac + t.substr(zone);
}

// One log line from the driver's JSON, formatted as docker shows it.
std::string format_log_line(const json &j, bool timestamps, bool details) {
    std::string out;
    if (timestamps) out += fixed_nano_time(j.value("time", std::string())) + " ";
    if (details && j.contains("attrs") && j["attrs"].is_object() && !j["attrs"].empty()) {
        std::string attrs;
        for (const auto &[k, v] : j["attrs"].items())
            attrs += (attrs.empty() ? "" : ",") + k + "=" + (v.is_string() ? v.get<std::string>() : v.dump());
        out += attrs + " ";
    }
    out += j.value("log", std::string());
    return out;
}

void add_attach(Router &r, ContainerService &svc) {
    r.add("POST", "/containers/{id}/attach", [&svc](Request &req) {
        return with_container_errors([&]() -> Response {
            auto [id, tty] = svc.attach_target(req.params["id"]);
            // A TLS stream cannot be read and written from two threads:
            // attach over TLS carries output only (docs/containers.md).
            const bool want_in = req.query_bool("stdin") && req.authn_method != "TLS";
            const bool want_out = req.query_bool("stdout");
            const bool want_err = req.query_bool("stderr");
            const std::string keys = req.query_value("detachKeys");
            const auto detach = parse_detach_keys(keys.empty() ? "ctrl-p,ctrl-q" : keys);
            auto out = want_out ? std::make_shared<Pipe>() : nullptr;
            auto err = (want_err && !tty) ? std::make_shared<Pipe>() : nullptr;
            auto in = want_in ? std::make_shared<Pipe>() : nullptr;
            containers::AttachRequest a;
            a.stdin = want_in;
            a.stdout = want_out;
            a.stderr = want_err;
            a.fds.terminal = tty;
            a.fds.stdin_fd = in ? in->r : -1;
            // With a tty the pty carries both streams: stderr=1 alone still
            // gets the output.
            a.fds.stdout_fd = out ? out->w : (tty && err ? err->w : -1);
            a.fds.stderr_fd = err ? err->w : -1;
            if (tty && !out && want_err) {
                out = std::make_shared<Pipe>();
                a.fds.stdout_fd = out->w;
            }
            svc.attach(id, a);
            // The service holds its own copies now.
            if (out) close_fd(out->w);
            if (err) close_fd(err->w);
            if (in) close_fd(in->r);
            Response res = hijacked(req, tty);
            res.stream = [tty = tty, out, err, in, detach](ResponseStream &stream) {
                StdioSession s;
                s.tty = tty;
                s.out_fd = out ? out->r : -1;
                s.err_fd = err ? err->r : -1;
                s.in_fd = in ? in->w : -1;
                if (out) out->r = -1;
                if (err) err->r = -1;
                if (in) in->w = -1;
                s.detach_keys = in ? detach : std::vector<unsigned char>{};
                run_stdio_session(stream, s);
            };
            return res;
        });
    });
}

void add_wait(Router &r, ContainerService &svc) {
    r.add("POST", "/containers/{id}/wait", [&svc](Request &req) {
        return with_container_errors([&]() -> Response {
            const auto ticket = svc.wait_begin(req.params["id"], req.query_value("condition"));
            Response res;
            res.status = 200;
            res.stream = [&svc, ticket](ResponseStream &stream) {
                const auto result = svc.wait_end(ticket, nullptr);
                json body = {{"StatusCode", result.status_code}, {"Error", nullptr}};
                stream.write(body.dump() + "\n");
            };
            return res;
        });
    });
}

void add_logs(Router &r, ContainerService &svc) {
    r.add("GET", "/containers/{id}/logs", [&svc](Request &req) {
        return with_container_errors([&]() -> Response {
            const bool want_out = req.query_bool("stdout");
            const bool want_err = req.query_bool("stderr");
            if (!want_out && !want_err) throw ApiError(400, "Bad parameters: you must choose at least one stream");
            const std::string id = svc.id_and_tty(req.params["id"]).first;
            const bool tty = svc.id_and_tty(id).second;
            ContainerService::LogOptions o;
            o.follow = req.query_bool("follow");
            o.timestamps = req.query_bool("timestamps");
            o.details = req.query_bool("details");
            const std::string tail = req.query_value("tail", "all");
            if (tail != "all" && !tail.empty()) {
                try {
                    o.tail = std::stol(tail);
                } catch (...) {
                    o.tail = -1;
                }
            }
            o.since_ns = parse_unix_nanos(req.query_value("since"), "since");
            o.until_ns = parse_unix_nanos(req.query_value("until"), "until");
            // Refuse early what cannot be read (driver none), before the head.
            const std::string driver = svc.log_driver_of(id);
            if (driver == "none")
                throw ApiError(501, "configured logging driver does not support reading");
            Response res;
            res.status = 200;
            res.content_type = tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream";
            res.stream = [&svc, id, tty, o, want_out, want_err](ResponseStream &stream) {
                Pipe p;
                auto cancelled = std::make_shared<std::atomic<bool>>(false);
                std::thread reader([&svc, id, o, cancelled, w = p.w]() mutable {
                    try {
                        svc.logs(id, o, w, cancelled);
                    } catch (const std::exception &) {
                    }
                    ::close(w);
                });
                p.w = -1;
                std::string pending;
                char buf[32768];
                for (;;) {
                    const ssize_t n = ::read(p.r, buf, sizeof buf);
                    if (n <= 0) break;
                    pending.append(buf, static_cast<size_t>(n));
                    size_t start = 0;
                    for (size_t nl; (nl = pending.find('\n', start)) != std::string::npos; start = nl + 1) {
                        const json j = json::parse(pending.begin() + static_cast<long>(start),
                                                   pending.begin() + static_cast<long>(nl), nullptr, false);
                        if (!j.is_object()) continue;
                        const bool is_err = j.value("stream", std::string()) == "stderr";
                        if ((is_err && !want_err) || (!is_err && !want_out)) continue;
                        const std::string line = format_log_line(j, o.timestamps, o.details);
                        const bool ok = tty ? stream.write(line)
                                            : stream.write(stdcopy_frame(is_err ? 2 : 1, line.data(), line.size()));
                        if (!ok) {
                            cancelled->store(true);
                            break;
                        }
                    }
                    pending.erase(0, start);
                    if (cancelled->load() && !o.follow) break;
                }
                cancelled->store(true);
                ::close(p.r);
                p.r = -1;
                reader.join();
            };
            return res;
        });
    });
}

void add_stats(Router &r, ContainerService &svc) {
    r.add("GET", "/containers/{id}/stats", [&svc](Request &req) {
        return with_container_errors([&]() -> Response {
            const std::string id = svc.id_and_tty(req.params["id"]).first;
            const std::string stream_q = req.query_value("stream", "1");
            const bool streaming = !(stream_q == "0" || stream_q == "false" || stream_q == "False");
            const bool one_shot = req.query_bool("one-shot");
            if (!streaming) {
                std::string sample = svc.stats_json(id, "");
                if (!one_shot) {
                    // Two samples a second apart, so the CPU % can be computed.
                    std::this_thread::sleep_for(1s);
                    sample = svc.stats_json(id, sample);
                }
                return Response::json(200, sample);
            }
            Response res;
            res.status = 200;
            res.stream = [&svc, id](ResponseStream &stream) {
                std::string prev;
                for (;;) {
                    std::string sample;
                    try {
                        sample = svc.stats_json(id, prev);
                    } catch (const std::exception &) {
                        return; // removed
                    }
                    if (!stream.write(sample + "\n")) return;
                    prev = sample;
                    std::this_thread::sleep_for(1s);
                }
            };
            return res;
        });
    });
}

void add_exec_start(Router &r, ContainerService &svc) {
    r.add("POST", "/exec/{id}/start", [&svc](Request &req) {
        return with_container_errors([&]() -> Response {
            const std::string exec_id = req.params["id"];
            const json body = json::parse(req.body.empty() ? "{}" : req.body, nullptr, false);
            if (!body.is_object()) throw ApiError(400, "invalid JSON: the exec start body must be a JSON object");
            const auto info = svc.exec_info(exec_id);
            const bool detach = body.value("Detach", false);
            if (detach) {
                svc.exec_start(exec_id, containers::ExecStdio{});
                return Response::json(200, "");
            }
            const bool tty = info.tty;
            auto out = (info.attach_stdout || (tty && info.attach_stderr)) ? std::make_shared<Pipe>() : nullptr;
            auto err = (info.attach_stderr && !tty) ? std::make_shared<Pipe>() : nullptr;
            auto in = info.attach_stdin && req.authn_method != "TLS" ? std::make_shared<Pipe>() : nullptr;
            containers::ExecStdio fds;
            fds.terminal = tty;
            fds.stdin_fd = in ? in->r : -1;
            fds.stdout_fd = out ? out->w : -1;
            fds.stderr_fd = err ? err->w : -1;
            if (body.contains("ConsoleSize") && body["ConsoleSize"].is_array() && body["ConsoleSize"].size() == 2) {
                fds.rows = body["ConsoleSize"][0].get<unsigned>();
                fds.cols = body["ConsoleSize"][1].get<unsigned>();
            }
            // The process starts only once the 101 head is out, as dockerd
            // does: clients that read the head through a buffered reader
            // and then take the raw socket (docker-py's exec_run) lose any
            // output that arrived together with the head.
            Response res = hijacked(req, tty);
            res.stream = [&svc, exec_id, tty, fds, out, err, in](ResponseStream &stream) {
                try {
                    svc.exec_start(exec_id, fds);
                } catch (const std::exception &e) {
                    // dockerd writes a failed start into the stream; the
                    // exit code is then in GET /exec/{id}/json.
                    const std::string msg = std::string(e.what()) + "\r\n";
                    stream.write(tty ? msg : stdcopy_frame(1, msg.data(), msg.size()));
                    return;
                }
                // The service holds its own copies now.
                if (out) close_fd(out->w);
                if (err) close_fd(err->w);
                if (in) close_fd(in->r);
                StdioSession s;
                s.tty = tty;
                s.out_fd = out ? out->r : -1;
                s.err_fd = err ? err->r : -1;
                s.in_fd = in ? in->w : -1;
                if (out) out->r = -1;
                if (err) err->r = -1;
                if (in) in->w = -1;
                run_stdio_session(stream, s);
                // The stream closes now, as dockerd's does (the client gets its
                // terminal back at once); GET /exec/{id}/json waits for the
                // exit code that is on its way.
                svc.exec_output_ended(exec_id);
            };
            return res;
        });
    });
}

} // namespace

void add_container_stream_routes(Router &r, ContainerService &svc) {
    add_attach(r, svc);
    add_wait(r, svc);
    add_logs(r, svc);
    add_stats(r, svc);
    add_exec_start(r, svc);
}

} // namespace berth::api
