// plugin_layer_driver.h — LayerDriver over the selected storage plugin:
// every operation is one berth_storage_ops call run through the
// CallExecutor (on its worker pool, under a lease, with a deadline), and a
// failure becomes StorageError carrying the BERTH_E_* code and the plugin's
// message. Daemon wiring:
//   auto slot = ctx.plugins->slot(BERTH_KIND_STORAGE, ctx.storage.driver);
//   auto driver = std::make_shared<PluginLayerDriver>(slot, *ctx.executor);
#pragma once

#include "images/layer_driver.h"

#include <chrono>
#include <memory>

namespace berth::plugins {
class Slot;
class CallExecutor;
} // namespace berth::plugins

namespace berth::images {

class PluginLayerDriver final : public LayerDriver {
public:
    struct Timeouts {
        std::chrono::milliseconds quick{60000};        // exists, status-like calls, get/put
        std::chrono::milliseconds heavy{10 * 60000};   // create, remove (a big layer takes a while)
        std::chrono::milliseconds stream{6 * 3600000}; // apply_diff, diff: multi-GB layers
    };

    // slot must not be null; executor must outlive this object.
    PluginLayerDriver(std::shared_ptr<plugins::Slot> slot, plugins::CallExecutor &executor);
    PluginLayerDriver(std::shared_ptr<plugins::Slot> slot, plugins::CallExecutor &executor, Timeouts timeouts);

    std::string name() const override;
    void create(const std::string &id, const std::string &parent, bool rw,
                const LayerCreateOptions &options = {}) override;
    void remove(const std::string &id) override;
    bool exists(const std::string &id) override;
    int64_t apply_diff(const std::string &id, const std::string &parent, int tar_fd) override;
    void diff(const std::string &id, const std::string &parent, int out_fd) override;
    std::string get(const std::string &id, const std::string &mount_label = {}) override;
    void put(const std::string &id) override;
    int64_t diff_size(const std::string &id, const std::string &parent) override;
    std::string metadata_json(const std::string &id) override;
    std::string changes_json(const std::string &id, const std::string &parent) override;

private:
    std::shared_ptr<plugins::Slot> slot_;
    plugins::CallExecutor &executor_;
    Timeouts timeouts_;
};

} // namespace berth::images
