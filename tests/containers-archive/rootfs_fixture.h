// rootfs_fixture.h — a container root filesystem in a scratch directory,
// with the symlinks a hostile container would plant, and a "host" directory
// beside it holding a secret that no operation may read or overwrite.
//   <tmp>/host/secret             "host secret"
//   <tmp>/rootfs/etc/passwd       root and app (1000:1000) users
//   <tmp>/rootfs/etc/group        staff (50)
//   <tmp>/rootfs/dir/a            "A"
//   <tmp>/rootfs/dir/sub/b        "B"
//   <tmp>/rootfs/link     -> dir
//   <tmp>/rootfs/abslink  -> /dir
//   <tmp>/rootfs/evil     -> /
//   <tmp>/rootfs/escape   -> ../../../host
//   <tmp>/rootfs/up       -> ../host  (names the real host dir if followed naively)
//   <tmp>/rootfs/dangling -> /nowhere/file
#pragma once

#include "../images/test_util.h"

#include <filesystem>
#include <string>

namespace berth::containers::archive::test {

class RootfsFixture {
public:
    RootfsFixture();
    std::filesystem::path rootfs() const { return tmp_.path() / "rootfs"; }
    std::filesystem::path host() const { return tmp_.path() / "host"; }
    std::string read(const std::filesystem::path &p) const;

private:
    images::test::TempDir tmp_;
};

} // namespace berth::containers::archive::test
