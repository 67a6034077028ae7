// slot.h — one (kind, driver name) served by some generation. Callers take
// a Lease for each call; the lease pins the generation so nothing is retired
// under a running call. A hot swap closes the slot's gate (new leases wait),
// drains, hands state over and republishes.
#pragma once

#include "plugins/generation.h"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>

namespace berth::plugins {

// What a slot currently points at.
struct Binding {
    std::shared_ptr<Generation> generation;
    size_t driver_index = 0;
};

// Holds one call's claim on a generation. Move-only.
class Lease {
public:
    Lease() = default;
    explicit Lease(Binding binding);
    Lease(Lease &&other) noexcept;
    Lease &operator=(Lease &&other) noexcept;
    Lease(const Lease &) = delete;
    Lease &operator=(const Lease &) = delete;
    ~Lease();

    explicit operator bool() const { return static_cast<bool>(binding_.generation); }
    Generation &generation() const { return *binding_.generation; }
    berth_instance *instance() const { return binding_.generation->instance(); }
    // The driver's operation table, e.g. lease.ops<berth_storage_ops>()->create.
    template <class Ops>
    const Ops *ops() const {
        return static_cast<const Ops *>(binding_.generation->ops(binding_.driver_index));
    }
    bool threadsafe() const { return binding_.generation->threadsafe(binding_.driver_index); }
    const DriverInfo &driver() const {
        return binding_.generation->info().drivers[binding_.driver_index];
    }

private:
    void release();
    Binding binding_;
};

class NoDriver : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Slot {
public:
    Slot(uint32_t kind, std::string name) : kind_(kind), name_(std::move(name)) {}

    uint32_t kind() const { return kind_; }
    const std::string &name() const { return name_; }

    // A lease on the current generation. Waits while a swap holds the gate.
    // Throws NoDriver when the slot is empty.
    Lease acquire();
    Binding current() const;
    void publish(Binding binding);

    // Swap support: close the gate so new leases wait; reopen it.
    void close_gate();
    void open_gate();

private:
    uint32_t kind_;
    std::string name_;
    mutable std::mutex mutex_;
    std::condition_variable gate_cv_;
    bool gate_closed_ = false;
    Binding current_;
};

} // namespace berth::plugins
