#include "images/plugin_layer_driver.h"

#include "images/unique_fd.h"
#include "plugins/call_executor.h"
#include "plugins/host_services.h"

#include <berth/storage.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>

namespace berth::images {
namespace {

using plugins::Lease;

// Bodies may outlive the caller (a timed-out call keeps running on its
// worker), so they capture copies and write results through shared_ptrs.
template <class Fn> plugins::CallExecutor::Body storage_body(const char *op, Fn fn) {
    return [op, fn = std::move(fn)](const Lease &lease, berth_call *call) -> int32_t {
        const auto *ops = lease.ops<berth_storage_ops>();
        return fn(*ops, lease.instance(), call, op);
    };
}

int32_t not_supported(berth_call *call, const char *op) {
    call->message = std::string("operation ") + op + " is not provided by this driver";
    return BERTH_E_NOTSUP;
}

// Take an output string the plugin allocated with host->alloc (malloc).
std::string adopt(char *text) {
    if (text == nullptr) return {};
    std::string out = text;
    std::free(text);
    return out;
}

const char *opt_parent(const std::string &parent) { return parent.empty() ? nullptr : parent.c_str(); }

// One call; a failure becomes StorageError("storage driver <name>: <op>
// <id>: <STATUS>: <message>") so logs and API errors name all four.
template <class Fn>
void run_call(plugins::CallExecutor &executor, plugins::Slot &slot, const char *op, const std::string &id,
              std::chrono::milliseconds timeout, Fn fn) {
    const auto res = executor.run(slot, storage_body(op, std::move(fn)), timeout);
    if (res.code != BERTH_OK)
        throw StorageError(res.code, "storage driver " + slot.name() + ": " + op + " " + id + ": " + res.message);
}

} // namespace

PluginLayerDriver::PluginLayerDriver(std::shared_ptr<plugins::Slot> slot, plugins::CallExecutor &executor)
    : PluginLayerDriver(std::move(slot), executor, Timeouts{}) {}

PluginLayerDriver::PluginLayerDriver(std::shared_ptr<plugins::Slot> slot, plugins::CallExecutor &executor,
                                     Timeouts timeouts)
    : slot_(std::move(slot)), executor_(executor), timeouts_(timeouts) {
    if (!slot_) throw InternalError("storage driver: no plugin slot");
}

std::string PluginLayerDriver::name() const { return slot_->name(); }

void PluginLayerDriver::create(const std::string &id, const std::string &parent, bool rw,
                               const LayerCreateOptions &options) {
    run_call(executor_, *slot_, "create", id, timeouts_.heavy,
             [id, parent, rw, options](const berth_storage_ops &ops, berth_instance *self, berth_call *call,
                                       const char *op) -> int32_t {
                 if (ops.create == nullptr) return not_supported(call, op);
                 berth_storage_create_opts o{};
                 o.struct_size = sizeof o;
                 o.rw = rw ? 1 : 0;
                 o.mount_label = options.mount_label.empty() ? nullptr : options.mount_label.c_str();
                 o.storage_opts_json = options.storage_opts_json.empty() ? nullptr : options.storage_opts_json.c_str();
                 return ops.create(self, call, id.c_str(), opt_parent(parent), &o);
             });
}

void PluginLayerDriver::remove(const std::string &id) {
    run_call(executor_, *slot_, "remove", id, timeouts_.heavy,
             [id](const berth_storage_ops &ops, berth_instance *self, berth_call *call, const char *op) -> int32_t {
                 if (ops.remove == nullptr) return not_supported(call, op);
                 return ops.remove(self, call, id.c_str());
             });
}

bool PluginLayerDriver::exists(const std::string &id) {
    auto out = std::make_shared<int32_t>(0);
    run_call(
        executor_, *slot_, "exists", id, timeouts_.quick,
        [id, out](const berth_storage_ops &ops, berth_instance *self, berth_call *call, const char *op) -> int32_t {
            if (ops.exists == nullptr) return not_supported(call, op);
            return ops.exists(self, call, id.c_str(), out.get());
        });
    return *out != 0;
}

int64_t PluginLayerDriver::apply_diff(const std::string &id, const std::string &parent, int tar_fd) {
    // The plugin reads its own duplicate: if the call times out and the
    // caller closes tar_fd, the still-running plugin never reads a number
    // that now belongs to some other file.
    auto fd = std::make_shared<UniqueFd>(::fcntl(tar_fd, F_DUPFD_CLOEXEC, 0));
    if (!*fd) throw StorageError(BERTH_E_IO, "apply_diff " + id + ": dup: " + std::strerror(errno));
    auto out = std::make_shared<int64_t>(0);
    run_call(executor_, *slot_, "apply_diff", id, timeouts_.stream,
             [id, parent, fd, out](const berth_storage_ops &ops, berth_instance *self, berth_call *call,
                                   const char *op) -> int32_t {
                 if (ops.apply_diff == nullptr) return not_supported(call, op);
                 return ops.apply_diff(self, call, id.c_str(), opt_parent(parent), fd->get(), out.get());
             });
    return *out;
}

void PluginLayerDriver::diff(const std::string &id, const std::string &parent, int out_fd) {
    auto fd = std::make_shared<UniqueFd>(::fcntl(out_fd, F_DUPFD_CLOEXEC, 0));
    if (!*fd) throw StorageError(BERTH_E_IO, "diff " + id + ": dup: " + std::strerror(errno));
    run_call(executor_, *slot_, "diff", id, timeouts_.stream,
             [id, parent, fd](const berth_storage_ops &ops, berth_instance *self, berth_call *call,
                              const char *op) -> int32_t {
                 if (ops.diff == nullptr) return not_supported(call, op);
                 return ops.diff(self, call, id.c_str(), opt_parent(parent), fd->get());
             });
}

std::string PluginLayerDriver::get(const std::string &id, const std::string &mount_label) {
    auto out = std::make_shared<std::string>();
    run_call(executor_, *slot_, "get", id, timeouts_.quick,
             [id, mount_label, out](const berth_storage_ops &ops, berth_instance *self, berth_call *call,
                                    const char *op) -> int32_t {
                 if (ops.get == nullptr) return not_supported(call, op);
                 char *path = nullptr;
                 const int32_t rc =
                     ops.get(self, call, id.c_str(), mount_label.empty() ? nullptr : mount_label.c_str(), &path);
                 *out = adopt(path);
                 return rc;
             });
    return *out;
}

void PluginLayerDriver::put(const std::string &id) {
    run_call(executor_, *slot_, "put", id, timeouts_.quick,
             [id](const berth_storage_ops &ops, berth_instance *self, berth_call *call, const char *op) -> int32_t {
                 if (ops.put == nullptr) return not_supported(call, op);
                 return ops.put(self, call, id.c_str());
             });
}

int64_t PluginLayerDriver::diff_size(const std::string &id, const std::string &parent) {
    auto out = std::make_shared<int64_t>(0);
    run_call(executor_, *slot_, "diff_size", id, timeouts_.heavy,
             [id, parent, out](const berth_storage_ops &ops, berth_instance *self, berth_call *call,
                               const char *op) -> int32_t {
                 if (ops.diff_size == nullptr) return not_supported(call, op);
                 return ops.diff_size(self, call, id.c_str(), opt_parent(parent), out.get());
             });
    return *out;
}

std::string PluginLayerDriver::metadata_json(const std::string &id) {
    auto out = std::make_shared<std::string>();
    run_call(
        executor_, *slot_, "metadata", id, timeouts_.quick,
        [id, out](const berth_storage_ops &ops, berth_instance *self, berth_call *call, const char *op) -> int32_t {
            if (ops.metadata == nullptr) return not_supported(call, op);
            char *text = nullptr;
            const int32_t rc = ops.metadata(self, call, id.c_str(), &text);
            *out = adopt(text);
            return rc;
        });
    return *out;
}

std::string PluginLayerDriver::changes_json(const std::string &id, const std::string &parent) {
    auto out = std::make_shared<std::string>();
    run_call(executor_, *slot_, "changes", id, timeouts_.heavy,
             [id, parent, out](const berth_storage_ops &ops, berth_instance *self, berth_call *call,
                               const char *op) -> int32_t {
                 if (ops.changes == nullptr) return not_supported(call, op);
                 char *text = nullptr;
                 const int32_t rc = ops.changes(self, call, id.c_str(), opt_parent(parent), &text);
                 *out = adopt(text);
                 return rc;
             });
    return *out;
}

} // namespace berth::images
