// volume.h — what the daemon knows about one volume: the metadata stored
// with it and where its data lives. Plain value type; copies are cheap.
#pragma once

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>

namespace berth::volumes {

inline constexpr const char *kLocalDriver = "local";
// moby's marker for volumes created without a name (`docker run -v /data`,
// image VOLUMEs). `docker volume prune` (API >= 1.42) removes only these.
inline constexpr const char *kAnonymousLabel = "com.docker.volume.anonymous";

using StringMap = std::map<std::string, std::string>;

struct Volume {
    std::string name;
    std::string driver = kLocalDriver;
    // nullopt when the creator sent none: Docker then shows JSON null, and
    // `{}` when the creator sent an empty map (the docker CLI always does).
    std::optional<StringMap> labels;
    std::optional<StringMap> options; // local driver: type, device, o, size
    std::chrono::system_clock::time_point created;
    std::filesystem::path mountpoint; // <data-root>/volumes/<name>/_data

    bool anonymous() const { return labels && labels->count(kAnonymousLabel) > 0; }
    // A volume with type/device options is a mount(2) made on first use;
    // without them it is a plain directory.
    bool needs_mount() const {
        return options && (options->count("type") > 0 || options->count("device") > 0);
    }
};

} // namespace berth::volumes
