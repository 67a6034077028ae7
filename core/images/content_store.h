// content_store.h — content-addressed blobs (image configs, manifests,
// layer archives) at <image-root>/blobs/sha256/<hex>, where image-root is
// <data-root>/image.
//
// Writes go through a BlobWriter: bytes land in <image-root>/ingest/<name>,
// hashed as they arrive; commit() checks the digest, fsyncs, renames into
// place and fsyncs the directory, so a blob is either complete and verified
// or absent, whatever instant the daemon dies at.
//
// A writer opened with a stable ingest key (a pull uses the blob's expected
// digest) keeps its partial file when it is dropped uncommitted, and a
// later writer with the same key resumes after it (resume_offset(): send
// "Range: bytes=<offset>-"). Partial files untouched for a day are swept
// when the store opens; unkeyed ones cannot be resumed and go at once.
#pragma once

#include "images/digest.h"
#include "images/unique_fd.h"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace berth::images {

class BlobWriter {
public:
    // Dropped without commit(): a keyed writer leaves its partial file for
    // a resume, an unkeyed one removes it.
    ~BlobWriter();
    BlobWriter(const BlobWriter &) = delete;
    BlobWriter &operator=(const BlobWriter &) = delete;

    // Append bytes (hashing them). Throws InternalError on I/O failure.
    void write(const void *data, size_t len);
    void write(std::string_view data) { write(data.data(), data.size()); }

    // Bytes that were already in the ingest file when this writer opened.
    uint64_t resume_offset() const { return resume_offset_; }
    // Bytes in the ingest file now (resumed plus written).
    uint64_t offset() const { return hasher_.bytes(); }
    // Discard what is there and start from zero (the source cannot resume).
    void restart();
    // Digest of the bytes so far.
    std::string digest() const { return hasher_.digest(); }

    // Verify (expected_digest: "sha256:<hex>" or empty to accept any;
    // expected_size: -1 for any), make durable, move into the store and
    // return the digest. On a mismatch the ingest file is removed and
    // DigestMismatch names both digests (or both sizes).
    std::string commit(std::string_view expected_digest = {}, int64_t expected_size = -1);
    // Remove the ingest file, whatever its key.
    void abort();

private:
    friend class ContentStore;
    BlobWriter(std::filesystem::path blob_dir, std::filesystem::path temp, UniqueFd fd, bool keyed);
    void discard() noexcept;

    std::filesystem::path blob_dir_;
    std::filesystem::path temp_;
    UniqueFd fd_;
    bool keyed_;
    bool done_ = false;
    uint64_t resume_offset_ = 0;
    Sha256 hasher_;
};

class ContentStore {
public:
    // image_root: <data-root>/image. Creates the directories and sweeps
    // ingest leftovers (keyed ones older than stale_after).
    explicit ContentStore(std::filesystem::path image_root, std::chrono::seconds stale_after = std::chrono::hours(24));

    // A writer for a new blob. With an ingest key, resumes a partial file
    // left under the same key; two live writers on one key are refused
    // (Conflict), since both would append to one file.
    std::unique_ptr<BlobWriter> writer(std::string_view ingest_key = {});
    // Write a whole small blob; returns its digest.
    std::string put(std::string_view bytes, std::string_view expected_digest = {});

    // Every digest argument must be "sha256:<64 hex>" (InvalidArgument
    // otherwise: digests never become paths unchecked).
    bool has(std::string_view digest) const;
    int64_t size(std::string_view digest) const;                                   // NotFound
    std::string read(std::string_view digest, size_t max_bytes = 32u << 20) const; // NotFound
    UniqueFd open(std::string_view digest) const;                                  // NotFound
    bool remove(std::string_view digest);                                          // false when it was not there
    std::vector<std::string> list() const;                                         // digests, sorted
    std::filesystem::path path_of(std::string_view digest) const;

    const std::filesystem::path &blob_dir() const { return blob_dir_; }
    const std::filesystem::path &ingest_dir() const { return ingest_dir_; }

private:
    void sweep_ingest(std::chrono::seconds stale_after);

    std::filesystem::path blob_dir_;
    std::filesystem::path ingest_dir_;
};

} // namespace berth::images
