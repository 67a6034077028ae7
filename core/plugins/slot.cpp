#include "plugins/slot.h"

namespace berth::plugins {

Lease::Lease(Binding binding) : binding_(std::move(binding)) {}

Lease::Lease(Lease &&other) noexcept : binding_(std::move(other.binding_)) {
    other.binding_ = Binding{};
}

Lease &Lease::operator=(Lease &&other) noexcept {
    if (this != &other) {
        release();
        binding_ = std::move(other.binding_);
        other.binding_ = Binding{};
    }
    return *this;
}

Lease::~Lease() { release(); }

void Lease::release() {
    if (binding_.generation) {
        binding_.generation->leave();
        binding_.generation.reset();
    }
}

Lease Slot::acquire() {
    std::unique_lock lock(mutex_);
    gate_cv_.wait(lock, [&] { return !gate_closed_; });
    if (!current_.generation)
        throw NoDriver(name_ + ": no plugin serves this driver");
    // enter() under the mutex: a swap that closes the gate afterwards sees
    // this call in the in-flight count and waits for it.
    current_.generation->enter();
    return Lease(current_);
}

Binding Slot::current() const {
    std::lock_guard lock(mutex_);
    return current_;
}

void Slot::publish(Binding binding) {
    std::lock_guard lock(mutex_);
    current_ = std::move(binding);
}

void Slot::close_gate() {
    std::lock_guard lock(mutex_);
    gate_closed_ = true;
}

void Slot::open_gate() {
    {
        std::lock_guard lock(mutex_);
        gate_closed_ = false;
    }
    gate_cv_.notify_all();
}

} // namespace berth::plugins
