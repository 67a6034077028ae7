#include "plugins/generation.h"

#include "plugins/resident_libraries.h"

#include <berth/authz.h>
#include <berth/exec.h>
#include <berth/log.h>
#include <berth/network.h>
#include <berth/storage.h>

#include <algorithm>
#include <cstring>

namespace berth::plugins {
namespace {

// The host's own size of each kind's table: copies are made this large.
size_t host_ops_size(uint32_t kind) {
    switch (kind) {
    case BERTH_KIND_STORAGE: return sizeof(berth_storage_ops);
    case BERTH_KIND_NETWORK: return sizeof(berth_network_ops);
    case BERTH_KIND_EXEC: return sizeof(berth_exec_ops);
    case BERTH_KIND_LOG: return sizeof(berth_log_ops);
    case BERTH_KIND_AUTHZ: return sizeof(berth_authz_ops);
    default: return 0;
    }
}

} // namespace

Generation::Generation(uint64_t number, std::filesystem::path path, std::shared_ptr<void> library,
                       const berth_plugin_descriptor *descriptor, DescriptorInfo info,
                       std::unique_ptr<HostServices> services)
    : number_(number), path_(std::move(path)), library_(std::move(library)), descriptor_(descriptor),
      info_(std::move(info)), services_(std::move(services)) {
    for (const auto &d : info_.drivers) {
        std::vector<unsigned char> copy(std::max<size_t>(host_ops_size(d.kind), sizeof(uint32_t)), 0);
        if (d.ops != nullptr)
            std::memcpy(copy.data(), d.ops, std::min<size_t>(copy.size(), d.ops_size));
        ops_copies_.push_back(std::move(copy));
    }
}

Generation::~Generation() {
    retire();
    services_.reset();
    // Without BERTH_CAP_UNLOADABLE the code stays mapped for the life of the
    // process: a plugin thread or handler we do not know of may still point
    // into it (the lesson PostgreSQL and GStreamer learnt).
    bool unloadable = !info_.drivers.empty();
    for (const auto &d : info_.drivers) unloadable = unloadable && (d.caps & BERTH_CAP_UNLOADABLE);
    if (!unloadable) keep_resident(std::move(library_));
}

int32_t Generation::init(const std::string &config_json, std::string &message) {
    if (!create_service_dirs(*services_, message)) return BERTH_E_IO;
    berth_call call;
    berth_instance *inst = nullptr;
    int32_t rc = descriptor_->init(&services_->table, config_json.c_str(), &inst, &call);
    if (rc == BERTH_OK && inst == nullptr) {
        rc = BERTH_E_INTERNAL;
        call.message = "init returned OK without an instance";
    }
    if (rc != BERTH_OK) {
        message = describe_failure(call, rc);
        return rc;
    }
    instance_ = inst;
    initialised_ = true;
    return BERTH_OK;
}

void Generation::retire() {
    if (retired_.exchange(true)) return;
    if (initialised_) descriptor_->fini(instance_);
    instance_ = nullptr;
}

const std::filesystem::path &Generation::home_dir() const { return services_->home_dir; }

bool Generation::threadsafe(size_t driver_index) const {
    return info_.drivers[driver_index].caps & BERTH_CAP_THREADSAFE;
}

void Generation::enter() { in_flight_.fetch_add(1); }

void Generation::leave() {
    if (in_flight_.fetch_sub(1) == 1) {
        std::lock_guard lock(drain_mutex_);
        drained_.notify_all();
    }
}

bool Generation::wait_drained(std::chrono::milliseconds timeout) {
    std::unique_lock lock(drain_mutex_);
    return drained_.wait_for(lock, timeout, [&] { return in_flight_.load() == 0; });
}

} // namespace berth::plugins
