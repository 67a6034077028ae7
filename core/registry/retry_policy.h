// retry_policy.h — internal: when a failed request is worth repeating, and how
// long to wait first (exponential backoff, or the registry's Retry-After).
#pragma once

#include "registry/registry_config.h"

#include <chrono>
#include <stop_token>
#include <string_view>

namespace berth::registry::detail {

// 408, 429 and 5xx except 501/505: the registry may answer differently soon.
bool is_transient_status(int status);

// Delay before retry number `attempt` (1 = the first retry): initial ×
// 2^(attempt-1), capped; a Retry-After given in seconds wins when shorter
// than the cap.
std::chrono::milliseconds backoff_delay(const RegistryConfig &config, int attempt, std::string_view retry_after = {});

// Sleeps for `delay`, waking early when `stop` is requested; false then.
bool sleep_unless_stopped(std::chrono::milliseconds delay, const std::stop_token &stop);

} // namespace berth::registry::detail
