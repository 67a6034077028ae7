// How the container store writes records: with fsyncs (a power cut finds
// the old record or the new one) for ordinary containers, without any for
// `run --rm` containers (HostConfig.AutoRemove), whose record need not
// outlive a host crash. The fsyncs are counted by an fsync of this test
// program's own, which takes the place of libc's for the store linked in
// and passes every call on to the kernel.
#include "containers/store/container_store.h"
#include "store_test_support.h"

#include <gtest/gtest.h>

#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>

namespace {
std::atomic<int> g_fsyncs{0};
} // namespace

extern "C" int fsync(int fd) {
    g_fsyncs.fetch_add(1);
    return static_cast<int>(::syscall(SYS_fsync, fd));
}

extern "C" int fdatasync(int fd) {
    g_fsyncs.fetch_add(1);
    return static_cast<int>(::syscall(SYS_fdatasync, fd));
}

using namespace berth::containers;
namespace fs = std::filesystem;

namespace {

using berth::containers::test::TempRoot;
using berth::containers::test::busybox_spec;

// fsyncs made by f.
template <class F>
int fsyncs_during(F &&f) {
    const int before = g_fsyncs.load();
    f();
    return g_fsyncs.load() - before;
}

} // namespace

TEST(ContainerRecordDurability, OrdinaryRecordsAreSynced) {
    TempRoot root;
    ContainerStore store(root.path);
    Container c;
    EXPECT_GE(fsyncs_during([&] { c = store.create(busybox_spec("plain", R"({"AutoRemove":false})")); }), 1);
    c.set_running(7);
    // The file and its directory.
    EXPECT_GE(fsyncs_during([&] { store.save(c); }), 2);
    Container absent = store.create(busybox_spec("absent", "{}"));
    absent.set_running(8);
    EXPECT_GE(fsyncs_during([&] { store.save(absent); }), 2) << "no AutoRemove key";
}

TEST(ContainerRecordDurability, AutoRemoveRecordsAreNotSynced) {
    TempRoot root;
    ContainerStore store(root.path);
    Container c;
    EXPECT_EQ(fsyncs_during([&] { c = store.create(busybox_spec("rm", R"({"AutoRemove":true})")); }), 0);
    c.set_running(7);
    EXPECT_EQ(fsyncs_during([&] { store.save(c); }), 0);
    c.set_stopped(0);
    EXPECT_EQ(fsyncs_during([&] { store.save(c); }), 0);
    c.begin_removal(false);
    EXPECT_EQ(fsyncs_during([&] { store.save(c); }), 0);
    // Written all the same.
    ContainerStore again(root.path);
    EXPECT_EQ(again.resolve("rm").state.status(), "removing");
}
