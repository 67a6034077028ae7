#include "registry/blob_verifier.h"

#include "registry/errors.h"

namespace berth::registry {

BlobVerifier::BlobVerifier(std::string expected_digest, std::optional<std::uint64_t> expected_size, std::string what)
    : expected_digest_(std::move(expected_digest)), expected_size_(expected_size), what_(std::move(what)) {
    if (!is_sha256_digest(expected_digest_))
        throw RegistryError(ErrorCategory::Invalid,
                            "unsupported or malformed digest \"" + expected_digest_ + "\" for " + what_);
}

void BlobVerifier::update(std::string_view bytes) {
    if (expected_size_ && received_ + bytes.size() > *expected_size_)
        throw RegistryError(ErrorCategory::Corrupt, "size mismatch: got more than " + std::to_string(*expected_size_) +
                                                        " bytes for " + expected_digest_);
    hash_.update(bytes);
    received_ += bytes.size();
}

void BlobVerifier::finish() {
    if (expected_size_ && received_ < *expected_size_)
        throw RegistryError(ErrorCategory::Corrupt, "unexpected EOF: got " + std::to_string(received_) + " of " +
                                                        std::to_string(*expected_size_) + " bytes for " +
                                                        expected_digest_);
    const auto got = hash_.finish();
    if (got != expected_digest_)
        throw RegistryError(ErrorCategory::Corrupt,
                            "digest mismatch for " + what_ + " " + expected_digest_ + " : got " + got);
}

} // namespace berth::registry
