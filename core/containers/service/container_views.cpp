// container_views.cpp — the JSON the API shows of containers: inspect, ps,
// top, stats, prune, and the filesystem handle the cp/export/diff/commit
// endpoints use.
#include "containers/service/container_service.h"

#include "containers/service/init_layer.h"
#include "containers/service/shared_init_layers.h"
#include "containers/service/container_events.h"
#include "containers/service/service_internal.h"
#include "containers/store/ps_filter.h"
#include "images/layer_driver.h"
#include "images/layer_store.h"

#include <spdlog/spdlog.h>

#include <array>
#include <cstdio>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace berth::containers {

namespace fs = std::filesystem;

namespace {

json endpoint_settings() {
    return {{"IPAMConfig", nullptr}, {"Links", nullptr},     {"Aliases", nullptr},
            {"MacAddress", ""},      {"DriverOpts", nullptr}, {"NetworkID", ""},
            {"EndpointID", ""},      {"Gateway", ""},         {"IPAddress", ""},
            {"IPPrefixLen", 0},      {"IPv6Gateway", ""},     {"GlobalIPv6Address", ""},
            {"GlobalIPv6PrefixLen", 0}, {"DNSNames", nullptr}};
}

// /containers/json "Ports" from NetworkSettings.Ports: one entry per host
// binding, and a bare {PrivatePort, Type} for an exposed, unpublished port.
json ps_ports(const json &ports) {
    json out = json::array();
    if (!ports.is_object()) return out;
    for (const auto &[key, bindings] : ports.items()) {
        const auto slash = key.find('/');
        int private_port = 0;
        try {
            private_port = std::stoi(key.substr(0, slash));
        } catch (...) {
            continue;
        }
        const std::string type = slash == std::string::npos ? "tcp" : key.substr(slash + 1);
        if (!bindings.is_array() || bindings.empty()) {
            out.push_back({{"PrivatePort", private_port}, {"Type", type}});
            continue;
        }
        for (const auto &b : bindings) {
            json p = {{"PrivatePort", private_port}, {"Type", type}};
            p["IP"] = b.value("HostIp", "");
            try {
                p["PublicPort"] = std::stoi(b.value("HostPort", "0"));
            } catch (...) {
                continue;
            }
            out.push_back(p);
        }
    }
    return out;
}

std::string network_name(const json &hc) {
    std::string mode = value_or<std::string>(hc, "NetworkMode", "default");
    if (mode == "default") mode = "bridge";
    return mode;
}

json mounts_json(const std::vector<MountPoint> &points, const fs::path &data_root) {
    json out = json::array();
    for (const auto &m : points) {
        json j;
        j["Type"] = m.type;
        if (m.type == "volume") {
            j["Name"] = m.name;
            j["Source"] = m.source.empty() ? (data_root / "volumes" / m.name / "_data").string() : m.source;
        } else {
            j["Source"] = m.source;
        }
        j["Destination"] = m.destination;
        if (m.type == "volume") j["Driver"] = m.driver.empty() ? "local" : m.driver;
        std::string mode = m.rw_mode;
        if (m.type == "volume" && mode.empty()) mode = "z";
        j["Mode"] = m.type == "bind" ? m.rw_mode : mode;
        j["RW"] = m.rw;
        j["Propagation"] = m.propagation;
        out.push_back(j);
    }
    return out;
}

// moby's ps Command: arguments with spaces are shown single-quoted.
std::string command_text(const Container &c) {
    std::string out = c.path;
    for (const auto &a : c.args) out += a.find(' ') != std::string::npos ? " '" + a + "'" : " " + a;
    return out;
}

int64_t unix_seconds(TimePoint t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::map<std::string, std::vector<std::string>> parse_filters(const std::string &text) {
    std::map<std::string, std::vector<std::string>> out;
    if (text.empty()) return out;
    const json j = json::parse(text, nullptr, false);
    if (!j.is_object()) throw InvalidArgument("invalid filter: the filters parameter is not a JSON object");
    for (const auto &[key, v] : j.items()) {
        auto &vals = out[key];
        if (v.is_object()) {
            for (const auto &[val, on] : v.items())
                if (!on.is_boolean() || on.get<bool>()) vals.push_back(val);
        } else if (v.is_array()) {
            for (const auto &val : v)
                if (val.is_string()) vals.push_back(val.get<std::string>());
        } else {
            throw InvalidArgument("invalid filter '" + key + "'");
        }
    }
    return out;
}

// What a container's RW layer is diffed against: its init layer (dockerd's
// layout), or the image's top layer for containers made before it existed.
// The RW layer's parent: its own init layer (containers made before the
// shared ones, or of an image without layers), else its image's shared init
// layer, else (an image removed by force) its image's top layer.
std::string diff_parent_of(images::ImageService &images, const Container &c) {
    auto &driver = images.layers().driver();
    if (driver.exists(init_layer_id(c.id))) return init_layer_id(c.id);
    if (auto img = images.images().find(c.image); img && !img->top_chain().empty())
        if (auto rec = images.layers().get(img->top_chain())) {
            const std::string shared = shared_init_layer_id(rec->cache_id);
            return driver.exists(shared) ? shared : rec->cache_id;
        }
    return {};
}

} // namespace

std::string ContainerService::container_json(const Container &c, bool size) {
    const json cfg = parse_object(c.config_json);
    const json hc = parse_object(c.host_config_json);
    json state = json::parse(state_json(c.state, false));
    json exec_ids = nullptr;
    {
        std::lock_guard lock(mu_);
        if (c.state.health) {
            json log = json::array();
            if (auto it = lives_.find(c.id); it != lives_.end())
                for (const auto &e : it->second->health_log)
                    log.push_back({{"Start", e.start}, {"End", e.end}, {"ExitCode", e.exit_code}, {"Output", e.output}});
            state["Health"] = {{"Status", c.state.health->status},
                               {"FailingStreak", c.state.health->failing_streak},
                               {"Log", log}};
        }
        for (const auto &[id, e] : execs_)
            if (e->container_id == c.id && !e->finished) {
                if (exec_ids.is_null()) exec_ids = json::array();
                exec_ids.push_back(id);
            }
    }
    json graph = {{"Name", c.driver}, {"Data", nullptr}};
    std::string parent_cache;
    if (images_) {
        try {
            parent_cache = diff_parent_of(*images_, c);
            graph["Data"] = json::parse(images_->layers().driver().metadata_json(c.rw_layer), nullptr, false);
            if (graph["Data"].is_discarded()) graph["Data"] = nullptr;
        } catch (const std::exception &) {
        }
    }
    const std::string net = network_name(hc);
    json networks = json::object();
    networks[net] = endpoint_settings();
    json network_settings = {{"Bridge", ""},
                             {"SandboxID", ""},
                             {"SandboxKey", ""},
                             {"Ports", json::object()},
                             {"HairpinMode", false},
                             {"LinkLocalIPv6Address", ""},
                             {"LinkLocalIPv6PrefixLen", 0},
                             {"SecondaryIPAddresses", nullptr},
                             {"SecondaryIPv6Addresses", nullptr},
                             {"EndpointID", ""},
                             {"Gateway", ""},
                             {"GlobalIPv6Address", ""},
                             {"GlobalIPv6PrefixLen", 0},
                             {"IPAddress", ""},
                             {"IPPrefixLen", 0},
                             {"IPv6Gateway", ""},
                             {"MacAddress", ""},
                             {"Networks", networks}};
    if (const std::string ns = network_settings_json(c); !ns.empty()) {
        const json parsed = json::parse(ns, nullptr, false);
        if (parsed.is_object()) network_settings = parsed;
    }
    json out = {{"Id", c.id},
                {"Created", format_time(c.created)},
                {"Path", c.path},
                {"Args", c.args},
                {"State", state},
                {"Image", c.image},
                {"ResolvConfPath", c.resolv_conf_path},
                {"HostnamePath", c.hostname_path},
                {"HostsPath", c.hosts_path},
                {"LogPath", c.log_path},
                {"Name", c.name},
                {"RestartCount", c.restart_count},
                {"Driver", c.driver},
                {"Platform", "linux"},
                {"MountLabel", ""},
                {"ProcessLabel", ""},
                {"AppArmorProfile", ""},
                {"ExecIDs", exec_ids},
                {"HostConfig", hc},
                {"GraphDriver", graph},
                {"Mounts", mounts_json(c.mount_points, cfg_.data_root)},
                {"Config", cfg},
                {"NetworkSettings", network_settings}};
    if (size && images_) {
        try {
            const int64_t rw = images_->layers().driver().diff_size(c.rw_layer, parent_cache);
            out["SizeRw"] = rw;
            int64_t base = 0;
            if (auto img = images_->images().find(c.image)) base = images_->size(*img);
            out["SizeRootFs"] = rw + base;
        } catch (const std::exception &) {
        }
    }
    return out.dump();
}

std::string ContainerService::inspect_json(const std::string &ref, bool size) {
    return container_json(resolve(ref), size);
}

std::string ContainerService::list_json(const std::string &query_filters, bool all, int limit, bool size) {
    PsOptions opts;
    opts.all = all;
    opts.limit = limit;
    opts.filters = parse_filters(query_filters);
    PsLookups look;
    look.resolve_container = [this](const std::string &ref) { return store_->resolve(ref); };
    look.resolve_image = [this](const std::string &ref) -> std::optional<std::string> {
        if (!images_) return std::nullopt;
        try {
            return images_->resolve(ref).id;
        } catch (...) {
            return std::nullopt;
        }
    };
    const auto selected = filter_containers(store_->list(), opts, look);
    json out = json::array();
    const auto now = Clock::now();
    for (const auto &c : selected) {
        const json cfg = parse_object(c.config_json);
        const json hc = parse_object(c.host_config_json);
        json labels = cfg.value("Labels", json::object());
        if (labels.is_null()) labels = json::object();
        json item = {{"Id", c.id},
                     {"Names", json::array({c.name})},
                     {"Image", c.image_name.empty() ? c.image : c.image_name},
                     {"ImageID", c.image},
                     {"Command", command_text(c)},
                     {"Created", unix_seconds(c.created)},
                     {"Ports", json::array()},
                     {"Labels", labels},
                     {"State", c.state.status()},
                     {"Status", c.state.status_text(now)},
                     {"HostConfig", {{"NetworkMode", value_or<std::string>(hc, "NetworkMode", "default")}}},
                     {"NetworkSettings", {{"Networks", {{network_name(hc), endpoint_settings()}}}}},
                     {"Mounts", mounts_json(c.mount_points, cfg_.data_root)}};
        if (const std::string ns = network_settings_json(c); !ns.empty()) {
            const json parsed = json::parse(ns, nullptr, false);
            if (parsed.is_object()) {
                item["NetworkSettings"] = {{"Networks", parsed.value("Networks", json::object())}};
                item["Ports"] = ps_ports(parsed.value("Ports", json::object()));
            }
        }
        if (size && images_) {
            try {
                std::string parent_cache;
                int64_t base = 0;
                if (auto img = images_->images().find(c.image)) base = images_->size(*img);
                parent_cache = diff_parent_of(*images_, c);
                const int64_t rw = images_->layers().driver().diff_size(c.rw_layer, parent_cache);
                item["SizeRw"] = rw;
                item["SizeRootFs"] = rw + base;
            } catch (const std::exception &) {
            }
        }
        out.push_back(item);
    }
    return out.dump();
}

std::string ContainerService::top_json(const std::string &ref, const std::string &ps_args) {
    const Container c = resolve(ref);
    if (!c.state.running || c.state.restarting) throw Conflict("Container " + c.id + " is not running");
    if (c.state.restarting) throw Conflict("Container " + c.id + " is restarting, wait until the container is running");
    const json pids_j = json::parse(exec_->pids(c.id), nullptr, false);
    std::set<long> pids;
    if (pids_j.is_array())
        for (const auto &p : pids_j) pids.insert(p.get<long>());
    // ps on the host, then keep the container's rows (dockerd does the same).
    std::vector<std::string> argv = {"ps"};
    std::istringstream words(ps_args.empty() ? "-ef" : ps_args);
    for (std::string w; words >> w;) argv.push_back(w);
    int pipefd[2];
    if (::pipe(pipefd) != 0) throw InternalError("top: pipe failed");
    const pid_t child = ::fork();
    if (child == 0) {
        ::dup2(pipefd[1], 1);
        ::dup2(pipefd[1], 2);
        ::close(pipefd[0]);
        ::close(pipefd[1]);
        std::vector<char *> a;
        for (auto &s : argv) a.push_back(s.data());
        a.push_back(nullptr);
        ::execvp("ps", a.data());
        _exit(127);
    }
    ::close(pipefd[1]);
    std::string text;
    char buf[8192];
    for (ssize_t n; (n = ::read(pipefd[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
    ::close(pipefd[0]);
    int status = 0;
    ::waitpid(child, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        throw InternalError("ps: " + text);
    std::istringstream lines(text);
    std::string header;
    std::getline(lines, header);
    std::vector<std::string> titles;
    {
        std::istringstream h(header);
        for (std::string t; h >> t;) titles.push_back(t);
    }
    size_t pid_col = titles.size();
    for (size_t i = 0; i < titles.size(); ++i)
        if (titles[i] == "PID") pid_col = i;
    if (pid_col == titles.size()) throw InternalError("Couldn't find PID field in ps output");
    json procs = json::array();
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        std::istringstream f(line);
        std::vector<std::string> fields;
        for (std::string w; fields.size() + 1 < titles.size() && f >> w;) fields.push_back(w);
        std::string rest;
        std::getline(f, rest);
        const auto start = rest.find_first_not_of(' ');
        fields.push_back(start == std::string::npos ? "" : rest.substr(start));
        if (fields.size() <= pid_col) continue;
        long pid = 0;
        try {
            pid = std::stol(fields[pid_col]);
        } catch (...) {
            continue;
        }
        if (pids.count(pid)) procs.push_back(fields);
    }
    publish_container_event(events_, c, "top");
    return json{{"Titles", titles}, {"Processes", procs}}.dump();
}

std::string ContainerService::stats_json(const std::string &ref, const std::string &previous_json) {
    const Container c = resolve(ref);
    json out;
    const json prev = json::parse(previous_json.empty() ? "{}" : previous_json, nullptr, false);
    if (c.state.running && !c.state.restarting) {
        try {
            out = json::parse(exec_->stats(c.id), nullptr, false);
        } catch (const std::exception &e) {
            spdlog::debug("stats {}: {}", c.id.substr(0, 12), e.what());
        }
    }
    if (!out.is_object()) {
        out = {{"read", "0001-01-01T00:00:00Z"},
               {"pids_stats", json::object()},
               {"blkio_stats", {{"io_service_bytes_recursive", nullptr}}},
               {"cpu_stats", {{"cpu_usage", {{"total_usage", 0}, {"usage_in_kernelmode", 0}, {"usage_in_usermode", 0}}},
                              {"throttling_data", {{"periods", 0}, {"throttled_periods", 0}, {"throttled_time", 0}}}}},
               {"memory_stats", json::object()}};
    } else {
        out["read"] = now_rfc3339();
    }
    out["preread"] = prev.is_object() && prev.contains("read") ? prev["read"] : json("0001-01-01T00:00:00Z");
    out["precpu_stats"] = prev.is_object() && prev.contains("cpu_stats")
                              ? prev["cpu_stats"]
                              : json{{"cpu_usage", {{"total_usage", 0}, {"usage_in_kernelmode", 0}, {"usage_in_usermode", 0}}},
                                     {"throttling_data", {{"periods", 0}, {"throttled_periods", 0}, {"throttled_time", 0}}}};
    out["num_procs"] = 0;
    out["storage_stats"] = json::object();
    out["name"] = c.name;
    out["id"] = c.id;
    return out.dump();
}

std::string ContainerService::changes_json(const std::string &ref) {
    const Container c = resolve(ref);
    if (!images_) throw InternalError("no storage driver is running");
    return images_->layers().driver().changes_json(c.rw_layer, diff_parent_of(*images_, c));
}

std::string ContainerService::prune_json(const std::string &filters_json, std::optional<TimePoint> until) {
    const auto filters = parse_filters(filters_json);
    for (const auto &[k, v] : filters)
        if (k != "until" && k != "label" && k != "label!") throw InvalidArgument("invalid filter '" + k + "'");
    json deleted = json::array();
    int64_t reclaimed = 0;
    for (const auto &c : store_->list()) {
        if (c.state.running || c.state.restarting || c.state.removal_in_progress) continue;
        if (until && c.created >= *until) continue;
        const auto labels = c.labels();
        bool keep = false;
        if (auto it = filters.find("label"); it != filters.end())
            for (const auto &f : it->second) {
                const auto eq = f.find('=');
                const std::string k = f.substr(0, eq);
                auto l = labels.find(k);
                if (l == labels.end() || (eq != std::string::npos && l->second != f.substr(eq + 1))) keep = true;
            }
        if (auto it = filters.find("label!"); it != filters.end())
            for (const auto &f : it->second) {
                const auto eq = f.find('=');
                const std::string k = f.substr(0, eq);
                auto l = labels.find(k);
                if (l != labels.end() && (eq == std::string::npos || l->second == f.substr(eq + 1))) keep = true;
            }
        if (keep) continue;
        try {
            if (images_) {
                try {
                    reclaimed += images_->layers().driver().diff_size(c.rw_layer, "");
                } catch (...) {
                }
            }
            remove(c.id, false, false);
            deleted.push_back(c.id);
        } catch (const std::exception &e) {
            spdlog::warn("prune {}: {}", c.id.substr(0, 12), e.what());
        }
    }
    return json{{"ContainersDeleted", deleted.empty() ? json(nullptr) : deleted}, {"SpaceReclaimed", reclaimed}}.dump();
}

ContainerFsProvider ContainerService::fs_provider() {
    return [this](const std::string &ref) -> std::shared_ptr<ContainerFs> {
        const Container c = resolve(ref);
        if (!images_) throw InternalError("no storage driver is running");
        auto &driver = images_->layers().driver();
        const std::string parent = diff_parent_of(*images_, c);
        auto fsh = std::shared_ptr<ContainerFs>(new ContainerFs, [&driver, layer = c.rw_layer](ContainerFs *p) {
            if (!p->rootfs.empty()) {
                try {
                    driver.put(layer);
                } catch (const std::exception &e) {
                    spdlog::warn("unmount {}: {}", layer.substr(0, 12), e.what());
                }
            }
            delete p;
        });
        fsh->id = c.id;
        fsh->name = c.name;
        fsh->image_id = c.image;
        fsh->config_json = c.config_json;
        fsh->id_map = cfg_.id_map;
        fsh->running = c.state.running;
        fsh->paused = c.state.paused;
        fsh->readonly_rootfs = value_or<bool>(parse_object(c.host_config_json), "ReadonlyRootfs", false);
        fsh->rootfs = driver.get(c.rw_layer);
        // What runc binds over the rootfs (container_files.h); a user mount
        // on the same path wins in the container and is not in this view.
        const auto user_mounted = [&c](const std::string &dest) {
            for (const auto &m : c.mount_points)
                if (m.destination == dest) return true;
            return false;
        };
        for (const auto &[dest, host] : {std::pair<std::string, std::string>{"/etc/hostname", c.hostname_path},
                                         {"/etc/hosts", c.hosts_path},
                                         {"/etc/resolv.conf", c.resolv_conf_path}})
            if (!host.empty() && !user_mounted(dest)) fsh->etc_files.emplace_back(dest, host);
        const std::string layer = c.rw_layer;
        fsh->write_diff_tar = [&driver, layer, parent](int fd) { driver.diff(layer, parent, fd); };
        fsh->changes_json = [&driver, layer, parent] { return driver.changes_json(layer, parent); };
        const std::string id = c.id;
        const bool running = c.state.running && !c.state.paused;
        fsh->pause = [this, id, running] {
            if (running) exec_->pause(id);
        };
        fsh->resume = [this, id, running] {
            if (running) exec_->resume(id);
        };
        fsh->publish_event = [this, id](const std::string &action, std::map<std::string, std::string> attributes) {
            if (auto cur = store_->get(id)) publish_container_event(events_, *cur, action, std::move(attributes));
        };
        return fsh;
    };
}

} // namespace berth::containers
