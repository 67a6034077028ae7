// plugin_fixture.cpp — see plugin_fixture.hpp.
#include "plugin_fixture.hpp"

#include <dlfcn.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace storage_test {

namespace fs = std::filesystem;

namespace {

// Every mount point at or below dir, deepest first.
std::vector<std::string> mounts_below(const std::string &dir) {
    std::vector<std::string> out;
    std::ifstream in("/proc/self/mountinfo");
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream fields(line);
        std::string id, parent, devno, root, point;
        fields >> id >> parent >> devno >> root >> point;
        if (point == dir || point.rfind(dir + "/", 0) == 0) out.push_back(point);
    }
    std::sort(out.rbegin(), out.rend());
    return out;
}

bool have_tool(const std::string &name) {
    for (const char *dir : {"/usr/sbin", "/sbin", "/usr/bin", "/bin"})
        if (::access((std::string(dir) + "/" + name).c_str(), X_OK) == 0) return true;
    return false;
}

int run(const std::string &command) { return std::system((command + " >/dev/null 2>&1").c_str()); }

} // namespace

std::string plugin_file(const std::string &driver) {
#ifdef OVERLAY2_PLUGIN
    if (driver == "overlay2") return OVERLAY2_PLUGIN;
#endif
#ifdef BTRFS_PLUGIN
    if (driver == "btrfs") return BTRFS_PLUGIN;
#endif
    return {};
}

const Plugin &load_plugin(const std::string &file) {
    static std::mutex mu;
    static std::map<std::string, Plugin> loaded;
    std::lock_guard lock(mu);
    if (auto it = loaded.find(file); it != loaded.end()) return it->second;
    void *handle = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) throw std::runtime_error(std::string("dlopen: ") + ::dlerror());
    auto entry = reinterpret_cast<berth_plugin_entry_fn>(::dlsym(handle, BERTH_PLUGIN_ENTRY_SYMBOL));
    if (entry == nullptr) throw std::runtime_error("no " BERTH_PLUGIN_ENTRY_SYMBOL " in " + file);
    const berth_plugin_descriptor *desc = entry();
    for (uint32_t i = 0; i < desc->n_drivers; ++i)
        if (desc->drivers[i].kind == BERTH_KIND_STORAGE) return loaded[file] = Plugin{desc, &desc->drivers[i]};
    throw std::runtime_error(file + " serves no storage driver");
}

Scratch::Scratch(const std::string &tag) {
    std::string templ = "/var/tmp/berth-" + tag + "-XXXXXX";
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp " + templ + " failed");
    path_ = templ;
    ::chmod(path_.c_str(), 0711);
}

Scratch::~Scratch() {
    for (const auto &point : mounts_below(path_)) ::umount2(point.c_str(), MNT_DETACH);
    std::error_code ec;
    fs::remove_all(path_, ec);
}

Backing::Backing(const std::string &driver, const Scratch &scratch) {
    if (plugin_file(driver).empty()) {
        skip_ = "storage-" + driver + " is not part of this build";
        return;
    }
    if (::geteuid() != 0) {
        skip_ = "needs root (the drivers mount, chown and use loop devices)";
        return;
    }
    if (driver == "overlay2") {
        base_ = scratch.path() + "/overlay2";
        fs::create_directory(base_);
        return;
    }
    for (const char *tool : {"mkfs.btrfs", "losetup", "mount"})
        if (!have_tool(tool)) {
            skip_ = std::string(tool) + " not installed";
            return;
        }
    image_ = scratch.path() + "/btrfs.img";
    base_ = scratch.path() + "/btrfs";
    fs::create_directory(base_);
    if (run("truncate -s 512M '" + image_ + "'") != 0 || run("mkfs.btrfs -q '" + image_ + "'") != 0) {
        skip_ = "cannot make a btrfs image (mkfs.btrfs failed)";
        return;
    }
    if (run("mount -o loop '" + image_ + "' '" + base_ + "'") != 0) {
        skip_ = "cannot loop-mount a btrfs image here";
        base_.clear();
    }
}

Backing::~Backing() {
    if (image_.empty() || base_.empty()) return;
    for (const auto &point : mounts_below(base_)) ::umount2(point.c_str(), MNT_DETACH);
    // mount -o loop frees its device on umount, but not after a lazy one.
    run("losetup -j '" + image_ + "' | cut -d: -f1 | xargs -r -n1 losetup -d");
}

std::string Backing::new_home(const std::string &name) const {
    const std::string home = base_ + "/" + name;
    fs::create_directory(home);
    ::chmod(home.c_str(), 0700); // as private as a daemon makes it: the driver must open it up
    return home;
}

Instance::Instance(const std::string &file, const std::string &home, const std::string &config_json)
    : home_(home), run_(home + "-run"), state_(home + "-state") {
    fs::create_directories(run_);
    fs::create_directories(state_);
    host_ = std::make_unique<conformance::KitHost>(home_, run_, state_, "idmap-test");
    plugin_ = &load_plugin(file);
    berth_call call = conformance::new_call();
    const int32_t rc = plugin_->desc->init(host_->table(), config_json.c_str(), &inst_, &call);
    if (rc != BERTH_OK) throw std::runtime_error("init: " + conformance::status_of(rc, call).describe());
    const berth_driver_entry &entry = *plugin_->storage;
    driver_ = std::make_unique<conformance::Driver>(static_cast<const berth_storage_ops *>(entry.ops),
                                                    entry.ops_size, entry.caps, inst_);
}

Instance::~Instance() {
    if (inst_ == nullptr) return;
    driver_->cleanup();
    plugin_->desc->fini(inst_);
}

conformance::Status Instance::try_init(const std::string &file, const std::string &home,
                                       const std::string &config_json) {
    fs::create_directories(home + "-run");
    fs::create_directories(home + "-state");
    conformance::KitHost host(home, home + "-run", home + "-state", "idmap-test");
    const berth_plugin_descriptor *desc = load_plugin(file).desc;
    berth_call call = conformance::new_call();
    berth_instance *inst = nullptr;
    const int32_t rc = desc->init(host.table(), config_json.c_str(), &inst, &call);
    if (rc == BERTH_OK) desc->fini(inst);
    return conformance::status_of(rc, call);
}

} // namespace storage_test
