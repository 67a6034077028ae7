#include "rootfs_fixture.h"

namespace berth::containers::archive::test {

namespace fs = std::filesystem;

RootfsFixture::RootfsFixture() {
    fs::create_directories(host());
    images::test::write_all(host() / "secret", "host secret");
    const auto r = rootfs();
    fs::create_directories(r / "etc");
    fs::create_directories(r / "dir/sub");
    images::test::write_all(r / "etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/home/app:/bin/sh\n");
    images::test::write_all(r / "etc/group", "root:x:0:\nstaff:x:50:app\n");
    images::test::write_all(r / "dir/a", "A");
    images::test::write_all(r / "dir/sub/b", "B");
    fs::create_symlink("dir", r / "link");
    fs::create_symlink("/dir", r / "abslink");
    fs::create_symlink("/", r / "evil");
    fs::create_symlink("../../../host", r / "escape");
    fs::create_symlink("../host", r / "up");
    fs::create_symlink("/nowhere/file", r / "dangling");
}

std::string RootfsFixture::read(const fs::path &p) const { return images::test::read_all(p); }

} // namespace berth::containers::archive::test
