// berth-bench-apply-diff — time a storage driver's apply_diff on one layer
// tar, whole runs, repeated. Each run creates a fresh read-only base layer,
// feeds the tar through apply_diff, syncs the file system (so the driver
// pays for its writes as `tar -x` + sync does), and removes the layer.
// Prints one line per run and a median, in seconds.
//
//   berth-bench-apply-diff <plugin.so> --home DIR --tar FILE [--runs N]
#include "driver.hpp"
#include "kit_host.hpp"

#include <berth/abi.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <unistd.h>
#include <vector>

namespace {

[[noreturn]] void die(const std::string &msg) {
    std::fprintf(stderr, "berth-bench-apply-diff: %s\n", msg.c_str());
    std::exit(2);
}

std::string layer_id(int run) {
    char buf[65];
    std::snprintf(buf, sizeof buf, "%064x", 0xbe0000 + run);
    return buf;
}

void sync_fs(const std::string &path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY);
    if (fd >= 0) {
        ::syncfs(fd);
        ::close(fd);
    }
}

} // namespace

int main(int argc, char **argv) {
    std::string plugin, home, tar;
    int runs = 5;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--home" && i + 1 < argc) home = argv[++i];
        else if (a == "--tar" && i + 1 < argc) tar = argv[++i];
        else if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
        else if (plugin.empty()) plugin = a;
        else die("unexpected argument " + a);
    }
    if (plugin.empty() || home.empty() || tar.empty())
        die("usage: berth-bench-apply-diff <plugin.so> --home DIR --tar FILE [--runs N]");

    void *handle = ::dlopen(plugin.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) die(std::string("dlopen: ") + ::dlerror());
    auto entry = reinterpret_cast<berth_plugin_entry_fn>(::dlsym(handle, BERTH_PLUGIN_ENTRY_SYMBOL));
    if (!entry) die("no " BERTH_PLUGIN_ENTRY_SYMBOL " in " + plugin);
    const berth_plugin_descriptor *desc = entry();
    const berth_driver_entry *storage = nullptr;
    for (uint32_t i = 0; i < desc->n_drivers; ++i)
        if (desc->drivers[i].kind == BERTH_KIND_STORAGE) storage = &desc->drivers[i];
    if (!storage) die(plugin + " serves no storage driver");

    const std::string run_dir = home + "/.bench-run", state_dir = home + "/.bench-state";
    std::filesystem::create_directories(run_dir);
    std::filesystem::create_directories(state_dir);
    conformance::KitHost host(home, run_dir, state_dir, "bench");
    berth_call call = conformance::new_call();
    berth_instance *inst = nullptr;
    if (desc->init(host.table(), "{}", &inst, &call) != BERTH_OK) die(std::string("init: ") + call.message);
    conformance::Driver driver(static_cast<const berth_storage_ops *>(storage->ops), storage->ops_size,
                               storage->caps, inst);

    std::vector<double> times;
    int64_t bytes = 0;
    for (int r = 0; r < runs; ++r) {
        const std::string id = layer_id(r);
        if (auto st = driver.create(id, "", false); !st.ok()) die("create: " + st.describe());
        const int fd = ::open(tar.c_str(), O_RDONLY);
        if (fd < 0) die("open " + tar + ": " + std::strerror(errno));
        const auto t0 = std::chrono::steady_clock::now();
        auto st = driver.apply_diff(id, nullptr, fd, bytes);
        sync_fs(home);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        ::close(fd);
        if (!st.ok()) die("apply_diff: " + st.describe());
        times.push_back(s);
        std::printf("run %d: %.3f s (%.1f MB/s)\n", r + 1, s, double(bytes) / 1e6 / s);
        std::fflush(stdout);
        if (auto rm = driver.remove(id); !rm.ok()) die("remove: " + rm.describe());
        sync_fs(home);
    }
    desc->fini(inst);
    std::sort(times.begin(), times.end());
    std::printf("median: %.3f s over %d runs, %lld content bytes\n", times[times.size() / 2], runs,
                static_cast<long long>(bytes));
    std::filesystem::remove_all(run_dir);
    std::filesystem::remove_all(state_dir);
    return 0;
}
