// PluginLayerDriver against a fake storage plugin: a generation built from
// a static berth_storage_ops table (no .so), published in a Slot and called
// through the real CallExecutor.
#include "images/plugin_layer_driver.h"
#include "images/tee_apply.h"

#include "plugins/call_executor.h"
#include "plugins/host_services.h"

#include <berth/storage.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <mutex>
#include <thread>
#include <unistd.h>

using namespace berth;
using namespace berth::images;

namespace {

// What the fake plugin saw. Guarded: calls run on executor workers.
struct Seen {
    std::mutex mutex;
    std::string create_id, create_parent = "<unset>", applied;
    int create_rw = -1;
} seen;

char *dup_c(const std::string &s) {
    char *p = static_cast<char *>(std::malloc(s.size() + 1)); // host_alloc is malloc
    std::memcpy(p, s.c_str(), s.size() + 1);
    return p;
}

int32_t fake_create(berth_instance *, berth_call *call, const char *id, const char *parent,
                    const berth_storage_create_opts *opts) {
    if (std::string(id) == "taken") {
        call->message = "layer taken exists";
        return BERTH_E_EXISTS;
    }
    std::lock_guard lock(seen.mutex);
    seen.create_id = id;
    seen.create_parent = parent ? parent : "<null>";
    seen.create_rw = opts ? opts->rw : -1;
    return BERTH_OK;
}

int32_t fake_exists(berth_instance *, berth_call *, const char *id, int32_t *out) {
    *out = std::string(id) == "present" ? 1 : 0;
    return BERTH_OK;
}

int32_t fake_apply(berth_instance *, berth_call *, const char *, const char *, int in_fd, int64_t *out_size) {
    std::string got;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(in_fd, buf, sizeof buf)) > 0) got.append(buf, size_t(n));
    *out_size = int64_t(got.size());
    std::lock_guard lock(seen.mutex);
    seen.applied = got;
    return BERTH_OK;
}

int32_t fake_get(berth_instance *, berth_call *, const char *id, const char *, char **out_path) {
    *out_path = dup_c(std::string("/mnt/") + id);
    return BERTH_OK;
}

int32_t fake_metadata(berth_instance *, berth_call *, const char *id, char **out_json) {
    *out_json = dup_c(std::string(R"({"UpperDir":"/u/)") + id + "\"}");
    return BERTH_OK;
}

berth_storage_ops make_ops() {
    berth_storage_ops ops{};
    ops.struct_size = sizeof ops;
    ops.create = fake_create;
    ops.exists = fake_exists;
    ops.apply_diff = fake_apply;
    ops.get = fake_get;
    ops.metadata = fake_metadata;
    // remove, put, diff, ...: NULL, which the host reports as NOTSUP.
    return ops;
}

const berth_storage_ops kOps = make_ops();

class PluginLayerDriverTest : public testing::Test {
protected:
    PluginLayerDriverTest() {
        plugins::DescriptorInfo info;
        info.name = "fakefs";
        info.version = "1.0.0";
        info.drivers.push_back(
            plugins::DriverInfo{BERTH_KIND_STORAGE, "fakefs", &kOps, uint32_t(sizeof kOps), BERTH_CAP_THREADSAFE, ""});
        // No library, no init: nothing to retire.
        auto gen = std::make_shared<plugins::Generation>(1, "fakefs.so", nullptr, nullptr, info, nullptr);
        slot->publish(plugins::Binding{gen, 0});
    }

    std::shared_ptr<plugins::Slot> slot = std::make_shared<plugins::Slot>(BERTH_KIND_STORAGE, "fakefs");
    plugins::CallExecutor executor{2};
    PluginLayerDriver driver{slot, executor};
};

TEST_F(PluginLayerDriverTest, ForwardsCreateWithNullParentForBase) {
    EXPECT_EQ(driver.name(), "fakefs");
    driver.create("abc", "", false);
    std::lock_guard lock(seen.mutex);
    EXPECT_EQ(seen.create_id, "abc");
    EXPECT_EQ(seen.create_parent, "<null>");
    EXPECT_EQ(seen.create_rw, 0);
}

TEST_F(PluginLayerDriverTest, ForwardsParentAndRw) {
    driver.create("child", "base", true);
    std::lock_guard lock(seen.mutex);
    EXPECT_EQ(seen.create_parent, "base");
    EXPECT_EQ(seen.create_rw, 1);
}

TEST_F(PluginLayerDriverTest, MapsErrorsToStorageError) {
    try {
        driver.create("taken", "", false);
        FAIL();
    } catch (const StorageError &e) {
        EXPECT_EQ(e.code(), BERTH_E_EXISTS);
        EXPECT_EQ(e.kind(), ErrorKind::Conflict);
        EXPECT_STREQ(e.what(), "storage driver fakefs: create taken: EXISTS: layer taken exists");
    }
    try {
        driver.remove("x");
        FAIL();
    } catch (const StorageError &e) {
        EXPECT_EQ(e.code(), BERTH_E_NOTSUP);
        EXPECT_NE(std::string(e.what()).find("operation remove is not provided"), std::string::npos) << e.what();
    }
}

TEST_F(PluginLayerDriverTest, OutputsAreAdopted) {
    EXPECT_TRUE(driver.exists("present"));
    EXPECT_FALSE(driver.exists("absent"));
    EXPECT_EQ(driver.get("abc"), "/mnt/abc");
    EXPECT_EQ(driver.metadata_json("abc"), R"({"UpperDir":"/u/abc"})");
}

TEST_F(PluginLayerDriverTest, ApplyDiffThroughTheTee) {
    const std::string data(500000, 'k');
    int p[2];
    ASSERT_EQ(::pipe(p), 0);
    std::thread writer([&] {
        size_t done = 0;
        while (done < data.size()) done += size_t(::write(p[1], data.data() + done, data.size() - done));
        ::close(p[1]);
    });
    const auto out = apply_hashed(driver, "abc", "", p[0]);
    writer.join();
    ::close(p[0]);
    EXPECT_EQ(out.applied_size, int64_t(data.size()));
    EXPECT_EQ(out.bytes_read, data.size());
    std::lock_guard lock(seen.mutex);
    EXPECT_EQ(seen.applied.size(), data.size());
}

TEST(PluginLayerDriverNoPlugin, EmptySlotIsNotFound) {
    auto slot = std::make_shared<plugins::Slot>(BERTH_KIND_STORAGE, "gone");
    plugins::CallExecutor executor{1};
    PluginLayerDriver driver{slot, executor};
    try {
        driver.exists("x");
        FAIL();
    } catch (const StorageError &e) {
        EXPECT_EQ(e.code(), BERTH_E_NOTFOUND);
    }
}

} // namespace
