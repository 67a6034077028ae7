// GET /events through the router: the wire form (legacy fields for
// container and image events only), since/until, filters and their errors.
#include "api/event_routes.h"
#include "events/event_log.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <thread>

namespace berth::api {
namespace {

using nlohmann::json;

class CollectingStream : public ResponseStream {
public:
    bool write(std::string_view data) override {
        text.append(data);
        return true;
    }
    size_t read_some(char *, size_t) override { return 0; }
    std::string text;
};

std::vector<json> lines(const std::string &text) {
    std::vector<json> out;
    size_t start = 0;
    for (size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
        out.push_back(json::parse(text.substr(start, nl - start)));
    return out;
}

struct EventRoutes : ::testing::Test {
    events::EventLog log;
    Router router;
    void SetUp() override { add_event_routes(router, log); }

    Response get(const std::string &target) {
        Request req;
        req.method = "GET";
        req.target = target;
        return router.dispatch(req);
    }
    std::vector<json> stream(const std::string &target) {
        Response res = get(target);
        EXPECT_EQ(res.status, 200) << res.body;
        CollectingStream out;
        if (res.stream) res.stream(out);
        return lines(out.text);
    }
    // "<seconds>.<nine digits>", as the docker CLI sends times.
    static std::string secs(int64_t ns) {
        char text[48];
        std::snprintf(text, sizeof text, "%lld.%09lld", static_cast<long long>(ns / 1000000000),
                      static_cast<long long>(ns % 1000000000));
        return text;
    }
};

TEST_F(EventRoutes, WireFormWithLegacyFieldsForContainersAndImages) {
    const int64_t t0 = events::unix_nanos_now();
    log.log("container", "start", "c0ffee", {{"image", "busybox"}, {"name", "x"}});
    log.log("image", "tag", "sha256:ab", {{"name", "busybox:t"}});
    log.log("network", "create", "n1", {{"name", "net"}, {"type", "bridge"}});
    const auto got = stream("/events?since=" + secs(t0) + "&until=" + secs(events::unix_nanos_now()));
    ASSERT_EQ(got.size(), 3u);
    const json &c = got[0];
    EXPECT_EQ(c["status"], "start");
    EXPECT_EQ(c["id"], "c0ffee");
    EXPECT_EQ(c["from"], "busybox");
    EXPECT_EQ(c["Type"], "container");
    EXPECT_EQ(c["Action"], "start");
    EXPECT_EQ(c["Actor"]["ID"], "c0ffee");
    EXPECT_EQ(c["Actor"]["Attributes"]["name"], "x");
    EXPECT_EQ(c["scope"], "local");
    EXPECT_GE(c["timeNano"].get<int64_t>(), t0);
    EXPECT_EQ(c["time"].get<int64_t>(), c["timeNano"].get<int64_t>() / 1000000000);
    EXPECT_EQ(got[1]["status"], "tag");
    EXPECT_EQ(got[1]["id"], "sha256:ab");
    EXPECT_FALSE(got[1].contains("from"));
    EXPECT_FALSE(got[2].contains("status"));
    EXPECT_FALSE(got[2].contains("id"));
    EXPECT_EQ(got[2]["Actor"]["Attributes"]["type"], "bridge");
}

TEST_F(EventRoutes, UntilInThePastEndsAfterTheReplayAndFiltersApply) {
    const int64_t t0 = events::unix_nanos_now();
    log.log("container", "create", "c1", {{"name", "a"}});
    log.log("container", "start", "c1", {{"name", "a"}});
    log.log("volume", "create", "v1", {{"driver", "local"}});
    const std::string until = secs(events::unix_nanos_now());
    log.log("container", "stop", "c1", {{"name", "a"}}); // after until
    const auto all = stream("/events?since=" + secs(t0) + "&until=" + until);
    ASSERT_EQ(all.size(), 3u);
    const auto starts = stream("/events?since=" + secs(t0) + "&until=" + until +
                               "&filters=" + "%7B%22event%22%3A%7B%22start%22%3Atrue%7D%7D");
    ASSERT_EQ(starts.size(), 1u);
    EXPECT_EQ(starts[0]["Action"], "start");
}

TEST_F(EventRoutes, UntilInTheFutureStreamsLiveEventsThenEnds) {
    const int64_t until = events::unix_nanos_now() + 700'000'000;
    Response res = get("/events?until=" + secs(until));
    ASSERT_TRUE(res.stream);
    std::thread publisher([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        log.log("container", "die", "c1", {{"exitCode", "0"}});
    });
    CollectingStream out;
    const auto started = std::chrono::steady_clock::now();
    res.stream(out);
    publisher.join();
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    const auto got = lines(out.text);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0]["Action"], "die");
    EXPECT_EQ(log.subscriber_count(), 0u);
}

TEST_F(EventRoutes, BadFilterNameIsA400WithDockersMessage) {
    const Response res = get("/events?filters=%7B%22bogus%22%3A%7B%22x%22%3Atrue%7D%7D");
    EXPECT_EQ(res.status, 400);
    EXPECT_EQ(json::parse(res.body)["message"], "invalid filter 'bogus'");
}

TEST_F(EventRoutes, SinceAfterUntilIsRefused) {
    const Response res = get("/events?since=200&until=100");
    EXPECT_EQ(res.status, 400);
    EXPECT_NE(json::parse(res.body)["message"].get<std::string>().find("cannot be after"), std::string::npos);
}

TEST(EventTime, SecondsNanosAndRfc3339) {
    EXPECT_EQ(parse_event_time("", "since"), 0);
    EXPECT_EQ(parse_event_time("1700000000", "since"), 1700000000LL * 1000000000);
    EXPECT_EQ(parse_event_time("1700000000.5", "since"), 1700000000LL * 1000000000 + 500000000);
    EXPECT_EQ(parse_event_time("1700000000.000000001", "since"), 1700000000LL * 1000000000 + 1);
    EXPECT_EQ(parse_event_time("2023-11-14T22:13:20Z", "since"), 1700000000LL * 1000000000);
    EXPECT_THROW(parse_event_time("soon", "since"), ApiError);
    EXPECT_THROW(parse_event_time("12x", "until"), ApiError);
}

} // namespace
} // namespace berth::api
