// container_service.h — the container lifecycle as dockerd runs it: create
// (record, RW layer, /etc files, mounts planned), start (rootfs mounted,
// volumes acquired, OCI spec written, the exec driver's shim launched),
// exits (reported by the driver as events), restart policies, stop/kill,
// pause, rename, remove, exec, attach, logs, stats and live restore.
//
// No HTTP here: routes translate requests into these calls and the errors
// (images::Error kinds, AlreadyInState) into statuses. Every public method is
// thread-safe. One container's start, exit handling and removal are
// serialised by its own lock; waiting (stop, wait) never holds it.
#pragma once

#include "config/id_map.h"
#include "containers/archive/container_fs.h"
#include "containers/service/container_files.h"
#include "containers/service/exec_client.h"
#include "containers/service/log_client.h"
#include "containers/service/mount_plan.h"
#include "containers/store/container_store.h"
#include "images/image_service.h"

#include <nlohmann/json_fwd.hpp>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace berth::events {
class EventLog;
}

namespace berth::network {
class ContainerNetworking;
struct ContainerNetworkSpec;
} // namespace berth::network

namespace berth::containers {

struct ContainerServiceConfig {
    std::filesystem::path data_root;
    std::filesystem::path exec_root;
    std::string storage_driver;
    std::string default_log_driver = "json-file";
    std::map<std::string, std::string> default_log_opts;
    std::string default_runtime = "runc";
    std::map<std::string, std::string> runtimes; // daemon.json "runtimes": name → {"path":..,"runtimeArgs":[..]}
    std::string cgroup_parent;                   // "" → "/docker"
    std::vector<std::string> dns, dns_search, dns_opts;
    bool init_default = false;
    std::string init_path;                       // "" → tini-static as found
    std::uint64_t rlimit_nofile_max = 0;         // 0 → berthd's own hard limit
    config::IdMap id_map;                        // userns-remap; disabled by default
    bool default_network_none = false;           // daemon "bridge": "none": NetworkMode default → none
};

struct WaitResult {
    int status_code = 0;
    std::string error; // "" → the API's Error: null
};

// A registered wait: taken before the HTTP head goes out (docker's client
// starts the container as soon as the head arrives), finished afterwards.
struct WaitTicket {
    std::string id;
    std::string condition; // not-running | next-exit | removed
    uint64_t exit_seq = 0;
};

struct AttachRequest {
    bool stdin = false, stdout = false, stderr = false;
    ExecStdio fds; // the ends the exec driver writes to / reads from (borrowed until attach returns)
};

class ContainerService {
public:
    ContainerService(ContainerServiceConfig config, images::ImageService *images, std::shared_ptr<ExecClient> exec,
                     std::shared_ptr<LogClient> logs, VolumeAccess volumes);
    ~ContainerService(); // stops restart timers; containers keep running

    // berthd start: re-adopt running containers (live restore), mark those
    // whose shim died exited, clean stale mounts and runtime state, and start
    // the ones an always/unless-stopped policy wants up.
    void restore_all();
    // An exec driver event ("exit" with or without exec_id).
    void on_driver_event(const std::string &kind, const std::string &json);

    struct CreateResult {
        std::string id;
        std::vector<std::string> warnings;
    };
    // body: POST /containers/create JSON. Throws InvalidArgument (400),
    // NotFound (404 "No such image: x"), Conflict (409, name taken).
    CreateResult create(const std::string &name, const std::string &body, const std::string &platform = {});
    // Throws AlreadyInState (304) when running.
    void start(const std::string &ref);
    // timeout: seconds before SIGKILL (-1 = wait forever); nullopt → the
    // container's StopTimeout or 10. signal "" → its StopSignal or SIGTERM.
    // Throws AlreadyInState (304) when not running.
    void stop(const std::string &ref, std::optional<int> timeout, const std::string &signal = {});
    void kill(const std::string &ref, const std::string &signal);
    void restart(const std::string &ref, std::optional<int> timeout, const std::string &signal = {});
    void pause(const std::string &ref);
    void unpause(const std::string &ref);
    void rename(const std::string &ref, const std::string &new_name);
    void remove(const std::string &ref, bool force, bool remove_volumes);
    std::string update(const std::string &ref, const std::string &body); // {"Warnings":[]}

