// plugin_fixture.hpp — a storage plugin under test, driven in-process: the
// conformance kit's host table and ops wrapper (berth_storage_harness),
// an instance initialised with a chosen config, and the backing file
// system each driver needs (overlay2: a directory on the normal disk;
// btrfs: a loop-mounted btrfs image). Everything needs root; a fixture
// that cannot be set up says why, so the test can skip.
#pragma once

#include "driver.hpp"
#include "kit_host.hpp"

#include <berth/abi.h>
#include <berth/storage.h>

#include <memory>
#include <string>

namespace storage_test {

// The plugin file of a bundled driver ("overlay2", "btrfs"), as built; ""
// when the build left it out.
std::string plugin_file(const std::string &driver);

// A plugin file's descriptor and its storage driver entry (dlopened once
// per process, never closed).
struct Plugin {
    const berth_plugin_descriptor *desc;
    const berth_driver_entry *storage;
};
const Plugin &load_plugin(const std::string &plugin_file);

// A scratch directory on the normal disk, 0711 so a remapped container
// root can pass through it to a home below; removed with its mounts.
class Scratch {
public:
    explicit Scratch(const std::string &tag);
    ~Scratch();
    Scratch(const Scratch &) = delete;
    Scratch &operator=(const Scratch &) = delete;
    const std::string &path() const { return path_; }

private:
    std::string path_;
};

// Where a driver's home goes. skip_reason() is non-empty when this host
// cannot give the driver its file system (not root, no btrfs tools...).
class Backing {
public:
    Backing(const std::string &driver, const Scratch &scratch);
    ~Backing();
    Backing(const Backing &) = delete;
    Backing &operator=(const Backing &) = delete;
    const std::string &skip_reason() const { return skip_; }
    // A fresh, existing home directory (0700) for one instance.
    std::string new_home(const std::string &name) const;

private:
    std::string base_;  // where homes are made
    std::string image_; // btrfs: the image file, loop-mounted at base_
    std::string skip_;
};

// One initialised instance of a plugin; fini (after cleanup) on destruction.
class Instance {
public:
    // Throws std::runtime_error with the driver's message when init fails
    // (try_init is for tests of a failing init).
    Instance(const std::string &plugin_file, const std::string &home, const std::string &config_json);
    ~Instance();
    Instance(const Instance &) = delete;
    Instance &operator=(const Instance &) = delete;

    conformance::Driver &driver() { return *driver_; }
    const std::string &home() const { return home_; }

    // init alone: its status, and the instance finished again at once.
    static conformance::Status try_init(const std::string &plugin_file, const std::string &home,
                                        const std::string &config_json);

private:
    std::string home_;
    std::string run_, state_;
    std::unique_ptr<conformance::KitHost> host_;
    const Plugin *plugin_ = nullptr;
    berth_instance *inst_ = nullptr;
    std::unique_ptr<conformance::Driver> driver_;
};

} // namespace storage_test
