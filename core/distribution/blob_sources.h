// blob_sources.h — which repositories are known to hold a blob, so a push
// can ask the registry to mount it from one of them (`Mounted from x`)
// instead of uploading it again. Pull records every blob it fetched, push
// every blob it pushed or found.
//
// On disk, one small file per blob at
//   <data-root>/image/distribution/v2metadata-by-digest/sha256/<hex>
// holding a JSON array in moby's shape:
//   [{"Digest":"sha256:..","SourceRepository":"127.0.0.1:5000/busybox","HMAC":""}]
// (SourceRepository = the repository's full name, registry first). Each
// change rewrites that file atomically (temp, fsync, rename), so a kill -9
// leaves the old list or the new one. It is only a hint: a stale entry
// costs one declined mount.
#pragma once

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace berth::distribution {

struct BlobLocation {
    std::string registry;   // as in references: "docker.io", "127.0.0.1:5000"
    std::string repository; // the registry's path: "library/busybox"
    bool operator==(const BlobLocation &) const = default;
};

class BlobSourceIndex {
public:
    // Most locations remembered per blob; the oldest go first.
    static constexpr size_t kMaxLocationsPerBlob = 16;

    // data_root: the daemon's data root; the directory is created on demand.
    explicit BlobSourceIndex(const std::filesystem::path &data_root);

    // Remember that registry/repository holds digest ("sha256:<hex>").
    // Thread-safe. Moves an existing entry to the newest position. Throws
    // images::InvalidArgument for a malformed digest and InternalError when
    // the file cannot be written.
    void add(const std::string &digest, const std::string &registry, const std::string &repository);

    // Known locations, newest first. Unreadable files read as empty.
    std::vector<BlobLocation> locations(const std::string &digest) const;

    // Forget one location (e.g. the registry says it no longer has it).
    void remove(const std::string &digest, const BlobLocation &location);

    const std::filesystem::path &directory() const { return dir_; }

private:
    std::filesystem::path file_of(const std::string &digest) const;
    std::vector<BlobLocation> read_locked(const std::string &digest) const; // oldest first
    void write_locked(const std::string &digest, const std::vector<BlobLocation> &locations);

    std::filesystem::path dir_;
    mutable std::mutex mutex_;
};

} // namespace berth::distribution
