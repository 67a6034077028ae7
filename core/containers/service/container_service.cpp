// container_service.cpp — construction, create, rename, remove, update and
// the lookups other subsystems use. Start/stop/exits live in
// container_runtime.cpp, stdio and exec in container_io.cpp, the JSON views
// in container_views.cpp.
#include "containers/service/container_service.h"

#include "network/container_networking.h"

#include "containers/service/container_events.h"
#include "containers/service/container_files.h"
#include "containers/service/create_config.h"
#include "containers/service/init_layer.h"
#include "containers/service/shared_init_layers.h"
#include "containers/service/service_internal.h"
#include "containers/spec/build_spec.h"
#include "containers/spec/spec_errors.h"
#include "images/layer_driver.h"
#include "images/unique_fd.h"

#include <spdlog/spdlog.h>

#include <future>
#include <unistd.h>

namespace berth::containers {

namespace fs = std::filesystem;

std::string now_rfc3339() { return format_time(Clock::now()); }

namespace {

// The RW layer, then the init layer under it; either may be missing.
void remove_layers(images::LayerDriver &driver, const std::string &id) {
    for (const auto &layer : {id, init_layer_id(id)}) {
        try {
            if (driver.exists(layer)) driver.remove(layer);
        } catch (const std::exception &e) {
            spdlog::warn("removing layer {}: {}", layer, e.what());
        }
    }
}

} // namespace

ContainerService::ContainerService(ContainerServiceConfig config, images::ImageService *images,
                                   std::shared_ptr<ExecClient> exec, std::shared_ptr<LogClient> logs,
                                   VolumeAccess volumes)
    : cfg_(std::move(config)), images_(images), exec_(std::move(exec)), logs_(std::move(logs)),
      volumes_(std::move(volumes)), store_(std::make_unique<ContainerStore>(cfg_.data_root)) {
    for (const auto &e : store_->load_errors()) spdlog::warn("container store: {}", e);
    // The shared init layers hold empty /etc files, as dockerd's init
    // layers do: the container's own copies are bound over them at run time
    // and read by `docker cp` (fs_provider).
    init_layers_ = std::make_unique<SharedInitLayers>(
        cfg_.data_root / "init-layers", [ids = cfg_.id_map](images::LayerDriver &driver, const std::string &id,
                                                            const std::string &top) {
            fill_init_layer(driver, id, top, {}, ids);
        });
    // An image's top layer takes its shared init layer with it.
    if (images_)
        images_->layers().set_removal_hook([this](const std::string &cache_id) {
            init_layers_->forget(images_->layers().driver(), cache_id);
        });
    worker_ = std::thread([this] { worker_loop(); });
}

ContainerService::~ContainerService() {
    if (images_) images_->layers().set_removal_hook(nullptr);
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    changed_.notify_all();
    if (worker_.joinable()) worker_.join();
    std::map<std::string, std::thread> health;
    std::vector<std::thread> retired;
    {
        std::lock_guard lock(mu_);
        health.swap(health_threads_);
        retired.swap(retired_threads_);
    }
    for (auto &[id, t] : health)
        if (t.joinable()) t.join();
    for (auto &t : retired)
        if (t.joinable()) t.join();
}

void ContainerService::post(std::function<void()> fn, std::chrono::milliseconds delay) {
    {
        std::lock_guard lock(mu_);
        tasks_.push_back({std::chrono::steady_clock::now() + delay, std::move(fn)});
    }
    changed_.notify_all();
}

void ContainerService::worker_loop() {
    std::unique_lock lock(mu_);
    while (!stopping_) {
        auto next = tasks_.end();
        for (auto it = tasks_.begin(); it != tasks_.end(); ++it)
            if (next == tasks_.end() || it->due < next->due) next = it;
        if (next == tasks_.end()) {
            changed_.wait(lock);
            continue;
        }
        if (next->due > std::chrono::steady_clock::now()) {
            changed_.wait_until(lock, next->due);
            continue;
        }
        auto fn = std::move(next->fn);
        tasks_.erase(next);
        lock.unlock();
        try {
            fn();
        } catch (const std::exception &e) {
            spdlog::warn("container service: {}", e.what());
        }
        lock.lock();
    }
}

std::shared_ptr<ContainerService::Live> ContainerService::live(const std::string &id) {
    std::lock_guard lock(mu_);
    auto &l = lives_[id];
    if (!l) l = std::make_shared<Live>();
    return l;
}

void ContainerService::notify() { changed_.notify_all(); }

ContainerService::CreateResult ContainerService::create(const std::string &name, const std::string &body,
                                                        const std::string &platform) {
    if (!images_) throw InternalError("no storage driver is running: containers cannot be created");
    CreateRequest req = parse_create_request(body, platform, *images_, cfg_);
    if (!req.log_driver.empty() && !logs_->known(req.log_driver))
        throw InvalidArgument("failed to create logger: logger: no log driver named '" + req.log_driver +
                              "' is registered");
    logs_->validate(req.log_driver, req.log_opts_json);
    check_userns_conflicts(req.host_config, cfg_.id_map);
    bool embedded_dns = false;
    if (net_) {
        Container probe;
        probe.id = std::string(64, '0');
        probe.name = "/" + name;
        probe.config_json = req.config.dump();
        probe.host_config_json = req.host_config.dump();
        probe.endpoints_config_json = req.endpoints_config.dump();
        const auto spec = network_spec(probe);
        net_->validate(spec);
        embedded_dns = net_->uses_embedded_dns(spec);
    }

    NewContainer nc;
    nc.name = name;
    nc.path = req.path;
    nc.args = req.args;
    nc.config_json = req.config.dump();
    nc.host_config_json = req.host_config.dump();
    nc.endpoints_config_json = req.endpoints_config.dump();
    nc.image = req.image.id;
    nc.image_name = req.image_name;
    nc.driver = cfg_.storage_driver;
    Container c = store_->create(nc);
    auto &driver = images_->layers().driver();
    bool layer_made = false;
    std::vector<std::string> adopted;
    try {
        // The spec must build now so a bad request fails at create, as
        // dockerd's verifyContainerSettings does; the real one is built at start.
        {
            spec::SpecInput in;
            in.image = req.image.config;
            json probe = req.config;
            probe.erase("User"); // resolved against the rootfs at start
            probe["HostConfig"] = req.host_config;
            probe["HostConfig"].erase("Binds");
            probe["HostConfig"].erase("Mounts");
            probe["HostConfig"].erase("Tmpfs");
            in.create_body = probe.dump();
            in.host.rootfs_path = "/nonexistent";
            in.host.container_id = c.id;
            in.host.rlimit_nofile_max = cfg_.rlimit_nofile_max;
            if (!cfg_.init_path.empty()) in.host.init_path = cfg_.init_path;
            in.host.id_map = cfg_.id_map;
            const std::string mode = value_or<std::string>(req.host_config, "NetworkMode", "");
            // The other container is looked up at start, as dockerd does (a
            // 404 from create would make the docker CLI pull the image).
            if (mode.rfind("container:", 0) == 0) in.host.network_namespace_path = "/proc/self/ns/net";
            (void)spec::build_spec(in);
        }
        // image ← init layer (mount points) ← <id> (the container's writes).
        // The init layer is a read-only layer filled through apply_diff: no
        // writable mount, whose unmount would sync the whole upper file
        // system (see init_layer.h). It is the image's shared one
        // (shared_init_layers.h); an image without layers gets <id>-init
        // of its own, filled below with the container's /etc files.
        // On overlay2 the RW layer needs its parent to exist, not to be
        // filled: it is made on another thread while the /etc files (and
        // an own init layer) are written below, so its fsyncs overlap that
        // work. A driver that
        // copies the parent at create (btrfs snapshots it) makes it after.
        // Leaving the try block by an exception waits for it (the future's
        // destructor), so the clean-up below sees both layers as they are.
        const bool rw_layer_early = cfg_.storage_driver == "overlay2";
        // The layers of a container removed at its exit need not survive a
        // host crash (restore removes such a container whenever it finds it
        // was running): overlay2 then makes them without fsyncs and mounts
        // the RW one volatile, so the unmount at the exit skips its sync of
        // the whole upper file system, a sync whose result the removal
        // right after throws away.
        images::LayerCreateOptions layer_options;
        if (rw_layer_early && value_or<bool>(req.host_config, "AutoRemove", false))
            layer_options.storage_opts_json = R"({"volatile":"true"})";
        const bool own_init_layer = req.top_layer_cache_id.empty();
        std::string init_layer;
        if (own_init_layer) {
            init_layer = init_layer_id(c.id);
            driver.create(init_layer, "", false, layer_options);
        } else {
            init_layer = init_layers_->ensure(driver, req.top_layer_cache_id);
        }
        layer_made = true;
        const auto make_rw_layer = [&driver, &rw_options = layer_options, id = c.id, init_layer] {
            driver.create(id, init_layer, true, rw_options);
        };
        std::future<void> rw_layer;
        if (rw_layer_early) rw_layer = std::async(std::launch::async, make_rw_layer);

        const auto dir = store_->container_dir(c.id);
        // docker sends "Hostname":"" when -h is not given: the short ID then.
        if (value_or<std::string>(req.config, "Hostname", "").empty()) {
            req.config["Hostname"] = c.id.substr(0, 12);
            c.config_json = req.config.dump();
        }
        EtcFilesInput etc = etc_input_from(req.config, req.host_config, c.id);
        etc.embedded_dns = embedded_dns;
        etc.host_hosts = read_text_file("/etc/hosts");
        etc.host_resolv = read_text_file(etc.host_resolv_path);
        if (etc.network_mode == "host") {
            char host[256] = {};
            ::gethostname(host, sizeof host - 1);
            if (req.config["Hostname"] == c.id.substr(0, 12)) {
                etc.hostname = host;
                req.config["Hostname"] = host;
                c.config_json = req.config.dump();
            }
        }
        const auto paths = write_etc_files(dir, etc);
        if (cfg_.id_map.enabled()) // the container's root may edit them, as with dockerd
            for (const auto &p : {paths.hostname, paths.hosts, paths.resolv_conf})
                if (::chown(p.c_str(), cfg_.id_map.root_uid(), cfg_.id_map.root_gid()) != 0)
                    throw InternalError("chown " + p.string() + ": " + std::strerror(errno));
        if (own_init_layer)
            fill_init_layer(driver, init_layer, "", {etc.hostname + "\n", hosts_text(etc), resolv_conf_text(etc)},
                            cfg_.id_map);
        if (rw_layer_early) rw_layer.get();
        else make_rw_layer();
        c.rw_layer = c.id;
        c.hostname_path = paths.hostname.string();
        c.hosts_path = paths.hosts.string();
        c.resolv_conf_path = paths.resolv_conf.string();
        if (req.log_driver == "json-file") c.log_path = (dir / (c.id + "-json.log")).string();

        // Volumes exist from create on, as with dockerd; fresh ones get the
        // image's content at their destination.
        c.mount_points = req.mounts.points;
        std::string rootfs;
        for (auto &m : c.mount_points) {
            if (m.type != "volume") continue;
            if (!volumes_.ensure) throw InvalidArgument("volumes are not available in this daemon");
            std::map<std::string, std::string> labels;
            auto [vname, created] = volumes_.ensure(m.name, m.driver, {}, labels);
            m.name = vname;
            if (volumes_.adopt) volumes_.adopt(vname, c.id);
            adopted.push_back(vname);
            const bool nocopy = m.rw_mode.find("nocopy") != std::string::npos;
            if (created && !nocopy && volumes_.copy_up && volumes_.acquire) {
                if (rootfs.empty()) rootfs = driver.get(c.id);
                const auto src = fs::path(rootfs) / fs::path(m.destination).relative_path();
                std::error_code ec;
                if (fs::is_directory(src, ec)) {
                    const auto path = volumes_.acquire(vname, c.id);
                    try {
                        volumes_.copy_up(src.string(), path);
                    } catch (...) {
                        volumes_.release(vname, c.id);
                        throw;
                    }
                    volumes_.release(vname, c.id);
                }
            }
        }
        if (!rootfs.empty()) driver.put(c.id);
        store_->save(c);
    } catch (const spec::SpecError &e) {
        for (const auto &v : adopted) volumes_.forget(v, c.id, true);
        if (layer_made) remove_layers(driver, c.id);
        store_->remove(c.id);
        if (e.kind() == spec::SpecErrorKind::NotFound) throw NotFound(e.what());
        throw InvalidArgument(e.what());
    } catch (...) {
        for (const auto &v : adopted) volumes_.forget(v, c.id, true);
        if (layer_made) remove_layers(driver, c.id);
        store_->remove(c.id);
        throw;
    }
    live(c.id);
    spdlog::info("container {} created ({})", c.id.substr(0, 12), c.name);
    publish_container_event(events_, c, "create");
    return {c.id, req.warnings};
}

void ContainerService::rename(const std::string &ref, const std::string &new_name) {
    const Container c = resolve(ref);
    store_->rename(c.id, new_name);
    publish_container_event(events_, store_->resolve(c.id), "rename", {{"oldName", c.name}});
}

void ContainerService::remove(const std::string &ref, bool force, bool remove_volumes) {
    Container c = resolve(ref);
    auto l = live(c.id);
    c.begin_removal(force);
    store_->save(c);
    if (c.state.running || c.state.restarting) {
        uint64_t seq;
        {
            std::lock_guard lock(mu_);
            seq = l->exit_seq;
            l->manual_stop = true;
            l->restart_pending = false;
        }
        if (c.state.running && !c.state.restarting) {
            try {
                if (c.state.paused) exec_->resume(c.id);
            } catch (...) {}
            try {
                exec_->kill(c.id, "", 9, true);
                publish_container_event(events_, c, "kill", {{"signal", "9"}});
            } catch (const std::exception &e) {
                spdlog::debug("rm -f {}: kill: {}", c.id.substr(0, 12), e.what());
            }
            if (!wait_for_exit(c.id, seq, std::chrono::seconds(30))) {
                c = store_->resolve(c.id);
                c.set_dead();
                store_->save(c);
                throw InternalError("cannot remove container \"" + c.name + "\": could not kill it");
            }
        }
    }
    std::lock_guard op(l->op);
    c = store_->resolve(c.id);
    remove_locked(c, *l, remove_volumes);
}

void ContainerService::remove_locked(Container &c, Live &l, bool remove_volumes,
                                     const std::function<void()> &before_record_removal, bool keep_bundle) {
    if (l.has_task) cleanup_runtime(c, l);
    detach_networks(c.id); // a crash between exit and detach leaves endpoint records
    for (const auto &m : c.mount_points)
        if (m.type == "volume" && !m.name.empty() && volumes_.forget) {
            try {
                volumes_.forget(m.name, c.id, remove_volumes);
            } catch (const std::exception &e) {
                spdlog::warn("rm {}: volume {}: {}", c.id.substr(0, 12), m.name, e.what());
            }
        }
    if (!c.rw_layer.empty() && images_) {
        try {
            auto &driver = images_->layers().driver();
            if (driver.exists(c.rw_layer)) driver.remove(c.rw_layer);
            if (driver.exists(init_layer_id(c.id))) driver.remove(init_layer_id(c.id));
        } catch (const std::exception &e) {
            c.set_dead();
            store_->save(c);
            throw InternalError("unable to remove filesystem for " + c.id + ": " + e.what());
        }
    }
    if (before_record_removal) before_record_removal();
    store_->remove(c.id);
    std::error_code ec;
    if (!keep_bundle) fs::remove_all(bundle_dir(c.id), ec);
    std::lock_guard lock(mu_);
    l.removed = true;
    for (auto &a : l.pending_attach) {
        for (int fd : {a.fds.stdin_fd, a.fds.stdout_fd, a.fds.stderr_fd})
            if (fd >= 0) ::close(fd);
    }
    l.pending_attach.clear();
    for (auto it = execs_.begin(); it != execs_.end();)
        it = it->second->container_id == c.id ? execs_.erase(it) : std::next(it);
    changed_.notify_all();
    spdlog::info("container {} removed", c.id.substr(0, 12));
    publish_container_event(events_, c, "destroy");
}

std::string ContainerService::update(const std::string &ref, const std::string &body) {
    Container c = resolve(ref);
    json req = json::parse(body.empty() ? "{}" : body, nullptr, false);
    if (!req.is_object()) throw InvalidArgument("invalid JSON: the update body is not an object");
    json hc = parse_object(c.host_config_json);
    static const char *resource_keys[] = {"Memory", "MemorySwap", "MemoryReservation", "NanoCpus", "CpuShares",
                                          "CpuPeriod", "CpuQuota", "CpusetCpus", "CpusetMems", "PidsLimit",
                                          "BlkioWeight", "KernelMemory"};
    bool resources_changed = false;
    for (const char *k : resource_keys)
        if (req.contains(k) && !req[k].is_null() && !(req[k].is_number() && req[k] == 0) &&
            !(req[k].is_string() && req[k].get<std::string>().empty())) {
            hc[k] = req[k];
            resources_changed = true;
        }
    if (req.contains("RestartPolicy") && req["RestartPolicy"].is_object() &&
        !value_or<std::string>(req["RestartPolicy"], "Name", "").empty()) {
        json probe = {{"RestartPolicy", req["RestartPolicy"]}};
        (void)parse_restart_policy(probe.dump());
        if (value_or<bool>(hc, "AutoRemove", false))
            throw InvalidArgument("Restart policy cannot be updated because AutoRemove is enabled for the container");
        hc["RestartPolicy"] = req["RestartPolicy"];
    }
    if (resources_changed && c.state.running) {
        // The same translation the spec builder does, applied to the running container.
        spec::SpecInput in;
        json probe = parse_object(c.config_json);
        probe.erase("User");
        probe["HostConfig"] = hc;
        probe["HostConfig"].erase("Binds");
        probe["HostConfig"].erase("Mounts");
        probe["HostConfig"].erase("Tmpfs");
        in.create_body = probe.dump();
        in.host.rootfs_path = "/nonexistent";
        in.host.container_id = c.id;
        in.host.rlimit_nofile_max = cfg_.rlimit_nofile_max;
        json spec;
        try {
            spec = json::parse(spec::build_spec(in));
        } catch (const spec::SpecError &e) {
            throw InvalidArgument(e.what());
        }
        try {
            exec_->update(c.id, spec["linux"]["resources"].dump());
        } catch (const ExecError &e) {
            throw InternalError(std::string("Cannot update container ") + c.id + ": " + e.what());
        }
    }
    c.host_config_json = hc.dump();
    store_->save(c);
    publish_container_event(events_, c, "update");
    return json{{"Warnings", json::array()}}.dump();
}

std::vector<images::ContainerUse> ContainerService::containers_using(const std::string &image_id) {
    std::vector<images::ContainerUse> out;
    for (const auto &c : store_->list())
        if (c.image == image_id) out.push_back({c.id, c.state.running});
    return out;
}

std::set<std::string> ContainerService::layers_in_use() {
    std::set<std::string> out;
    if (!images_) return out;
    for (const auto &c : store_->list()) {
        auto img = images_->images().find(c.image);
        if (img && !img->top_chain().empty()) out.insert(img->top_chain());
    }
    return out;
}

ContainerService::Counts ContainerService::counts() {
    Counts n;
    for (const auto &c : store_->list()) {
        ++n.total;
        if (c.state.paused) ++n.paused;
        else if (c.state.running) ++n.running;
        else ++n.stopped;
    }
    return n;
}

std::string ContainerService::bundle_dir(const std::string &id) const {
    // The shim's sockets live in the bundle and a unix socket path has 107
    // bytes: a long exec root moves bundles to a short fixed place (the ID
    // is random, so daemons sharing it never collide).
    constexpr size_t kLongestName = sizeof("/exec-console.sock") + 1;
    const auto dir = cfg_.exec_root / id;
    if (dir.string().size() + kLongestName <= 107) return dir.string();
    return (std::filesystem::path("/run/berth-bundles") / id).string();
}

} // namespace berth::containers
