// Layer decompression: the format comes from the bytes, corrupt data is
// refused naming the blob, and the pipe form reports errors at finish().
#include "images/decompress.h"
#include "images/errors.h"

#include <gtest/gtest.h>

#include <archive.h>
#include <archive_entry.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <random>
#include <string>
#include <unistd.h>

using namespace berth::images;

namespace {

// Compress bytes with a libarchive raw writer and the named filter.
std::string compress(const std::string &data, int filter) {
    archive *a = archive_write_new();
    archive_write_set_format_raw(a);
    if (filter != ARCHIVE_FILTER_NONE) archive_write_add_filter(a, filter);
    std::string out(data.size() * 2 + 4096, '\0');
    size_t used = 0;
    EXPECT_EQ(archive_write_open_memory(a, out.data(), out.size(), &used), ARCHIVE_OK);
    archive_entry *e = archive_entry_new();
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_size(e, la_int64_t(data.size()));
    archive_write_header(a, e);
    archive_write_data(a, data.data(), data.size());
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    out.resize(used);
    return out;
}

// A memfd holding bytes, positioned at 0.
UniqueFd memory_fd(const std::string &bytes) {
    UniqueFd fd(::memfd_create("blob", MFD_CLOEXEC));
    EXPECT_EQ(::write(fd.get(), bytes.data(), bytes.size()), ssize_t(bytes.size()));
    ::lseek(fd.get(), 0, SEEK_SET);
    return fd;
}

std::string read_all(DecompressedReader &r) {
    std::string out;
    char buf[4096];
    for (size_t n; (n = r.read(buf, sizeof buf)) > 0;) out.append(buf, n);
    return out;
}

std::string sample() {
    std::string s;
    std::mt19937 rng(7);
    for (int i = 0; i < 300000; ++i) s += char('a' + rng() % 4);
    return s;
}

} // namespace

TEST(Decompress, GzipZstdXzAndPlainByContent) {
    const std::string data = sample();
    for (auto [filter, name] : {std::pair{ARCHIVE_FILTER_GZIP, "gzip"}, std::pair{ARCHIVE_FILTER_ZSTD, "zstd"},
                                std::pair{ARCHIVE_FILTER_XZ, "xz"}, std::pair{ARCHIVE_FILTER_NONE, "none"}}) {
        auto fd = memory_fd(compress(data, filter));
        DecompressedReader r(fd.get(), "layer x");
        EXPECT_EQ(read_all(r), data) << name;
        EXPECT_EQ(r.compression(), name);
    }
}

TEST(Decompress, EmptyBlobIsEmpty) {
    auto fd = memory_fd("");
    DecompressedReader r(fd.get(), "layer x");
    EXPECT_EQ(read_all(r), "");
}

// (libarchive does not check gzip's CRC, so flipped bits inside the deflate
// stream may pass here: the layer's diff_id check is what catches those.)
TEST(Decompress, TruncatedGzipNamesTheBlob) {
    std::string gz = compress(sample(), ARCHIVE_FILTER_GZIP);
    gz.resize(gz.size() / 2);
    auto fd = memory_fd(gz);
    try {
        DecompressedReader r(fd.get(), "layer sha256:feed");
        read_all(r);
        FAIL() << "truncated gzip accepted";
    } catch (const InvalidArgument &e) {
        EXPECT_NE(std::string(e.what()).find("layer sha256:feed"), std::string::npos) << e.what();
    }
}

TEST(DecompressPipe, DeliversAndReportsCorruptionAtFinish) {
    const std::string data = sample();
    {
        auto fd = memory_fd(compress(data, ARCHIVE_FILTER_ZSTD));
        DecompressPipe pipe(fd.get(), "layer z");
        std::string got;
        char buf[8192];
        for (ssize_t n; (n = ::read(pipe.fd(), buf, sizeof buf)) > 0;) got.append(buf, size_t(n));
        pipe.finish();
        EXPECT_EQ(got, data);
    }
    {
        std::string gz = compress(data, ARCHIVE_FILTER_GZIP);
        gz.resize(gz.size() / 2); // truncated
        auto fd = memory_fd(gz);
        DecompressPipe pipe(fd.get(), "layer t");
        char buf[8192];
        while (::read(pipe.fd(), buf, sizeof buf) > 0) {
        }
        EXPECT_THROW(pipe.finish(), InvalidArgument);
    }
}

TEST(DecompressPipe, AConsumerThatStopsEarlyIsNotAnError) {
    auto fd = memory_fd(compress(sample() + sample() + sample(), ARCHIVE_FILTER_GZIP));
    DecompressPipe pipe(fd.get(), "layer e");
    char buf[16];
    ASSERT_GT(::read(pipe.fd(), buf, sizeof buf), 0);
    EXPECT_NO_THROW(pipe.finish()); // closes the read end; the feeder stops
}