    WaitTicket wait_begin(const std::string &ref, const std::string &condition);
    WaitResult wait_end(const WaitTicket &ticket, const std::function<bool()> &cancelled);

    std::string inspect_json(const std::string &ref, bool size);
    std::string list_json(const std::string &query_filters, bool all, int limit, bool size);
    std::string top_json(const std::string &ref, const std::string &ps_args);
    std::string stats_json(const std::string &ref, const std::string &previous_json);
    std::string changes_json(const std::string &ref);
    // Stopped containers matching label/label! in filters_json, and created
    // before `until` when given (the API layer parses dockerd's forms of it).
    std::string prune_json(const std::string &filters_json, std::optional<TimePoint> until = std::nullopt);

    // Whether ref's container has a tty (the attach framing depends on it),
    // and its full ID. Throws NotFound.
    std::pair<std::string, bool> attach_target(const std::string &ref);
    // The same without the state checks (logs, stats).
    std::pair<std::string, bool> id_and_tty(const std::string &ref);
    // Connect fds to the container's stdio; before start the request waits
    // and is connected when the container starts.
    void attach(const std::string &id, const AttachRequest &request);
    void resize(const std::string &ref, unsigned rows, unsigned cols);
    void close_stdin(const std::string &id);

    struct LogOptions {
        bool follow = false, stdout = true, stderr = true, timestamps = false, details = false;
        long tail = -1;
        int64_t since_ns = 0, until_ns = 0;
    };
    // The log driver's JSON lines for ref written to out_fd (see LogClient::read).
    void logs(const std::string &ref, const LogOptions &options, int out_fd,
              std::shared_ptr<std::atomic<bool>> cancelled);
    std::string log_driver_of(const std::string &ref);

    // exec: POST /containers/{id}/exec → exec ID; start; inspect; resize.
    std::string exec_create(const std::string &ref, const std::string &body);
    struct ExecStartInfo {
        std::string container_id;
        bool tty = false, attach_stdin = false, attach_stdout = false, attach_stderr = false;
    };
    ExecStartInfo exec_info(const std::string &exec_id);
    // fds as for attach (all -1 when detached). Returns when started.
    void exec_start(const std::string &exec_id, const ExecStdio &fds);
    // Blocks until the exec process exits (or cancelled() turns true).
    void exec_wait(const std::string &exec_id, const std::function<bool()> &cancelled);
    // The attached stream of exec_id saw EOF: its exit is imminent.
    void exec_output_ended(const std::string &exec_id);
    // docker asks for the exit code as soon as the stream ends; when it has
    // ended but the exit event is still on its way, this waits (≤ 5 s) for it.
    std::string exec_inspect_json(const std::string &exec_id);
    void exec_resize(const std::string &exec_id, unsigned rows, unsigned cols);

    ContainerFsProvider fs_provider();

    // Networking (container_network.cpp). Null: every container behaves as
    // --network none would (no endpoints), which unit tests rely on.
    void set_networking(network::ContainerNetworking *networking);
    // Where lifecycle events are published (events/event_log.h); null: nowhere.
    void set_events(events::EventLog *log) { events_ = log; }
    // POST /networks/{id}/connect and /disconnect for this container.
    void connect_network(const std::string &network, const std::string &ref, const std::string &endpoint_config_json);
    void disconnect_network(const std::string &network, const std::string &ref, bool force);
    std::vector<images::ContainerUse> containers_using(const std::string &image_id);
    std::set<std::string> layers_in_use();
    ContainerStore &store() { return *store_; }

