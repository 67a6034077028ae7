// The host services a plugin sees: error slot, allocation, the crash-safe
// per-plugin state store and cancellation.
#include "plugins/host_services.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

using namespace berth::plugins;

namespace {

class HostServicesTest : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/berth-unit-host-XXXXXX";
        dir = mkdtemp(tmpl);
        services = make_host_services("demo", "9.9.9", dir / "home", dir / "run", dir / "state", events);
        std::string error;
        ASSERT_TRUE(create_service_dirs(*services, error)) << error;
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
    const berth_host *host() const { return &services->table; }
    std::filesystem::path dir;
    EventSink events;
    std::unique_ptr<HostServices> services;
};

TEST_F(HostServicesTest, DirectoriesAreMadeOnlyWhenAsked) {
    auto lazy = make_host_services("lazy", "1", dir / "lazy-home", dir / "lazy-run", dir / "lazy-state", events);
    EXPECT_FALSE(std::filesystem::exists(dir / "lazy-home")) << "a plugin never started must leave nothing";
}

TEST_F(HostServicesTest, TableDescribesItself) {
    EXPECT_EQ(host()->struct_size, sizeof(berth_host));
    EXPECT_EQ(host()->abi_minor, BERTH_ABI_MINOR);
    EXPECT_STREQ(host()->host_version, "9.9.9");
    EXPECT_TRUE(std::filesystem::is_directory(host()->home_dir));
    EXPECT_TRUE(std::filesystem::is_directory(host()->run_dir));
}

TEST_F(HostServicesTest, ErrSetRecordsCodeAndFormattedMessage) {
    berth_call call;
    EXPECT_EQ(host()->err_set(&call, BERTH_E_NOTFOUND, "no layer %s", "abc"), BERTH_E_NOTFOUND);
    EXPECT_EQ(call.code, BERTH_E_NOTFOUND);
    EXPECT_EQ(describe_failure(call, BERTH_E_NOTFOUND), "NOTFOUND: no layer abc");
}

TEST_F(HostServicesTest, StrdupNTerminatesAndCopies) {
    char *s = host()->strdup_n(host(), "abcdef", 3);
    EXPECT_STREQ(s, "abc");
    host()->free(host(), s);
}

TEST_F(HostServicesTest, StateRoundTripsAndDeletes) {
    ASSERT_EQ(host()->state_put(host(), "bridge.json", "{\"a\":1}", 7), BERTH_OK);
    void *out = nullptr;
    size_t len = 0;
    ASSERT_EQ(host()->state_get(host(), "bridge.json", &out, &len), BERTH_OK);
    EXPECT_EQ(std::string(static_cast<char *>(out), len), "{\"a\":1}");
    host()->free(host(), out);
    ASSERT_EQ(host()->state_put(host(), "bridge.json", nullptr, 0), BERTH_OK);
    EXPECT_EQ(host()->state_get(host(), "bridge.json", &out, &len), BERTH_E_NOTFOUND);
}

TEST_F(HostServicesTest, StateKeysCannotEscapeTheStore) {
    EXPECT_EQ(host()->state_put(host(), "../evil", "x", 1), BERTH_E_INVAL);
    EXPECT_EQ(host()->state_put(host(), "a/b", "x", 1), BERTH_E_INVAL);
    EXPECT_EQ(host()->state_put(host(), "..", "x", 1), BERTH_E_INVAL);
    EXPECT_FALSE(std::filesystem::exists(dir / "evil"));
}

TEST_F(HostServicesTest, CancellationAndDeadline) {
    berth_call call;
    EXPECT_EQ(host()->is_cancelled(&call), 0);
    call.cancelled = true;
    EXPECT_EQ(host()->is_cancelled(&call), 1);
    berth_call late;
    late.deadline_ns = 1; // long past
    EXPECT_EQ(host()->is_cancelled(&late), 1);
    EXPECT_EQ(host()->deadline(&late), 1);
}

TEST_F(HostServicesTest, EventsReachTheSink) {
    std::string got;
    auto s = make_host_services("evt", "1", dir / "h2", dir / "r2", dir / "s2",
                                [&](const std::string &p, const std::string &k, const std::string &j) {
                                    got = p + "|" + k + "|" + j;
                                });
    s->table.emit_event(&s->table, "exit", "{\"id\":\"x\"}");
    EXPECT_EQ(got, "evt|exit|{\"id\":\"x\"}");
}

} // namespace
