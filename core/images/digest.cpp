#include "images/digest.h"

#include "images/errors.h"

namespace berth::images {
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// go-digest's DigestRegexp, anchored: [a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+
// Decides "unsupported algorithm" versus "invalid format" for unknown algorithms.
bool matches_digest_grammar(std::string_view s) {
    const auto colon = s.find(':');
    if (colon == std::string_view::npos) return false;
    const auto alg = s.substr(0, colon);
    const auto enc = s.substr(colon + 1);
    bool need_alnum = true;
    for (char c : alg) {
        if (is_lower_alnum(c)) {
            need_alnum = false;
        } else if (c == '.' || c == '+' || c == '_' || c == '-') {
            if (need_alnum) return false;
            need_alnum = true;
        } else {
            return false;
        }
    }
    if (need_alnum || enc.empty()) return false;
    for (char c : enc) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '=' ||
                        c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}


} // namespace

bool is_lower_hex(std::string_view s) {
    for (char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    return true;
}

bool is_identifier(std::string_view s) { return s.size() == 64 && is_lower_hex(s); }

bool is_sha256_digest(std::string_view s) {
    return s.size() == kSha256Prefix.size() + 64 && s.substr(0, kSha256Prefix.size()) == kSha256Prefix &&
           is_lower_hex(s.substr(kSha256Prefix.size()));
}

void validate_digest(std::string_view s) {
    const auto colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == s.size())
        throw InvalidArgument("invalid checksum digest format");
    const auto alg = s.substr(0, colon);
    const auto enc = s.substr(colon + 1);
    size_t hex_len = 0;
    if (alg == "sha256")
        hex_len = 64;
    else if (alg == "sha384")
        hex_len = 96;
    else if (alg == "sha512")
        hex_len = 128;
    else if (!matches_digest_grammar(s))
        throw InvalidArgument("invalid checksum digest format");
    else
        throw InvalidArgument("unsupported digest algorithm");
    if (enc.size() != hex_len) throw InvalidArgument("invalid checksum digest length");
    if (!is_lower_hex(enc)) throw InvalidArgument("invalid checksum digest format");
}

void require_sha256_digest(std::string_view s) {
    validate_digest(s);
    if (!is_sha256_digest(s)) throw InvalidArgument("unsupported digest algorithm: " + std::string(s));
}

std::string_view digest_hex(std::string_view digest) {
    const auto colon = digest.find(':');
    return colon == std::string_view::npos ? digest : digest.substr(colon + 1);
}

std::string short_id(std::string_view id) { return std::string(digest_hex(id).substr(0, 12)); }

} // namespace berth::images
