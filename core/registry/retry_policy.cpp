#include "registry/retry_policy.h"

#include <algorithm>
#include <charconv>
#include <condition_variable>
#include <mutex>

namespace berth::registry::detail {

bool is_transient_status(int status) {
    return status == 408 || status == 429 || (status >= 500 && status <= 599 && status != 501 && status != 505);
}

std::chrono::milliseconds backoff_delay(const RegistryConfig &config, int attempt, std::string_view retry_after) {
    using std::chrono::milliseconds;
    const auto cap = config.retry_max_delay;
    long long seconds = -1;
    if (!retry_after.empty()) {
        const auto [p, ec] = std::from_chars(retry_after.data(), retry_after.data() + retry_after.size(), seconds);
        if (ec != std::errc() || p != retry_after.data() + retry_after.size() || seconds < 0) seconds = -1;
    }
    if (seconds >= 0) return std::min<milliseconds>(milliseconds(seconds * 1000), cap);
    auto delay = config.retry_initial_delay;
    for (int i = 1; i < attempt && delay < cap; ++i) delay *= 2;
    return std::min(delay, cap);
}

bool sleep_unless_stopped(std::chrono::milliseconds delay, const std::stop_token &stop) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    return !cv.wait_for(lock, stop, delay, [] { return false; }) && !stop.stop_requested();
}

} // namespace berth::registry::detail
