// container_health.cpp — HEALTHCHECK / --health-*: the probe runs as an exec
// in the container every Interval; Retries consecutive failures make it
// unhealthy; failures during StartPeriod do not count. The last five results
// are kept for inspect, as dockerd keeps them.
#include "containers/service/container_service.h"

#include "containers/service/container_events.h"
#include "containers/service/service_internal.h"

#include <spdlog/spdlog.h>

#include <poll.h>
#include <unistd.h>

namespace berth::containers {

using namespace std::chrono_literals;

namespace {

constexpr int64_t kDefaultInterval = 30'000'000'000LL, kDefaultTimeout = 30'000'000'000LL;
constexpr int kDefaultRetries = 3;
constexpr size_t kMaxLog = 5, kMaxOutput = 4096;

std::chrono::nanoseconds ns_or(const json &h, const char *key, int64_t fallback) {
    const int64_t v = value_or<int64_t>(h, key, 0);
    return std::chrono::nanoseconds(v > 0 ? v : fallback);
}

} // namespace

void ContainerService::run_health_checks(const std::string &id, uint64_t seq) {
    auto l = live(id);
    const auto still_current = [&] { return !stopping_ && l->start_seq == seq && !l->removed; };
    Container c0 = store_->resolve(id);
    const json h = parse_object(c0.config_json).value("Healthcheck", json::object());
    json test = h.value("Test", json::array());
    if (!test.is_array() || test.empty()) return;
    std::vector<std::string> cmd;
    const std::string kind = test[0].get<std::string>();
    if (kind == "CMD-SHELL" && test.size() > 1) cmd = {"/bin/sh", "-c", test[1].get<std::string>()};
    else if (kind == "CMD")
        for (size_t i = 1; i < test.size(); ++i) cmd.push_back(test[i].get<std::string>());
    else return;
    const auto interval = ns_or(h, "Interval", kDefaultInterval);
    const auto timeout = ns_or(h, "Timeout", kDefaultTimeout);
    const auto start_period = std::chrono::nanoseconds(value_or<int64_t>(h, "StartPeriod", 0));
    const auto start_interval = ns_or(h, "StartInterval", 5'000'000'000LL);
    const int retries = value_or<int>(h, "Retries", 0) > 0 ? value_or<int>(h, "Retries", 0) : kDefaultRetries;
    const auto started = std::chrono::steady_clock::now();

    for (;;) {
        {
            std::unique_lock lock(mu_);
            const bool in_start = std::chrono::steady_clock::now() - started < start_period;
            const auto wait = in_start && value_or<int64_t>(h, "StartInterval", 0) > 0 ? start_interval : interval;
            changed_.wait_for(lock, wait, [&] { return !still_current(); });
            if (!still_current()) return;
        }
        auto c = store_->get(id);
        if (!c || !c->state.running || c->state.paused) continue;

        HealthLogEntry entry;
        entry.start = now_rfc3339();
        int code = -1;
        std::string output;
        try {
            const std::string exec_id =
                exec_create(id, json{{"Cmd", cmd}, {"AttachStdout", true}, {"AttachStderr", true}}.dump());
            int p[2];
            if (::pipe(p) != 0) throw InternalError("pipe failed");
            ExecStdio fds;
            fds.stdout_fd = p[1];
            fds.stderr_fd = p[1];
            try {
                exec_start(exec_id, fds);
            } catch (...) {
                ::close(p[0]);
                ::close(p[1]);
                throw;
            }
            ::close(p[1]);
            const auto deadline = std::chrono::steady_clock::now() + timeout;
            bool timed_out = false;
            for (;;) {
                const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
                if (left.count() <= 0) {
                    timed_out = true;
                    break;
                }
                pollfd pfd{p[0], POLLIN, 0};
                if (::poll(&pfd, 1, static_cast<int>(std::min<int64_t>(left.count(), 500))) <= 0) {
                    if (!still_current()) break;
                    continue;
                }
                char buf[1024];
                const ssize_t n = ::read(p[0], buf, sizeof buf);
                if (n <= 0) break;
                if (output.size() < kMaxOutput) output.append(buf, static_cast<size_t>(n));
            }
            ::close(p[0]);
            if (timed_out) {
                try {
                    exec_->kill(id, exec_id, 9, false);
                } catch (...) {
                }
                code = -1;
                output = "Health check exceeded timeout (" +
                         std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) + "s)";
            } else {
                exec_wait(exec_id, [&] { return !still_current(); });
                std::lock_guard lock(mu_);
                if (auto it = execs_.find(exec_id); it != execs_.end()) {
                    code = it->second->exit_code;
                    execs_.erase(it);
                }
            }
        } catch (const std::exception &e) {
            output = e.what();
            code = -1;
        }
        if (output.size() > kMaxOutput) output.resize(kMaxOutput);
        entry.end = now_rfc3339();
        entry.exit_code = code;
        entry.output = output;

        std::lock_guard op(l->op);
        if (!still_current()) return;
        auto cur = store_->get(id);
        if (!cur || !cur->state.running || !cur->state.health) return;
        Container c2 = *cur;
        auto &hs = *c2.state.health;
        const std::string previous_status = hs.status;
        const bool in_start = std::chrono::steady_clock::now() - started < start_period;
        if (code == 0) {
            hs.status = "healthy";
            hs.failing_streak = 0;
        } else if (!in_start || hs.status != "starting") {
            ++hs.failing_streak;
            if (hs.failing_streak >= retries) hs.status = "unhealthy";
        }
        store_->save(c2);
        if (hs.status != previous_status) publish_container_event(events_, c2, "health_status: " + hs.status);
        std::lock_guard lock(mu_);
        l->health_log.push_back(entry);
        while (l->health_log.size() > kMaxLog) l->health_log.pop_front();
    }
}

} // namespace berth::containers
