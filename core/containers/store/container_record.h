// container_record.h — one container as the daemon keeps it, and its
// config.v2.json form (moby's field names, so the file reads like dockerd's).
// The transition methods validate against the current state and throw the
// errors Docker answers with; they never touch the disk (ContainerStore::save does).
#pragma once

#include "containers/store/container_state.h"

#include <map>
#include <string>
#include <vector>

namespace berth::containers {

struct MountPoint {
    std::string source;
    std::string destination;
    std::string rw_mode; // e.g. "rw", "ro", "z"
    bool rw = true;
    std::string name;   // volume name, "" for binds
    std::string driver; // volume driver
    std::string type;   // "bind" | "volume" | "tmpfs"
    std::string propagation;
};

struct Container {
    std::string id;
    std::string name; // with the leading "/"
    TimePoint created{};
    std::string path;
    std::vector<std::string> args;
    std::string config_json;      // the container config (Config), JSON text
    std::string host_config_json; // HostConfig, JSON text
    // NetworkingConfig.EndpointsConfig as created, then as network
    // connect/disconnect change it: the networks joined at every start.
    std::string endpoints_config_json = "{}";
    std::string image;            // image ID ("sha256:...")
    std::string image_name;       // the reference as the user wrote it
    std::string driver;
    std::string rw_layer;         // the storage driver's cache id of the RW layer
    ContainerState state;
    int restart_count = 0;
    std::vector<MountPoint> mount_points;
    std::string hostname_path;
    std::string hosts_path;
    std::string resolv_conf_path;
    std::string log_path;

    // Labels from config_json ("Labels"), empty when absent or unparsable.
    std::map<std::string, std::string> labels() const;
    // HostConfig.AutoRemove (`run --rm`): the container is removed at its exit.
    bool auto_remove() const;

    // --- transitions ---
    // The process started: running with `pid`. Throws AlreadyInState when it
    // is running, Conflict when paused, restarting, dead or being removed.
    void set_running(int pid, TimePoint now = Clock::now());
    // The process exited: exited with `exit_code`. Throws Conflict when not running.
    void set_stopped(int exit_code, TimePoint now = Clock::now(), const std::string &error = {},
                     bool oom_killed = false);
    // The restart policy will start it again: "Restarting (code) ...".
    void set_restarting(int exit_code, TimePoint now = Clock::now());
    void set_paused();
    void set_unpaused();
    // `docker rm`: running containers need force. Throws Conflict when a
    // removal is already under way.
    void begin_removal(bool force);
    // The removal failed half way (moby's SetDead): only `rm -f` can clear it.
    void set_dead();
    // A failed start records its error and leaves the container not running.
    void set_start_error(const std::string &error, int exit_code);
};

// config.v2.json text <-> record. from_json throws InternalError on malformed input.
std::string container_to_json(const Container &c);
Container container_from_json(const std::string &text);

// The State object (moby's field order); on_disk adds RemovalInProgress,
// which config.v2.json keeps and inspect does not show. Health is the caller's.
std::string state_json(const ContainerState &state, bool on_disk);

std::string format_time(TimePoint t);        // RFC3339Nano, Go's zero time for TimePoint{}
TimePoint parse_time(const std::string &s);  // inverse; zero time and malformed -> TimePoint{}

} // namespace berth::containers
