#include "registry/digest.h"

#include <openssl/evp.h>

#include <stdexcept>

namespace berth::registry {

struct Sha256::Impl {
    EVP_MD_CTX *ctx = nullptr;

    Impl() : ctx(EVP_MD_CTX_new()) {
        if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) != 1)
            throw std::runtime_error("sha256: cannot initialise OpenSSL digest context");
    }
    ~Impl() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : impl_(std::make_unique<Impl>()) {}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256 &&) noexcept = default;
Sha256 &Sha256::operator=(Sha256 &&) noexcept = default;

void Sha256::update(std::string_view bytes) {
    if (!bytes.empty() && EVP_DigestUpdate(impl_->ctx, bytes.data(), bytes.size()) != 1)
        throw std::runtime_error("sha256: digest update failed");
}

std::string Sha256::finish() {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(impl_->ctx, md, &len) != 1 || EVP_DigestInit_ex(impl_->ctx, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("sha256: digest finalisation failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out = "sha256:";
    for (unsigned int i = 0; i < len; ++i) {
        out += kHex[md[i] >> 4];
        out += kHex[md[i] & 0xf];
    }
    return out;
}

std::string sha256_digest(std::string_view bytes) {
    Sha256 h;
    h.update(bytes);
    return h.finish();
}

bool is_sha256_digest(std::string_view digest) {
    constexpr std::string_view prefix = "sha256:";
    if (digest.size() != prefix.size() + 64 || digest.substr(0, prefix.size()) != prefix) return false;
    for (char ch : digest.substr(prefix.size()))
        if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f'))) return false;
    return true;
}

// OCI: algorithm ::= component ([+._-] component)*, component ::= [a-z0-9]+,
// encoded ::= [a-zA-Z0-9=_-]+.
bool is_digest(std::string_view text) {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return false;
    const auto algorithm = text.substr(0, colon);
    bool prev_sep = true;
    for (char ch : algorithm) {
        const bool sep = ch == '+' || ch == '.' || ch == '_' || ch == '-';
        const bool alnum = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
        if (!(sep || alnum) || (sep && prev_sep)) return false;
        prev_sep = sep;
    }
    if (prev_sep) return false;
    for (char ch : text.substr(colon + 1)) {
        const bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                        ch == '=' || ch == '_' || ch == '-';
        if (!ok) return false;
    }
    return algorithm != "sha256" || is_sha256_digest(text);
}

} // namespace berth::registry
