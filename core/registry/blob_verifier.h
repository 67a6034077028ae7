// blob_verifier.h — checks a blob while it streams: sha256 over every byte,
// the byte count against the descriptor's size. Nothing from a registry is
// trusted until finish() passed.
#pragma once

#include "registry/digest.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace berth::registry {

class BlobVerifier {
public:
    // `what` names the blob in messages ("layer", "config").
    BlobVerifier(std::string expected_digest, std::optional<std::uint64_t> expected_size, std::string what = "layer");

    // Throws RegistryError (Corrupt) as soon as more bytes arrive than the
    // expected size.
    void update(std::string_view bytes);

    std::uint64_t received() const { return received_; }

    // Throws RegistryError (Corrupt):
    //   "unexpected EOF: got N of M bytes for sha256:…"
    //   "digest mismatch for layer sha256:… : got sha256:…"
    void finish();

private:
    std::string expected_digest_;
    std::optional<std::uint64_t> expected_size_;
    std::string what_;
    Sha256 hash_;
    std::uint64_t received_ = 0;
};

} // namespace berth::registry
