#include "fake_layer_driver.h"

#include <algorithm>
#include <cerrno>
#include <unistd.h>

namespace berth::images::test {

void FakeLayerDriver::create(const std::string &id, const std::string &parent, bool rw, const LayerCreateOptions &) {
    std::lock_guard lock(mutex_);
    if (fail_create_) throw StorageError(BERTH_E_IO, "create " + id + ": injected failure");
    if (layers_.count(id)) throw StorageError(BERTH_E_EXISTS, "create " + id + ": exists");
    if (!parent.empty() && !layers_.count(parent))
        throw StorageError(BERTH_E_NOTFOUND, "create " + id + ": parent " + parent + " does not exist");
    layers_[id] = Layer{parent, rw, {}, 0};
}

void FakeLayerDriver::remove(const std::string &id) {
    std::lock_guard lock(mutex_);
    ++remove_calls_;
    if (fail_remove_) throw StorageError(BERTH_E_IO, "remove " + id + ": injected failure");
    auto it = layers_.find(id);
    if (it == layers_.end()) throw StorageError(BERTH_E_NOTFOUND, "remove " + id + ": no such layer");
    for (const auto &[other, layer] : layers_)
        if (layer.parent == id) throw StorageError(BERTH_E_BUSY, "remove " + id + ": has child " + other);
    if (it->second.mounts > 0) throw StorageError(BERTH_E_BUSY, "remove " + id + ": mounted");
    layers_.erase(it);
}

bool FakeLayerDriver::exists(const std::string &id) {
    std::lock_guard lock(mutex_);
    return layers_.count(id) != 0;
}

int64_t FakeLayerDriver::apply_diff(const std::string &id, const std::string &, int tar_fd) {
    long fail_after, stop_after;
    {
        std::lock_guard lock(mutex_);
        if (!layers_.count(id)) throw StorageError(BERTH_E_NOTFOUND, "apply " + id + ": no such layer");
        fail_after = fail_apply_after_;
        stop_after = stop_reading_after_;
    }
    std::string got;
    char buf[4096];
    for (;;) {
        if (fail_after >= 0 && long(got.size()) >= fail_after)
            throw StorageError(BERTH_E_INVAL, "apply " + id + ": bad tar entry (injected)");
        if (stop_after >= 0 && long(got.size()) >= stop_after) break;
        size_t want = sizeof buf;
        if (fail_after >= 0) want = std::min(want, size_t(fail_after - long(got.size())));
        if (stop_after >= 0) want = std::min(want, size_t(stop_after - long(got.size())));
        const ssize_t n = ::read(tar_fd, buf, want);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw StorageError(BERTH_E_IO, "apply " + id + ": read failed");
        }
        if (n == 0) break;
        got.append(buf, size_t(n));
    }
    std::lock_guard lock(mutex_);
    layers_[id].content = got;
    return int64_t(got.size());
}

void FakeLayerDriver::diff(const std::string &id, const std::string &, int out_fd) {
    const std::string c = content(id);
    size_t done = 0;
    while (done < c.size()) {
        const ssize_t n = ::write(out_fd, c.data() + done, c.size() - done);
        if (n <= 0) throw StorageError(BERTH_E_IO, "diff " + id + ": write failed");
        done += size_t(n);
    }
}

std::string FakeLayerDriver::get(const std::string &id, const std::string &) {
    std::lock_guard lock(mutex_);
    auto it = layers_.find(id);
    if (it == layers_.end()) throw StorageError(BERTH_E_NOTFOUND, "get " + id + ": no such layer");
    ++it->second.mounts;
    return "/fake/" + id;
}

void FakeLayerDriver::put(const std::string &id) {
    std::lock_guard lock(mutex_);
    auto it = layers_.find(id);
    if (it == layers_.end()) throw StorageError(BERTH_E_NOTFOUND, "put " + id + ": no such layer");
    if (it->second.mounts > 0) --it->second.mounts;
}

size_t FakeLayerDriver::count() const {
    std::lock_guard lock(mutex_);
    return layers_.size();
}

std::set<std::string> FakeLayerDriver::ids() const {
    std::lock_guard lock(mutex_);
    std::set<std::string> out;
    for (const auto &[id, layer] : layers_) out.insert(id);
    return out;
}

std::string FakeLayerDriver::content(const std::string &id) const {
    std::lock_guard lock(mutex_);
    auto it = layers_.find(id);
    if (it == layers_.end()) throw StorageError(BERTH_E_NOTFOUND, "no such layer " + id);
    return it->second.content;
}

void FakeLayerDriver::add_layer(const std::string &id, const std::string &parent) {
    std::lock_guard lock(mutex_);
    layers_[id] = Layer{parent, false, {}, 0};
}

void FakeLayerDriver::fail_apply_after(long bytes) {
    std::lock_guard lock(mutex_);
    fail_apply_after_ = bytes;
}

void FakeLayerDriver::stop_reading_after(long bytes) {
    std::lock_guard lock(mutex_);
    stop_reading_after_ = bytes;
}

void FakeLayerDriver::fail_create(bool fail) {
    std::lock_guard lock(mutex_);
    fail_create_ = fail;
}

void FakeLayerDriver::fail_remove(bool fail) {
    std::lock_guard lock(mutex_);
    fail_remove_ = fail;
}

int FakeLayerDriver::remove_calls() const {
    std::lock_guard lock(mutex_);
    return remove_calls_;
}

} // namespace berth::images::test
