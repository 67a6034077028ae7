// hash.hpp — a fast 64-bit content fingerprint for comparing files, tar
// entries and what the kit wrote. Not cryptographic: the kit only needs to
// notice a driver that corrupted or truncated data, and it hashes gigabytes
// (a 1 GiB sparse file several times), so it mixes 8 bytes per step.
// Holes and written zeros hash the same: update_zeros() lets a reader feed a
// sparse tar's gaps without materialising them.
#pragma once

#include <cstddef>
#include <cstdint>

namespace conformance {

class Hasher {
public:
    void update(const void *data, size_t n);
    void update_zeros(uint64_t n);
    // The fingerprint of everything fed so far (the hasher stays usable).
    uint64_t digest() const;
    uint64_t length() const { return total_; }

private:
    void mix(uint64_t word);
    uint64_t h_ = 0x9e3779b97f4a7c15ULL;
    unsigned char buf_[8] = {};
    size_t fill_ = 0;
    uint64_t total_ = 0;
};

} // namespace conformance
