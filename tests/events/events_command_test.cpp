// `berth events` against the fake engine of tests/cli-containers: the query
// it sends (times converted as the docker CLI does, filters as JSON) and
// docker's output forms (default line, --format, {{json .}}).
#include "commands/commands.h"

#include "engine_fixture.h"

#include <CLI/CLI.hpp>

#include <chrono>

using namespace berth::cli;
using nlohmann::json;

namespace {

const char *kStart =
    R"({"status":"start","id":"c0ffee","from":"busybox","Type":"container","Action":"start",)"
    R"("Actor":{"ID":"c0ffee","Attributes":{"name":"web","image":"busybox"}},"scope":"local",)"
    R"("time":1700000000,"timeNano":1700000000123456789})";
const char *kVolume = R"({"Type":"volume","Action":"create","Actor":{"ID":"data","Attributes":{"driver":"local"}},)"
                      R"("scope":"local","time":1700000001,"timeNano":1700000001000000000})";

class EventsCommand : public EngineTest {
protected:
    int events(std::vector<std::string> args) {
        CLI::App app("berth");
        add_events_command(app, ctx_);
        args.insert(args.begin(), "events");
        std::reverse(args.begin(), args.end()); // CLI11 takes them back to front
        app.parse(args);
        return run([&] { return ctx_.action(); });
    }
    void serve_two_events() {
        on("GET /events", json_reply(std::string(kStart) + "\n" + kVolume + "\n"));
    }
    static std::string query_value(const std::string &query, const std::string &key) {
        const auto at = query.find(key + "=");
        if (at == std::string::npos) return {};
        const auto end = query.find('&', at);
        return query.substr(at + key.size() + 1, end == std::string::npos ? std::string::npos : end - at - key.size() - 1);
    }
};

} // namespace

TEST_F(EventsCommand, DefaultLineIsDockersWithSortedAttributes) {
    // The CLI prints local time, as docker's does: UTC here for a fixed text.
    ::setenv("TZ", "UTC", 1);
    ::tzset();
    serve_two_events();
    EXPECT_EQ(events({"--until", "1700000002"}), 0) << err_.str();
    EXPECT_EQ(out_.str(),
              "2023-11-14T22:13:20.123456789Z container start c0ffee (image=busybox, name=web)\n"
              "2023-11-14T22:13:21.000000000Z volume create data (driver=local)\n");
}

TEST_F(EventsCommand, FormatTemplatesSeeGoFieldNames) {
    serve_two_events();
    EXPECT_EQ(events({"--format", "{{.Type}}|{{.Action}}|{{.Actor.ID}}|{{.Status}}|{{.From}}|{{.Scope}}"}), 0)
        << err_.str();
    EXPECT_EQ(out_.str(), "container|start|c0ffee|start|busybox|local\nvolume|create|data|||local\n");
}

TEST_F(EventsCommand, JsonFormatPrintsTheDaemonsObject) {
    serve_two_events();
    EXPECT_EQ(events({"--format", "{{json .}}"}), 0) << err_.str();
    const auto nl = out_.str().find('\n');
    ASSERT_NE(nl, std::string::npos);
    const json first = json::parse(out_.str().substr(0, nl));
    EXPECT_EQ(first, json::parse(kStart));
}

TEST_F(EventsCommand, SendsTimesAndFiltersAsTheDockerCliDoes) {
    serve_two_events();
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    EXPECT_EQ(events({"--since", "10m", "--until", "2023-11-14T22:13:20Z", "-f", "type=container", "--filter",
                      "event=start"}),
              0)
        << err_.str();
    const auto req = find("GET /events");
    ASSERT_TRUE(req);
    const std::string q = req->query();
    const long long since = std::stoll(query_value(q, "since"));
    EXPECT_NEAR(static_cast<double>(since), static_cast<double>(now - 600), 5.0);
    EXPECT_EQ(query_value(q, "until"), "1700000000.000000000");
    const std::string filters = query_value(q, "filters");
    EXPECT_NE(filters.find("type"), std::string::npos) << q;
    EXPECT_NE(filters.find("container"), std::string::npos) << q;
    EXPECT_NE(filters.find("start"), std::string::npos) << q;
}

TEST_F(EventsCommand, UnixTimesPassThroughAndBadTimesAreRefused) {
    serve_two_events();
    EXPECT_EQ(events({"--since", "1700000000.5"}), 0);
    EXPECT_EQ(query_value(find("GET /events")->query(), "since"), "1700000000.5");
    EXPECT_NE(events({"--since", "yesterday"}), 0);
    EXPECT_NE(err_.str().find("failed to parse value as time or duration: \"yesterday\""), std::string::npos)
        << err_.str();
}

TEST_F(EventsCommand, DaemonErrorsAreReported) {
    on("GET /events", json_reply(R"({"message":"invalid filter 'bogus'"})", 400));
    EXPECT_EQ(events({"--filter", "bogus=1"}), 1);
    EXPECT_EQ(err_.str(), "Error response from daemon: invalid filter 'bogus'\n");
}
