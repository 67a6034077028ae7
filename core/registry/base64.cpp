#include "registry/base64.h"

#include <openssl/evp.h>

namespace berth::registry::detail {

std::string base64_encode(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3), '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                                  reinterpret_cast<const unsigned char *>(bytes.data()), int(bytes.size()));
    out.resize(std::size_t(n));
    return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
    std::string in;
    in.reserve(text.size() + 3);
    for (char ch : text) {
        if (ch == '-') ch = '+';
        else if (ch == '_') ch = '/';
        else if (ch == '\n' || ch == '\r' || ch == ' ') continue;
        in += ch;
    }
    while (!in.empty() && in.back() == '=') in.pop_back();
    if (in.size() % 4 == 1) return std::nullopt;
    const std::size_t pad = (4 - in.size() % 4) % 4;
    in.append(pad, '=');
    std::string out(in.size() / 4 * 3, '\0');
    // EVP_DecodeBlock counts padding as zero bytes; drop them after.
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char *>(out.data()),
                                  reinterpret_cast<const unsigned char *>(in.data()), int(in.size()));
    if (n < 0) return std::nullopt;
    out.resize(std::size_t(n) - pad);
    return out;
}

} // namespace berth::registry::detail
