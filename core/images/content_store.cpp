#include "images/content_store.h"

#include "images/errors.h"
#include "images/fs_util.h"
#include "images/random_id.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace berth::images {
namespace {

// Ingest file names: "k-<sha256 of key>" for keyed writers (any key maps to
// a safe, fixed-length name), "r-<random>" for one-shot writers.
constexpr std::string_view kKeyedPrefix = "k-";
constexpr std::string_view kRandomPrefix = "r-";

// An exclusive, non-blocking flock: the ingest file is ours alone while the
// writer lives, and the sweep never deletes a file someone is writing.
bool try_lock(int fd) { return ::flock(fd, LOCK_EX | LOCK_NB) == 0; }

} // namespace

BlobWriter::BlobWriter(std::filesystem::path blob_dir, std::filesystem::path temp, UniqueFd fd, bool keyed)
    : blob_dir_(std::move(blob_dir)), temp_(std::move(temp)), fd_(std::move(fd)), keyed_(keyed) {
    // Re-hash what a previous writer left: the hash state died with it.
    char buf[65536];
    off_t pos = 0;
    for (;;) {
        const ssize_t n = ::pread(fd_.get(), buf, sizeof buf, pos);
        if (n < 0) {
            if (errno == EINTR) continue;
            fsx::throw_errno("resume " + temp_.string(), errno);
        }
        if (n == 0) break;
        hasher_.update(buf, size_t(n));
        pos += n;
    }
    resume_offset_ = uint64_t(pos);
    if (::lseek(fd_.get(), 0, SEEK_END) < 0) fsx::throw_errno("seek " + temp_.string(), errno);
}

BlobWriter::~BlobWriter() {
    if (!done_ && !keyed_) discard();
}

void BlobWriter::discard() noexcept {
    ::unlink(temp_.c_str());
    fd_.reset();
    done_ = true;
}

void BlobWriter::write(const void *data, size_t len) {
    if (done_) throw InternalError("blob writer: write after commit or abort");
    if (!fsx::write_all(fd_.get(), data, len)) fsx::throw_errno("write " + temp_.string(), errno);
    hasher_.update(data, len);
}

void BlobWriter::restart() {
    if (done_) throw InternalError("blob writer: restart after commit or abort");
    if (::ftruncate(fd_.get(), 0) != 0 || ::lseek(fd_.get(), 0, SEEK_SET) < 0)
        fsx::throw_errno("truncate " + temp_.string(), errno);
    hasher_.reset();
    resume_offset_ = 0;
}

std::string BlobWriter::commit(std::string_view expected_digest, int64_t expected_size) {
    if (done_) throw InternalError("blob writer: commit after commit or abort");
    if (!expected_digest.empty()) require_sha256_digest(expected_digest);
    if (expected_size >= 0 && offset() != uint64_t(expected_size)) {
        const auto got = offset();
        discard();
        throw DigestMismatch("blob size mismatch: expected " + std::to_string(expected_size) + " bytes, got " +
                             std::to_string(got));
    }
    const std::string actual = hasher_.digest();
    if (!expected_digest.empty() && actual != expected_digest) {
        discard();
        throw DigestMismatch("digest mismatch: expected " + std::string(expected_digest) + ", got " + actual);
    }
    if (::fchmod(fd_.get(), 0644) != 0 || ::fsync(fd_.get()) != 0) {
        const int e = errno;
        discard();
        fsx::throw_errno("sync " + temp_.string(), e);
    }
    fd_.reset();
    const auto target = blob_dir_ / std::string(digest_hex(actual));
    // Renaming over an existing blob is harmless: same digest, same bytes.
    if (::rename(temp_.c_str(), target.c_str()) != 0) {
        const int e = errno;
        discard();
        fsx::throw_errno("commit blob " + actual, e);
    }
    done_ = true;
    fsx::fsync_dir(blob_dir_);
    return actual;
}

void BlobWriter::abort() {
    if (!done_) discard();
}

