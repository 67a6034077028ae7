// make_volume_access: the volume service through the callbacks the
// container service holds (a struct of the same shape as
// containers::VolumeAccess).
#include "volumes/volume_access.h"

#include "test_dir.h"

#include <functional>
#include <fstream>
#include <gtest/gtest.h>

using namespace berth::volumes;
namespace fs = std::filesystem;

namespace {

using Map = std::map<std::string, std::string>;

struct AccessShape {
    std::function<std::pair<std::string, bool>(const std::string &, const std::string &, const Map &, const Map &)>
        ensure;
    std::function<std::string(const std::string &, const std::string &)> acquire;
    std::function<void(const std::string &, const std::string &)> release;
    std::function<void(const std::string &, const std::string &)> adopt;
    std::function<void(const std::string &, const std::string &, bool)> forget;
    std::function<void(const std::string &, const std::string &)> copy_up;
};

} // namespace

TEST(VolumeAccess, AContainersLifeThroughTheCallbacks) {
    TestDir dir;
    VolumeService svc(dir.path());
    const auto access = make_volume_access<AccessShape>(svc);

    auto [name, created] = access.ensure("", "", {}, {});
    EXPECT_TRUE(created);
    EXPECT_TRUE(svc.get(name).anonymous());
    auto [named, named_created] = access.ensure("cache", "local", {}, {});
    EXPECT_TRUE(named_created);
    EXPECT_FALSE(svc.get("cache").labels); // `-v cache:/x` sends no labels: null
    EXPECT_FALSE(access.ensure("cache", "local", {}, {}).second);

    access.adopt(name, "c1");
    EXPECT_EQ(svc.users(name), (std::vector<std::string>{"c1"}));
    EXPECT_TRUE(svc.active_users(name).empty());

    const fs::path image_dir = dir.path() / "image-data";
    fs::create_directories(image_dir);
    std::ofstream(image_dir / "seed") << "from image";
    const std::string path = access.acquire(name, "c1");
    EXPECT_EQ(path, svc.get(name).mountpoint.string());
    access.copy_up(image_dir.string(), path);
    EXPECT_TRUE(fs::exists(fs::path(path) / "seed"));
    access.release(name, "c1");
    EXPECT_TRUE(svc.active_users(name).empty());

    access.forget(name, "c1", true);
    EXPECT_FALSE(svc.find(name));
    access.adopt("cache", "c1");
    access.forget("cache", "c1", true);
    EXPECT_TRUE(svc.find("cache"));
    access.adopt("vanished", "c1"); // a record naming a removed volume does not stop a restore
}
