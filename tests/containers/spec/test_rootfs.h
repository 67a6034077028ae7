// test_rootfs.h — scratch rootfs directories for the spec tests: a temp dir
// removed on destruction, with helpers to write /etc/passwd and /etc/group.
#pragma once

#include <string>

namespace berth::containers::spec::test {

class TempRootfs {
public:
    TempRootfs();
    ~TempRootfs();
    TempRootfs(const TempRootfs &) = delete;
    TempRootfs &operator=(const TempRootfs &) = delete;

    const std::string &path() const { return path_; }
    // Writes <root>/<relative> (parents created).
    void write(const std::string &relative, const std::string &content) const;

private:
    std::string path_;
};

} // namespace berth::containers::spec::test
