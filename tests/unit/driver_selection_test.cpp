// Storage driver selection rules that do not need plugin files: the
// priority order and what counts as a driver's data on disk.
#include "storage/driver_selection.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace berth::storage;

TEST(DriverSelection, PreferredDriversComeFirstThenByName) {
    EXPECT_EQ(priority_order({"zfs", "windowsfilter", "btrfs", "overlay2", "vfs"}),
              (std::vector<std::string>{"overlay2", "btrfs", "vfs", "windowsfilter", "zfs"}));
}

TEST(DriverSelection, DuplicatesCollapse) {
    EXPECT_EQ(priority_order({"btrfs", "overlay2", "btrfs"}), (std::vector<std::string>{"overlay2", "btrfs"}));
}

TEST(DriverSelection, OnlyNonEmptyHomesCountAsData) {
    char tmpl[] = "/tmp/berth-unit-sel-XXXXXX";
    const std::filesystem::path root = mkdtemp(tmpl);
    std::filesystem::create_directories(root / "overlay2");      // empty: a driver that never stored
    std::filesystem::create_directories(root / "btrfs" / "subvolumes");
    std::ofstream(root / "stray-file") << "x";                     // files are not driver homes
    EXPECT_EQ(drivers_with_data(root), (std::vector<std::string>{"btrfs"}));
    std::filesystem::create_directories(root / "overlay2" / "l");
    EXPECT_EQ(drivers_with_data(root), (std::vector<std::string>{"btrfs", "overlay2"}));
    std::filesystem::remove_all(root);
}

TEST(DriverSelection, MissingStorageRootHasNoData) {
    EXPECT_TRUE(drivers_with_data("/nonexistent/berth/storage").empty());
}
