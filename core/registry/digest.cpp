#include "registry/digest.h"

namespace berth::registry {

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
