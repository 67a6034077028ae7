#include "containers/store/human_duration.h"

namespace berth::containers {

// Thresholds and rounding copied from go-units: seconds and minutes are
// truncated, hours are rounded (so 90 minutes is "2 hours").
std::string human_duration(std::chrono::nanoseconds d) {
    using namespace std::chrono;
    const long long seconds = duration_cast<std::chrono::seconds>(d).count();
    if (seconds < 1) return "Less than a second";
    if (seconds == 1) return "1 second";
    if (seconds < 60) return std::to_string(seconds) + " seconds";
    const long long minutes = duration_cast<std::chrono::minutes>(d).count();
    if (minutes == 1) return "About a minute";
    if (minutes < 60) return std::to_string(minutes) + " minutes";
    const double exact_hours = duration<double, std::ratio<3600>>(d).count();
    const long long hours = static_cast<long long>(exact_hours + 0.5);
    if (hours == 1) return "About an hour";
    if (hours < 48) return std::to_string(hours) + " hours";
    if (hours < 24 * 7 * 2) return std::to_string(hours / 24) + " days";
    if (hours < 24 * 30 * 2) return std::to_string(hours / 24 / 7) + " weeks";
    if (hours < 24 * 365 * 2) return std::to_string(hours / 24 / 30) + " months";
    return std::to_string(static_cast<long long>(exact_hours) / 24 / 365) + " years";
}

} // namespace berth::containers
