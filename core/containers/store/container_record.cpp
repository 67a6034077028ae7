#include "containers/store/container_record.h"

#include "containers/store/errors.h"
#include "images/time_format.h"

#include <nlohmann/json.hpp>

namespace berth::containers {

using nlohmann::json;

namespace {
constexpr const char *kGoZeroTime = "0001-01-01T00:00:00Z";

// Config and HostConfig are kept as text in memory but embedded as objects
// on disk, like dockerd's file; empty text is stored as null.
json embed(const std::string &text) {
    if (text.empty()) return nullptr;
    return json::parse(text);
}
std::string unembed(const json &j) { return j.is_null() ? std::string() : j.dump(); }

std::string str(const json &j, const char *key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; }
} // namespace

std::string format_time(TimePoint t) {
    if (t == TimePoint{}) return kGoZeroTime;
    return images::format_rfc3339_nano(t);
}

TimePoint parse_time(const std::string &s) {
    if (s.empty() || s == kGoZeroTime) return TimePoint{};
    auto ns = images::parse_rfc3339_ns(s);
    if (!ns) return TimePoint{};
    return TimePoint(std::chrono::duration_cast<Clock::duration>(std::chrono::nanoseconds(*ns)));
}

std::map<std::string, std::string> Container::labels() const {
    std::map<std::string, std::string> out;
    if (config_json.empty()) return out;
    json cfg = json::parse(config_json, nullptr, false);
    if (!cfg.is_object() || !cfg.contains("Labels") || !cfg["Labels"].is_object()) return out;
    for (auto &[k, v] : cfg["Labels"].items())
        if (v.is_string()) out[k] = v.get<std::string>();
    return out;
}

bool Container::auto_remove() const {
    if (host_config_json.empty()) return false;
    const json hc = json::parse(host_config_json, nullptr, false);
    return hc.is_object() && hc.contains("AutoRemove") && hc["AutoRemove"].is_boolean() &&
           hc["AutoRemove"].get<bool>();
}

// --- transitions (wording from moby's daemon/start.go, pause.go, unpause.go, delete.go) ---

void Container::set_running(int new_pid, TimePoint now) {
    if (state.paused) throw Conflict("cannot start a paused container, try unpause instead");
    if (state.running && !state.restarting) throw AlreadyInState("Container is already started");
    if (state.removal_in_progress || state.dead)
        throw Conflict("container is marked for removal and cannot be started");
    state.running = true;
    state.restarting = false;
    state.paused = false;
    state.oom_killed = false;
    state.pid = new_pid;
    state.exit_code = 0;
    state.error.clear();
    state.started_at = now;
}

void Container::set_stopped(int exit_code, TimePoint now, const std::string &error, bool oom_killed) {
    if (!state.running) throw Conflict("Container " + id + " is not running");
    state.running = false;
    state.paused = false;
    state.restarting = false;
    state.pid = 0;
    state.exit_code = exit_code;
    state.error = error;
    state.oom_killed = oom_killed;
    state.finished_at = now;
}

void Container::set_restarting(int exit_code, TimePoint now) {
    if (!state.running) throw Conflict("Container " + id + " is not running");
    // moby keeps Running true while a restart is pending: `docker ps` lists it.
    state.restarting = true;
    state.paused = false;
    state.pid = 0;
    state.exit_code = exit_code;
    state.finished_at = now;
    ++restart_count;
}

void Container::set_paused() {
    if (!state.running) throw Conflict("Container " + id + " is not running");
    if (state.paused) throw Conflict("Container " + id + " is already paused");
    if (state.restarting) throw Conflict("Container " + id + " is restarting, wait until the container is running");
    state.paused = true;
}

void Container::set_unpaused() {
    if (!state.paused) throw Conflict("Container " + id + " is not paused");
    if (!state.running) throw Conflict("Container " + id + " is not running");
    state.paused = false;
}

void Container::begin_removal(bool force) {
    if (state.removal_in_progress) throw Conflict("removal of container " + id + " is already in progress");
    if (state.running && !force)
        throw Conflict("cannot remove container \"" + name + "\": container is " + state.status() +
                       ": stop the container before removing or force remove");
    state.removal_in_progress = true;
}

void Container::set_dead() {
    state.dead = true;
    state.removal_in_progress = false;
}

void Container::set_start_error(const std::string &error, int exit_code) {
    state.running = false;
    state.restarting = false;
    state.pid = 0;
    state.error = error;
    state.exit_code = exit_code;
}

// --- config.v2.json ---

std::string state_json(const ContainerState &st, bool on_disk) {
    json state = {{"Status", st.status()}, {"Running", st.running}, {"Paused", st.paused},
                  {"Restarting", st.restarting}, {"OOMKilled", st.oom_killed}};
    if (on_disk) state["RemovalInProgress"] = st.removal_in_progress;
    state["Dead"] = st.dead;
    state["Pid"] = st.pid;
    state["ExitCode"] = st.exit_code;
    state["Error"] = st.error;
    state["StartedAt"] = format_time(st.started_at);
    state["FinishedAt"] = format_time(st.finished_at);
    return state.dump();
}

std::string container_to_json(const Container &c) {
    json state = json::parse(state_json(c.state, true));
    if (c.state.health)
        state["Health"] = {{"Status", c.state.health->status}, {"FailingStreak", c.state.health->failing_streak}};
    json mounts = json::object();
    for (const auto &m : c.mount_points)
        mounts[m.destination] = {{"Source", m.source}, {"Destination", m.destination}, {"RW", m.rw},
                                 {"Name", m.name},     {"Driver", m.driver},           {"Type", m.type},
                                 {"Mode", m.rw_mode},  {"Propagation", m.propagation}};
    json j = {
        {"ID", c.id},
        {"Name", c.name},
        {"Created", format_time(c.created)},
        {"Path", c.path},
        {"Args", c.args},
        {"Config", embed(c.config_json)},
        {"HostConfig", embed(c.host_config_json)},
        {"EndpointsConfig", embed(c.endpoints_config_json)},
        {"Image", c.image},
        {"ImageName", c.image_name},
        {"Driver", c.driver},
        {"RWLayer", c.rw_layer},
        {"State", state},
        {"RestartCount", c.restart_count},
        {"MountPoints", mounts},
        {"HostnamePath", c.hostname_path},
        {"HostsPath", c.hosts_path},
        {"ResolvConfPath", c.resolv_conf_path},
        {"LogPath", c.log_path},
    };
    return j.dump();
}

Container container_from_json(const std::string &text) {
    try {
        json j = json::parse(text);
        Container c;
        c.id = j.at("ID").get<std::string>();
        c.name = j.at("Name").get<std::string>();
        c.created = parse_time(str(j, "Created"));
        c.path = str(j, "Path");
        if (j.contains("Args") && j["Args"].is_array()) c.args = j["Args"].get<std::vector<std::string>>();
        c.config_json = unembed(j.value("Config", json()));
        c.host_config_json = unembed(j.value("HostConfig", json()));
        c.endpoints_config_json = unembed(j.value("EndpointsConfig", json::object()));
        if (c.endpoints_config_json.empty() || c.endpoints_config_json == "null") c.endpoints_config_json = "{}";
        c.image = str(j, "Image");
        c.image_name = str(j, "ImageName");
        c.driver = str(j, "Driver");
        c.rw_layer = str(j, "RWLayer");
        c.restart_count = j.value("RestartCount", 0);
        c.hostname_path = str(j, "HostnamePath");
        c.hosts_path = str(j, "HostsPath");
        c.resolv_conf_path = str(j, "ResolvConfPath");
        c.log_path = str(j, "LogPath");
        const json &s = j.at("State");
        c.state.running = s.value("Running", false);
        c.state.paused = s.value("Paused", false);
        c.state.restarting = s.value("Restarting", false);
        c.state.oom_killed = s.value("OOMKilled", false);
        c.state.removal_in_progress = s.value("RemovalInProgress", false);
        c.state.dead = s.value("Dead", false);
        c.state.pid = s.value("Pid", 0);
        c.state.exit_code = s.value("ExitCode", 0);
        c.state.error = str(s, "Error");
        c.state.started_at = parse_time(str(s, "StartedAt"));
        c.state.finished_at = parse_time(str(s, "FinishedAt"));
        if (s.contains("Health") && s["Health"].is_object())
            c.state.health = HealthState{str(s["Health"], "Status"), s["Health"].value("FailingStreak", 0)};
        if (j.contains("MountPoints") && j["MountPoints"].is_object())
            for (auto &[dest, m] : j["MountPoints"].items())
                c.mount_points.push_back(MountPoint{str(m, "Source"), dest, str(m, "Mode"), m.value("RW", true),
                                                    str(m, "Name"), str(m, "Driver"), str(m, "Type"),
                                                    str(m, "Propagation")});
        return c;
    } catch (const json::exception &e) {
        throw InternalError(std::string("malformed container record: ") + e.what());
    }
}

} // namespace berth::containers
