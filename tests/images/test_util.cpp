#include "test_util.h"

#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

namespace berth::images::test {

TempDir::TempDir() {
    const char *base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/berth-images-test-XXXXXX";
    if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = tmpl;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
}

UniqueFd fd_with(const std::string &bytes) {
    const char *base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base && *base ? base : "/tmp") + "/berth-images-src-XXXXXX";
    UniqueFd fd(::mkstemp(tmpl.data()));
    if (!fd) throw std::runtime_error("mkstemp failed");
    ::unlink(tmpl.c_str());
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd.get(), bytes.data() + done, bytes.size() - done);
        if (n <= 0) throw std::runtime_error("write failed");
        done += size_t(n);
    }
    ::lseek(fd.get(), 0, SEEK_SET);
    return fd;
}

void age_file(const std::filesystem::path &path, long seconds) {
    timeval now{};
    ::gettimeofday(&now, nullptr);
    timeval times[2] = {{now.tv_sec - seconds, 0}, {now.tv_sec - seconds, 0}};
    if (::utimes(path.c_str(), times) != 0) throw std::runtime_error("utimes failed");
}

std::string read_all(const std::filesystem::path &path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_all(const std::filesystem::path &path, const std::string &bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

} // namespace berth::images::test
