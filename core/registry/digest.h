// digest.h — content digests ("sha256:<64 hex>") computed with OpenSSL EVP.
// Everything a registry hands out is addressed by one, and every byte that
// comes back is checked against one.
#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace berth::registry {

// Incremental sha256, so large blobs are hashed while they stream.
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(Sha256 &&) noexcept;
    Sha256 &operator=(Sha256 &&) noexcept;
    Sha256(const Sha256 &) = delete;
    Sha256 &operator=(const Sha256 &) = delete;

    void update(std::string_view bytes);
    // "sha256:<hex>" of everything fed so far; the hasher starts over after.
    std::string finish();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// "sha256:<hex>" of `bytes`.
std::string sha256_digest(std::string_view bytes);

// True for "sha256:" followed by 64 lower-case hex digits: the only algorithm
// registries use in practice and the only one this client verifies.
bool is_sha256_digest(std::string_view digest);

// True for any well-formed "<algorithm>:<encoded>" per the OCI descriptor
// grammar (sha512 included), so references can be told apart from tags.
bool is_digest(std::string_view text);

} // namespace berth::registry
