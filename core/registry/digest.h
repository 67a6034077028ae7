// digest.h — digests as the registry client uses them. The sha256
// implementation is the core's one (images/digest.h); this adds only the
// general "algorithm:encoded" syntax check the distribution spec allows for
// digests the client merely passes along.
#pragma once

#include "images/digest.h"

#include <string>
#include <string_view>

namespace berth::registry {

// A streaming sha256 whose finish() gives "sha256:<hex>" and starts over.
class Sha256 : public images::Sha256 {
public:
    std::string finish() {
        std::string d = digest();
        reset();
        return d;
    }
};

using images::is_sha256_digest;
using images::sha256_digest;

// "algorithm:encoded" per the OCI digest grammar (any algorithm).
bool is_digest(std::string_view text);

} // namespace berth::registry
