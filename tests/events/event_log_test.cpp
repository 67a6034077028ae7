// The event log: ring size, since/until replay, live delivery, independent
// and slow subscribers, close().
#include "events/event_log.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace berth::events {
namespace {

using namespace std::chrono_literals;

Event at(int64_t nanos, const std::string &action, const std::string &type = "container") {
    Event e;
    e.type = type;
    e.action = action;
    e.actor_id = "c1";
    e.time_nano = nanos;
    return e;
}

std::chrono::steady_clock::time_point soon() { return std::chrono::steady_clock::now() + 2s; }

TEST(EventLog, PublishStampsTimeAndScope) {
    EventLog log;
    const int64_t before = unix_nanos_now();
    log.log("container", "start", "abc", {{"name", "x"}});
    const auto recent = log.recent();
    ASSERT_EQ(recent.size(), 1u);
    EXPECT_GE(recent[0].time_nano, before);
    EXPECT_LE(recent[0].time_nano, unix_nanos_now());
    EXPECT_EQ(recent[0].scope, "local");
    EXPECT_EQ(recent[0].attributes.at("name"), "x");
}

TEST(EventLog, RingKeepsTheLast256) {
    EventLog log;
    for (int i = 1; i <= 300; ++i) log.publish(at(i, "a" + std::to_string(i)));
    const auto recent = log.recent();
    ASSERT_EQ(recent.size(), EventLog::kRingSize);
    EXPECT_EQ(recent.front().action, "a45");
    EXPECT_EQ(recent.back().action, "a300");
}

TEST(EventLog, NoReplayWithoutSinceOrUntil) {
    EventLog log;
    log.publish(at(10, "old"));
    auto sub = log.subscribe(0, 0, {});
    EXPECT_TRUE(sub->past().empty());
}

TEST(EventLog, SinceAndUntilSelectTheWindowInOrder) {
    EventLog log;
    for (int i = 1; i <= 10; ++i) log.publish(at(i * 100, "e" + std::to_string(i)));
    auto sub = log.subscribe(300, 700, {});
    ASSERT_EQ(sub->past().size(), 5u);
    EXPECT_EQ(sub->past().front().action, "e3");
    EXPECT_EQ(sub->past().back().action, "e7");
    auto since_only = log.subscribe(900, 0, {});
    ASSERT_EQ(since_only->past().size(), 2u);
    EXPECT_EQ(since_only->past()[0].action, "e9");
    auto until_only = log.subscribe(0, 250, {});
    ASSERT_EQ(until_only->past().size(), 2u);
    EXPECT_EQ(until_only->past()[1].action, "e2");
}

TEST(EventLog, ReplayAppliesTheFilter) {
    EventLog log;
    log.publish(at(1, "start"));
    log.publish(at(2, "create", "network"));
    log.publish(at(3, "die"));
    auto sub = log.subscribe(1, 0, EventFilter(EventFilter::Values{{"type", {"network"}}}));
    ASSERT_EQ(sub->past().size(), 1u);
    EXPECT_EQ(sub->past()[0].action, "create");
}

TEST(EventLog, LiveEventsReachEverySubscriber) {
    EventLog log;
    auto a = log.subscribe(0, 0, {});
    auto b = log.subscribe(0, 0, EventFilter(EventFilter::Values{{"event", {"stop"}}}));
    EXPECT_EQ(log.subscriber_count(), 2u);
    std::thread publisher([&] {
        std::this_thread::sleep_for(50ms);
        log.log("container", "start", "c1");
        log.log("container", "stop", "c1");
    });
    auto first = a->next(soon());
    auto second = a->next(soon());
    auto only = b->next(soon());
    publisher.join();
    ASSERT_TRUE(first && second && only);
    EXPECT_EQ(first->action, "start");
    EXPECT_EQ(second->action, "stop");
    EXPECT_EQ(only->action, "stop");
    EXPECT_FALSE(b->next(std::chrono::steady_clock::now() + 20ms));
    EXPECT_FALSE(b->ended());
}

TEST(EventLog, LiveEventsAfterUntilAreNotDelivered) {
    EventLog log;
    const int64_t until = unix_nanos_now() - 1;
    auto sub = log.subscribe(0, until, {});
    log.log("container", "start", "c1");
    EXPECT_FALSE(sub->next(std::chrono::steady_clock::now() + 20ms));
}

TEST(EventLog, DestroyingASubscriptionUnsubscribes) {
    EventLog log;
    {
        auto sub = log.subscribe(0, 0, {});
        EXPECT_EQ(log.subscriber_count(), 1u);
    }
    EXPECT_EQ(log.subscriber_count(), 0u);
    log.log("container", "start", "c1"); // no one to deliver to: must not crash
}

TEST(EventLog, CancelWakesAWaitingReader) {
    EventLog log;
    auto sub = log.subscribe(0, 0, {});
    std::thread canceller([&] {
        std::this_thread::sleep_for(50ms);
        sub->cancel();
    });
    const auto started = std::chrono::steady_clock::now();
    EXPECT_FALSE(sub->next(std::chrono::steady_clock::now() + 10s));
    canceller.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s);
    EXPECT_TRUE(sub->ended());
    EXPECT_FALSE(sub->dropped());
    EXPECT_EQ(log.subscriber_count(), 0u);
}

TEST(EventLog, SlowSubscriberIsDroppedWithoutBlockingPublish) {
    EventLog log;
    auto slow = log.subscribe(0, 0, {});
    auto fast = log.subscribe(0, 0, EventFilter(EventFilter::Values{{"event", {"last"}}}));
    const auto started = std::chrono::steady_clock::now();
    for (size_t i = 0; i < EventLog::kQueueLimit + 10; ++i) log.log("container", "tick", "c1");
    log.log("container", "last", "c1");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 5s); // never waited for the reader
    EXPECT_TRUE(slow->dropped());
    EXPECT_TRUE(slow->ended());
    EXPECT_FALSE(slow->next(std::chrono::steady_clock::now() + 20ms)); // its stale queue is gone
    EXPECT_EQ(log.subscriber_count(), 1u);
    auto e = fast->next(soon());
    ASSERT_TRUE(e);
    EXPECT_EQ(e->action, "last");
    EXPECT_FALSE(fast->dropped());
}

TEST(EventLog, CloseEndsSubscriptionsAfterWhatIsQueued) {
    EventLog log;
    auto sub = log.subscribe(0, 0, {});
    log.log("container", "start", "c1");
    log.close();
    auto e = sub->next(soon());
    ASSERT_TRUE(e);
    EXPECT_EQ(e->action, "start");
    EXPECT_FALSE(sub->next(soon()));
    EXPECT_TRUE(sub->ended());
    auto late = log.subscribe(0, 0, {});
    EXPECT_TRUE(late->ended());
}

} // namespace
} // namespace berth::events
