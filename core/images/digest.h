// digest.h — content digests ("sha256:<64 lowercase hex>") computed with
// OpenSSL EVP, validation with go-digest's rules and wording, and the OCI
// chain ID that names a stack of layers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

struct evp_md_ctx_st; // OpenSSL's EVP_MD_CTX, kept out of this header

namespace berth::images {

inline constexpr std::string_view kSha256Prefix = "sha256:";

// Lowercase hex digits only (the encoding every digest here uses).
bool is_lower_hex(std::string_view s);
// 64 lowercase hex: an image ID or layer ID without its "sha256:" prefix.
bool is_identifier(std::string_view s);
// "sha256:" followed by 64 lowercase hex.
bool is_sha256_digest(std::string_view s);

// go-digest's Validate: "<alg>:<hex>" with a known algorithm (sha256,
// sha384, sha512) and the right length. Throws InvalidArgument with its
// messages: "invalid checksum digest format", "invalid checksum digest
// length", "unsupported digest algorithm".
void validate_digest(std::string_view s);
// validate_digest, and the algorithm must be sha256 (the only one the
// content store keeps).
void require_sha256_digest(std::string_view s);

// The encoded part after "<alg>:" (the whole string when there is no ':').
std::string_view digest_hex(std::string_view digest);
// Docker's stringid.TruncateID: drop "<alg>:" and keep 12 characters.
std::string short_id(std::string_view id);

// Streaming sha256. digest() may be asked at any point without disturbing
// later update() calls (it finalises a copy of the context).
class Sha256 {
public:
    Sha256();
    ~Sha256();
    Sha256(Sha256 &&other) noexcept;
    Sha256 &operator=(Sha256 &&other) noexcept;
    Sha256(const Sha256 &) = delete;
    Sha256 &operator=(const Sha256 &) = delete;

    void update(const void *data, size_t len);
    void update(std::string_view data) { update(data.data(), data.size()); }
    void reset();
    std::string hex() const;    // 64 lowercase hex
    std::string digest() const; // "sha256:<hex>"
    uint64_t bytes() const { return bytes_; }

private:
    evp_md_ctx_st *ctx_ = nullptr;
    uint64_t bytes_ = 0;
};

std::string sha256_hex(std::string_view data);
std::string sha256_digest(std::string_view data);
// Reads fd from its current offset to EOF.
std::string sha256_digest_of_fd(int fd);
std::string sha256_digest_of_file(const std::filesystem::path &path);

// ChainID(L0) = DiffID(L0); ChainID(L0..Ln) = sha256(ChainID(L0..Ln-1) + " " +
// DiffID(Ln)), where both strings hashed keep their "sha256:" prefix.
// parent_chain "" means diff_id is the base layer.
std::string chain_id(std::string_view parent_chain, std::string_view diff_id);
// The chain ID of every prefix of diff_ids, base first.
std::vector<std::string> chain_ids(const std::vector<std::string> &diff_ids);

} // namespace berth::images
