// fake_layer_driver.h — an in-memory LayerDriver for the store tests. A
// layer's "content" is the bytes apply_diff read. Failures can be injected,
// and like a careful real driver it refuses to remove a layer with
// children, so tests notice a store that removes parents first.
#pragma once

#include "images/layer_driver.h"

#include <map>
#include <mutex>
#include <set>
#include <string>

namespace berth::images::test {

class FakeLayerDriver : public LayerDriver {
public:
    struct Layer {
        std::string parent;
        bool rw = false;
        std::string content;
        int mounts = 0;
    };

    std::string name() const override { return "fake"; }
    void create(const std::string &id, const std::string &parent, bool rw,
                const LayerCreateOptions &options = {}) override;
    void remove(const std::string &id) override;
    bool exists(const std::string &id) override;
    int64_t apply_diff(const std::string &id, const std::string &parent, int tar_fd) override;
    void diff(const std::string &id, const std::string &parent, int out_fd) override;
    std::string get(const std::string &id, const std::string &mount_label = {}) override;
    void put(const std::string &id) override;

    // Inspection and fault injection (all thread-safe).
    size_t count() const;
    std::set<std::string> ids() const;
    std::string content(const std::string &id) const;
    void add_layer(const std::string &id, const std::string &parent = {}); // as if left by a crash
    // apply_diff reads this many bytes, then fails with BERTH_E_INVAL.
    void fail_apply_after(long bytes);
    // apply_diff stops reading after this many bytes and succeeds (a tar
    // whose padding the driver never reads).
    void stop_reading_after(long bytes);
    void fail_create(bool fail);
    void fail_remove(bool fail);
    int remove_calls() const;

private:
    mutable std::mutex mutex_;
    std::map<std::string, Layer> layers_;
    long fail_apply_after_ = -1;
    long stop_reading_after_ = -1;
    bool fail_create_ = false;
    bool fail_remove_ = false;
    int remove_calls_ = 0;
};

} // namespace berth::images::test
