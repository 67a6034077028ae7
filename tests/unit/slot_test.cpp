// Slot leases without any plugin file: the gate makes new leases wait during
// a swap, and in-flight accounting drains.
#include "plugins/slot.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

using namespace berth::plugins;

namespace {

std::shared_ptr<Generation> fake_generation(uint64_t n) {
    DescriptorInfo info;
    info.name = "fake";
    info.version = std::to_string(n);
    info.drivers.push_back(DriverInfo{BERTH_KIND_AUTHZ, "fake", nullptr, 0, BERTH_CAP_THREADSAFE, ""});
    // No library and no init: retire() has nothing to call.
    return std::make_shared<Generation>(n, "fake.so", nullptr, nullptr, info, nullptr);
}

TEST(Slot, EmptySlotThrowsNoDriver) {
    Slot s(BERTH_KIND_AUTHZ, "fake");
    EXPECT_THROW(s.acquire(), NoDriver);
}

TEST(Slot, LeasesCountInFlightAndDrain) {
    Slot s(BERTH_KIND_AUTHZ, "fake");
    auto g = fake_generation(1);
    s.publish(Binding{g, 0});
    {
        auto a = s.acquire();
        auto b = s.acquire();
        EXPECT_EQ(g->in_flight(), 2u);
        EXPECT_FALSE(g->wait_drained(std::chrono::milliseconds(10)));
    }
    EXPECT_EQ(g->in_flight(), 0u);
    EXPECT_TRUE(g->wait_drained(std::chrono::milliseconds(10)));
}

TEST(Slot, ClosedGateHoldsNewLeasesUntilRepublished) {
    Slot s(BERTH_KIND_AUTHZ, "fake");
    auto old_gen = fake_generation(1);
    auto new_gen = fake_generation(2);
    s.publish(Binding{old_gen, 0});
    s.close_gate();
    std::atomic<uint64_t> got{0};
    std::thread t([&] { got = s.acquire().generation().number(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    EXPECT_EQ(got.load(), 0u) << "a lease was granted through a closed gate";
    s.publish(Binding{new_gen, 0});
    s.open_gate();
    t.join();
    EXPECT_EQ(got.load(), 2u);
}

TEST(Slot, MovedLeaseReleasesOnce) {
    Slot s(BERTH_KIND_AUTHZ, "fake");
    auto g = fake_generation(1);
    s.publish(Binding{g, 0});
    Lease a = s.acquire();
    Lease b = std::move(a);
    EXPECT_EQ(g->in_flight(), 1u);
    b = Lease();
    EXPECT_EQ(g->in_flight(), 0u);
}

} // namespace
