#include "human_time.h"

#include <array>
#include <cstdio>
#include <ctime>

namespace berth::cli {

std::string human_duration(std::int64_t seconds) {
    if (seconds < 1) return "Less than a second";
    if (seconds == 1) return "1 second";
    if (seconds < 60) return std::to_string(seconds) + " seconds";
    const std::int64_t minutes = seconds / 60;
    if (minutes == 1) return "About a minute";
    if (minutes < 60) return std::to_string(minutes) + " minutes";
    // Go rounds hours to nearest (d.Hours() + 0.5) but truncates the rest.
    const auto hours = static_cast<std::int64_t>(static_cast<double>(seconds) / 3600.0 + 0.5);
    if (hours == 1) return "About an hour";
    if (hours < 48) return std::to_string(hours) + " hours";
    if (hours < 24 * 7 * 2) return std::to_string(hours / 24) + " days";
    if (hours < 24 * 30 * 2) return std::to_string(hours / 24 / 7) + " weeks";
    if (hours < 24 * 365 * 2) return std::to_string(hours / 24 / 30) + " months";
    return std::to_string(seconds / 3600 / 24 / 365) + " years";
}

std::string created_since(std::int64_t created_unix, std::int64_t now_unix) {
    return human_duration(now_unix - created_unix) + " ago";
}

std::string rfc3339_local(std::int64_t unix_seconds) {
    const auto t = static_cast<std::time_t>(unix_seconds);
    std::tm local{};
    ::localtime_r(&t, &local);
    std::array<char, 64> text{};
    std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &local);
    std::string out = text.data();
    const long offset = local.tm_gmtoff;
    if (offset == 0) return out + "Z";
    std::array<char, 40> zone{};
    const long abs_offset = offset < 0 ? -offset : offset;
    std::snprintf(zone.data(), zone.size(), "%c%02ld:%02ld", offset < 0 ? '-' : '+', abs_offset / 3600,
                  (abs_offset % 3600) / 60);
    return out + zone.data();
}

}  // namespace berth::cli