ContentStore::ContentStore(std::filesystem::path image_root, std::chrono::seconds stale_after)
    : blob_dir_(image_root / "blobs" / "sha256"), ingest_dir_(image_root / "ingest") {
    fsx::make_dirs(blob_dir_);
    fsx::make_dirs(ingest_dir_);
    sweep_ingest(stale_after);
}

void ContentStore::sweep_ingest(std::chrono::seconds stale_after) {
    const auto now = std::chrono::system_clock::now();
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(ingest_dir_, ec)) {
        const auto name = entry.path().filename().string();
        struct stat st {};
        if (::lstat(entry.path().c_str(), &st) != 0) continue;
        const auto mtime = std::chrono::system_clock::from_time_t(st.st_mtime);
        const bool stale = now - mtime > stale_after;
        // Keyed partials stay for a resume until they go stale; anything
        // else is a leftover nobody can pick up again.
        if (name.starts_with(kKeyedPrefix) && !stale) continue;
        if (S_ISREG(st.st_mode)) {
            UniqueFd fd(::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC));
            if (fd && !try_lock(fd.get())) continue; // a live writer (another store object)
        }
        fsx::remove_tree(entry.path());
    }
}

std::unique_ptr<BlobWriter> ContentStore::writer(std::string_view ingest_key) {
    const bool keyed = !ingest_key.empty();
    const std::string name =
        keyed ? std::string(kKeyedPrefix) + sha256_hex(ingest_key) : std::string(kRandomPrefix) + random_hex(16);
    const auto temp = ingest_dir_ / name;
    UniqueFd fd(::open(temp.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | (keyed ? 0 : O_EXCL), 0600));
    if (!fd) fsx::throw_errno("create ingest file " + temp.string(), errno);
    if (!try_lock(fd.get())) {
        if (errno == EWOULDBLOCK) throw Conflict("blob " + std::string(ingest_key) + " is already being written");
        fsx::throw_errno("lock " + temp.string(), errno);
    }
    // The constructor is private: make_unique cannot reach it.
    return std::unique_ptr<BlobWriter>(new BlobWriter(blob_dir_, temp, std::move(fd), keyed));
}

std::string ContentStore::put(std::string_view bytes, std::string_view expected_digest) {
    auto w = writer();
    w->write(bytes);
    return w->commit(expected_digest, int64_t(bytes.size()));
}

std::filesystem::path ContentStore::path_of(std::string_view digest) const {
    require_sha256_digest(digest);
    return blob_dir_ / std::string(digest_hex(digest));
}

bool ContentStore::has(std::string_view digest) const {
    struct stat st {};
    return ::stat(path_of(digest).c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

int64_t ContentStore::size(std::string_view digest) const {
    struct stat st {};
    const auto p = path_of(digest);
    if (::stat(p.c_str(), &st) != 0) {
        if (errno == ENOENT) throw NotFound("blob " + std::string(digest) + " not found");
        fsx::throw_errno("stat " + p.string(), errno);
    }
    return int64_t(st.st_size);
}

std::string ContentStore::read(std::string_view digest, size_t max_bytes) const {
    auto data = fsx::read_file(path_of(digest), max_bytes);
    if (!data) throw NotFound("blob " + std::string(digest) + " not found");
    return std::move(*data);
}

UniqueFd ContentStore::open(std::string_view digest) const {
    const auto p = path_of(digest);
    UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) throw NotFound("blob " + std::string(digest) + " not found");
        fsx::throw_errno("open " + p.string(), errno);
    }
    return fd;
}

bool ContentStore::remove(std::string_view digest) {
    const auto p = path_of(digest);
    if (::unlink(p.c_str()) != 0) {
        if (errno == ENOENT) return false;
        fsx::throw_errno("remove " + p.string(), errno);
    }
    fsx::fsync_dir(blob_dir_);
    return true;
}

std::vector<std::string> ContentStore::list() const {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(blob_dir_, ec)) {
        const auto name = entry.path().filename().string();
        if (is_identifier(name)) out.push_back(std::string(kSha256Prefix) + name);
    }
    std::sort(out.begin(), out.end());
    return out;
}

} // namespace berth::images
