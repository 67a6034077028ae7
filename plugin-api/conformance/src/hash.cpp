#include "hash.hpp"

#include <cstring>

namespace conformance {

void Hasher::mix(uint64_t word) {
    // The added constant keeps a run of zero words from collapsing the state.
    h_ = ((h_ ^ word) + 0x2545f4914f6cdd1dULL) * 0x100000001b3ULL;
    h_ ^= h_ >> 31;
}

void Hasher::update(const void *data, size_t n) {
    auto *p = static_cast<const unsigned char *>(data);
    total_ += n;
    while (n > 0 && fill_ != 0) {
        buf_[fill_++] = *p++;
        --n;
        if (fill_ == 8) {
            uint64_t w;
            std::memcpy(&w, buf_, 8);
            mix(w);
            fill_ = 0;
        }
    }
    for (; n >= 8; n -= 8, p += 8) {
        uint64_t w;
        std::memcpy(&w, p, 8);
        mix(w);
    }
    while (n > 0) {
        buf_[fill_++] = *p++;
        --n;
    }
}

void Hasher::update_zeros(uint64_t n) {
    static const unsigned char zeros[8] = {};
    // Align to a word boundary, then mix whole zero words without memory.
    while (n > 0 && fill_ != 0) {
        update(zeros, 1);
        --n;
    }
    total_ += n - n % 8;
    for (uint64_t i = 0; i < n / 8; ++i) mix(0);
    update(zeros, static_cast<size_t>(n % 8));
}

uint64_t Hasher::digest() const {
    Hasher copy = *this;
    unsigned char tail[8] = {};
    std::memcpy(tail, buf_, fill_);
    uint64_t w;
    std::memcpy(&w, tail, 8);
    copy.mix(w);
    copy.mix(total_);
    return copy.h_;
}

} // namespace conformance
