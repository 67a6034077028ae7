#include "images/random_id.h"

#include "images/errors.h"

#include <openssl/rand.h>

#include <vector>

namespace berth::images {

std::string random_hex(size_t bytes) {
    std::vector<unsigned char> raw(bytes);
    if (bytes > 0 && RAND_bytes(raw.data(), int(bytes)) != 1) throw InternalError("random id: RAND_bytes failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes * 2);
    for (unsigned char c : raw) {
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 0xf]);
    }
    return out;
}

} // namespace berth::images
