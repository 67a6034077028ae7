// test_rootfs.cpp — see test_rootfs.h.
#include "test_rootfs.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace berth::containers::spec::test {

namespace fs = std::filesystem;

TempRootfs::TempRootfs() {
    std::string tmpl = (fs::temp_directory_path() / "berth-test-spec-XXXXXX").string();
    if (!::mkdtemp(tmpl.data()))
        throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempRootfs::~TempRootfs() {
    std::error_code ec;
    fs::remove_all(path_, ec);
}

void TempRootfs::write(const std::string &relative, const std::string &content) const {
    fs::path p = fs::path(path_) / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
}

} // namespace berth::containers::spec::test
