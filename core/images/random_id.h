// random_id.h — random lowercase hex from OpenSSL's CSPRNG: storage cache
// ids (64 hex, the ABI's id format) and temp names nobody can predict.
#pragma once

#include <cstddef>
#include <string>

namespace berth::images {

// 2*bytes lowercase hex characters. Throws InternalError if the RNG fails.
std::string random_hex(size_t bytes = 32);

} // namespace berth::images
