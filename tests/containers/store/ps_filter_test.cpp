#include "containers/store/errors.h"
#include "containers/store/ps_filter.h"

#include <gtest/gtest.h>

using namespace berth::containers;
using namespace std::chrono;

namespace {
const TimePoint kT0 = TimePoint(seconds(1'700'000'000));

Container make(const std::string &id_char, const std::string &name, int created_s, const std::string &labels = "{}") {
    Container c;
    c.id = std::string(64, id_char[0]);
    c.name = name;
    c.created = kT0 + seconds(created_s);
    c.config_json = R"({"Labels":)" + labels + "}";
    c.image = "sha256:" + std::string(64, '9');
    c.image_name = "busybox";
    return c;
}

// a: running web, b: exited(0) db, c: exited(2) cache, d: created, e: paused
std::vector<Container> fixture() {
    Container a = make("a", "/web", 1, R"({"tier":"front","env":"prod"})");
    a.set_running(10, kT0 + seconds(1));
    Container b = make("b", "/db", 2, R"({"tier":"back"})");
    b.set_running(11, kT0 + seconds(2));
    b.set_stopped(0, kT0 + seconds(3));
    Container c = make("c", "/cache", 3);
    c.image = "sha256:" + std::string(64, '8');
    c.image_name = "redis:7";
    c.set_running(12, kT0 + seconds(3));
    c.set_stopped(2, kT0 + seconds(4));
    Container d = make("d", "/webhook", 4);
    Container e = make("e", "/worker", 5);
    e.set_running(13, kT0 + seconds(5));
    e.set_paused();
    return {a, b, c, d, e};
}

PsLookups lookups(const std::vector<Container> &all) {
    PsLookups l;
    l.resolve_container = [all](const std::string &ref) {
        for (const auto &c : all)
            if (c.id.starts_with(ref) || c.name == "/" + ref || c.name == ref) return c;
        throw NotFound("No such container: " + ref);
    };
    l.resolve_image = [](const std::string &ref) -> std::optional<std::string> {
        if (ref == "redis" || ref == "redis:7" || ref == "88888888") return "sha256:" + std::string(64, '8');
        return std::nullopt;
    };
    return l;
}

std::string names(const std::vector<Container> &v) {
    std::string out;
    for (const auto &c : v) out += (out.empty() ? "" : ",") + c.name.substr(1);
    return out;
}

std::string run(PsOptions o) {
    auto all = fixture();
    return names(filter_containers(all, o, lookups(all)));
}

PsOptions filt(std::map<std::string, std::vector<std::string>> f, bool all = false) {
    PsOptions o;
    o.all = all;
    o.filters = std::move(f);
    return o;
}
} // namespace

TEST(PsFilter, DefaultIsRunningNewestFirst) {
    EXPECT_EQ(run({}), "worker,web");
    PsOptions o;
    o.all = true;
    EXPECT_EQ(run(o), "worker,webhook,cache,db,web");
}

TEST(PsFilter, LimitImpliesAll) {
    PsOptions o;
    o.limit = 2;
    EXPECT_EQ(run(o), "worker,webhook");
}

TEST(PsFilter, StatusImpliesAllAndIsValidated) {
    EXPECT_EQ(run(filt({{"status", {"exited"}}})), "cache,db");
    EXPECT_EQ(run(filt({{"status", {"created", "paused"}}})), "worker,webhook");
    EXPECT_EQ(run(filt({{"status", {"running"}}})), "web");
    try {
        run(filt({{"status", {"sleeping"}}}));
        FAIL();
    } catch (const InvalidArgument &e) {
        EXPECT_EQ(std::string(e.what()), "invalid filter 'status=sleeping'");
    }
}

TEST(PsFilter, NameIsUnanchoredRegexp) {
    EXPECT_EQ(run(filt({{"name", {"web"}}}, true)), "webhook,web");
    EXPECT_EQ(run(filt({{"name", {"^/web$"}}}, true)), "web");
    EXPECT_EQ(run(filt({{"name", {"w.rk"}}}, true)), "worker");
    EXPECT_EQ(run(filt({{"name", {"db", "cache"}}}, true)), "cache,db");
    EXPECT_EQ(run(filt({{"name", {"(["}}}, true)), ""); // bad regexp: exact match only
}

TEST(PsFilter, IdPrefix) {
    EXPECT_EQ(run(filt({{"id", {"bbb"}}}, true)), "db");
    EXPECT_EQ(run(filt({{"id", {std::string(64, 'c')}}}, true)), "cache");
    EXPECT_EQ(run(filt({{"id", {"xyz"}}}, true)), "");
}

TEST(PsFilter, LabelsAllMustMatch) {
    EXPECT_EQ(run(filt({{"label", {"tier"}}}, true)), "db,web");
    EXPECT_EQ(run(filt({{"label", {"tier=back"}}}, true)), "db");
    EXPECT_EQ(run(filt({{"label", {"tier=front", "env=prod"}}}, true)), "web");
    EXPECT_EQ(run(filt({{"label", {"tier=front", "env=dev"}}}, true)), "");
}

TEST(PsFilter, AncestorByNameOrImageId) {
    EXPECT_EQ(run(filt({{"ancestor", {"redis"}}}, true)), "cache");
    EXPECT_EQ(run(filt({{"ancestor", {"busybox"}}}, true)), "worker,webhook,db,web");
    EXPECT_EQ(run(filt({{"ancestor", {"88888888"}}}, true)), "cache");
    EXPECT_EQ(run(filt({{"ancestor", {"nothing"}}}, true)), "");
}

TEST(PsFilter, ExitedCodes) {
    EXPECT_EQ(run(filt({{"exited", {"0"}}}, true)), "db");
    EXPECT_EQ(run(filt({{"exited", {"0", "2"}}}, true)), "cache,db");
    EXPECT_EQ(run(filt({{"exited", {"0"}}})), ""); // like moby: exited needs -a
    EXPECT_THROW(run(filt({{"exited", {"x"}}}, true)), InvalidArgument);
    EXPECT_THROW(run(filt({{"exited", {"1x"}}}, true)), InvalidArgument);
}

TEST(PsFilter, BeforeAndSince) {
    EXPECT_EQ(run(filt({{"before", {"cache"}}})), "db,web");
    EXPECT_EQ(run(filt({{"since", {"cache"}}})), "worker,webhook");
    EXPECT_EQ(run(filt({{"since", {"db"}}, {"before", {"worker"}}})), "webhook,cache");
    EXPECT_THROW(run(filt({{"since", {"ghost"}}})), NotFound);
}

TEST(PsFilter, HealthAndUnknownKeys) {
    EXPECT_EQ(run(filt({{"health", {"none"}}})), "worker,web");
    EXPECT_THROW(run(filt({{"health", {"sick"}}})), InvalidArgument);
    try {
        run(filt({{"colour", {"blue"}}}));
        FAIL();
    } catch (const InvalidArgument &e) {
        EXPECT_EQ(std::string(e.what()), "invalid filter 'colour'");
    }
}

TEST(PsFilter, KeysCombineWithAnd) {
    EXPECT_EQ(run(filt({{"status", {"exited"}}, {"name", {"db"}}})), "db");
    EXPECT_EQ(run(filt({{"status", {"running"}}, {"label", {"tier=back"}}})), "");
}
