// layer_locks.cpp — see layer_locks.hpp.
#include "layer_locks.hpp"

namespace berth::overlay2 {

LayerLocks::Guard::Guard(LayerLocks &owner, std::string id) : owner_(owner), id_(std::move(id)) {
    {
        std::lock_guard<std::mutex> g(owner_.mu_);
        auto &slot = owner_.entries_[id_];
        if (!slot) slot = std::make_unique<Entry>();
        ++slot->users;
        entry_ = slot.get();
    }
    lock_ = std::unique_lock<std::mutex>(entry_->mu);
}

LayerLocks::Guard::~Guard() {
    lock_.unlock();
    std::lock_guard<std::mutex> g(owner_.mu_);
    // Forget an entry nobody uses and that holds no mount: the next user
    // starts unchecked and asks the kernel again, which is the truth anyway.
    // The count is read without the entry's mutex on purpose: with users at
    // zero nobody holds or waits for it, and the last writer's update is
    // visible through mu_, which it took after unlocking.
    if (--entry_->users == 0 && entry_->mounts.count == 0) owner_.entries_.erase(id_);
}

std::vector<std::string> LayerLocks::mounted_ids() {
    std::lock_guard<std::mutex> g(mu_);
    std::vector<std::string> out;
    for (auto &[id, entry] : entries_) {
        std::lock_guard<std::mutex> e(entry->mu);
        if (entry->mounts.count > 0) out.push_back(id);
    }
    return out;
}

} // namespace berth::overlay2