    // Counts for /info.
    struct Counts {
        int total = 0, running = 0, paused = 0, stopped = 0;
    };
    Counts counts();

    struct Live;
    struct ExecInstance;

private:
    network::ContainerNetworkSpec network_spec(const Container &c) const;
    bool joins_networks(const Container &c) const; // bridge or a user network (not none/host/container:)
    void attach_networks(Container &c, int pid);
    void detach_networks(const std::string &id);
    void restore_networks(const Container &c);
    std::string network_settings_json(const Container &c) const; // "" without networking
    // The /etc files' inputs a container's Config and HostConfig give,
    // DNS settings falling back to the daemon's.
    EtcFilesInput etc_input_from(const nlohmann::json &config, const nlohmann::json &host_config,
                                 const std::string &id) const;
    EtcFilesInput etc_input_for(const Container &c) const;
    void refresh_hosts(const Container &c);

    std::shared_ptr<Live> live(const std::string &id);
    Container resolve(const std::string &ref) const { return store_->resolve(ref); }
    void start_locked(Container &c, Live &l);
    void cleanup_runtime(Container &c, Live &l, std::thread *task_deletion = nullptr,
                         std::thread *rootfs_unmount = nullptr);
    void handle_exit(const std::string &id, int exit_code, bool oom_killed, const std::string &exited_at);
    void after_exit(const std::string &id);
    void schedule_restart(const std::string &id, std::chrono::milliseconds delay);
    void set_manual_stop(const std::string &id, bool on);
    bool manual_stop_marked(const std::string &id) const;
    // before_record_removal runs after the layers are gone and before the
    // record is. keep_bundle: the runtime's delete still runs (the caller
    // joins it, then removes the bundle).
    void remove_locked(Container &c, Live &l, bool remove_volumes,
                       const std::function<void()> &before_record_removal = {}, bool keep_bundle = false);
    // At start-up, after restore: bundles in the exec root without a record.
    void sweep_orphan_bundles();
    void sweep_orphan_init_layers();
    void notify();
    bool wait_for_exit(const std::string &id, uint64_t seq, std::chrono::milliseconds timeout);
    std::string shim_options(const Container &c) const;
    std::string bundle_dir(const std::string &id) const;
    std::string build_spec_for(const Container &c, const std::string &rootfs,
                               const std::vector<std::string> &binds) const;
    std::string container_json(const Container &c, bool size);
    void restore_one(Container c);
    void run_health_checks(const std::string &id, uint64_t start_seq);

    ContainerServiceConfig cfg_;
    images::ImageService *images_;
    std::shared_ptr<ExecClient> exec_;
    std::shared_ptr<LogClient> logs_;
    VolumeAccess volumes_;
    network::ContainerNetworking *net_ = nullptr; // see set_networking
    events::EventLog *events_ = nullptr;          // see set_events
    std::unique_ptr<ContainerStore> store_;
    // The images' shared init layers (shared_init_layers.h).
    std::unique_ptr<class SharedInitLayers> init_layers_;

    mutable std::mutex mu_; // lives_, execs_, the Live fields not under op
    std::condition_variable changed_;
    std::map<std::string, std::shared_ptr<Live>> lives_;
    std::map<std::string, std::shared_ptr<ExecInstance>> execs_;
    // One background worker runs exit handling and delayed restarts in
    // order; plugin event threads only enqueue.
    struct Task {
        std::chrono::steady_clock::time_point due;
        std::function<void()> fn;
    };
    void post(std::function<void()> fn, std::chrono::milliseconds delay = std::chrono::milliseconds(0));
    void worker_loop();
    std::vector<Task> tasks_;
    std::thread worker_;
    std::map<std::string, std::thread> health_threads_; // one checker per container
    std::vector<std::thread> retired_threads_;          // replaced checkers, joined at destruction
    bool stopping_ = false;
};

} // namespace berth::containers
