// sha256.cpp — the sha256 half of images/digest.h (Sha256, sha256_*,
// chain IDs), through OpenSSL EVP. Kept apart from digest.cpp's string
// helpers so the berth CLI, which needs only those, links no libcrypto.
#include "images/digest.h"

#include "images/errors.h"
#include "images/unique_fd.h"

#include <openssl/evp.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>
#include <utility>

namespace berth::images {
namespace {

std::string to_hex(const unsigned char *p, size_t n) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (size_t i = 0; i < n; ++i) {
        out.push_back(kHex[p[i] >> 4]);
        out.push_back(kHex[p[i] & 0xf]);
    }
    return out;
}


} // namespace

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (ctx_ == nullptr) throw InternalError("sha256: out of memory");
    reset();
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

Sha256::Sha256(Sha256 &&other) noexcept
    : ctx_(std::exchange(other.ctx_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

Sha256 &Sha256::operator=(Sha256 &&other) noexcept {
    if (this != &other) {
        EVP_MD_CTX_free(ctx_);
        ctx_ = std::exchange(other.ctx_, nullptr);
        bytes_ = std::exchange(other.bytes_, 0);
    }
    return *this;
}

void Sha256::reset() {
    if (EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) throw InternalError("sha256: init failed");
    bytes_ = 0;
}

void Sha256::update(const void *data, size_t len) {
    if (len == 0) return;
    if (EVP_DigestUpdate(ctx_, data, len) != 1) throw InternalError("sha256: update failed");
    bytes_ += len;
}

std::string Sha256::hex() const {
    EVP_MD_CTX *copy = EVP_MD_CTX_new();
    if (copy == nullptr) throw InternalError("sha256: out of memory");
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    const bool ok = EVP_MD_CTX_copy_ex(copy, ctx_) == 1 && EVP_DigestFinal_ex(copy, md, &n) == 1;
    EVP_MD_CTX_free(copy);
    if (!ok) throw InternalError("sha256: final failed");
    return to_hex(md, n);
}

std::string Sha256::digest() const { return std::string(kSha256Prefix) + hex(); }

std::string sha256_hex(std::string_view data) {
    Sha256 h;
    h.update(data);
    return h.hex();
}

std::string sha256_digest(std::string_view data) { return std::string(kSha256Prefix) + sha256_hex(data); }

std::string sha256_digest_of_fd(int fd) {
    Sha256 h;
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw InternalError(std::string("sha256: read: ") + std::strerror(errno));
        }
        if (n == 0) break;
        h.update(buf, size_t(n));
    }
    return h.digest();
}

std::string sha256_digest_of_file(const std::filesystem::path &path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT) throw NotFound("sha256: no such file " + path.string());
        throw InternalError("sha256: open " + path.string() + ": " + std::strerror(errno));
    }
    return sha256_digest_of_fd(fd.get());
}

std::string chain_id(std::string_view parent_chain, std::string_view diff_id) {
    if (parent_chain.empty()) return std::string(diff_id);
    std::string joined;
    joined.reserve(parent_chain.size() + 1 + diff_id.size());
    joined.append(parent_chain).append(" ").append(diff_id);
    return sha256_digest(joined);
}

std::vector<std::string> chain_ids(const std::vector<std::string> &diff_ids) {
    std::vector<std::string> out;
    out.reserve(diff_ids.size());
    for (const auto &d : diff_ids) out.push_back(chain_id(out.empty() ? std::string_view() : out.back(), d));
    return out;
}

} // namespace berth::images
