#include "volumes/volume_name.h"

#include "images/random_id.h"

namespace berth::volumes {
namespace {

bool alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

} // namespace

std::string name_error(const std::string &name) {
    if (name.size() == 1) return "volume name is too short, names should be at least two alphanumeric characters";
    // ^[a-zA-Z0-9][a-zA-Z0-9_.-]+$ spelled out: cheaper than std::regex and
    // obviously free of surprises.
    bool ok = name.size() >= 2 && alnum(name[0]);
    for (size_t i = 1; ok && i < name.size(); ++i) {
        const char c = name[i];
        ok = alnum(c) || c == '_' || c == '.' || c == '-';
    }
    if (ok) return {};
    return "\"" + name + "\" includes invalid characters for a local volume name, only \"" + kNameChars +
           "\" are allowed. If you intended to pass a host directory, use absolute path";
}

std::string anonymous_name() { return images::random_hex(32); }

} // namespace berth::volumes
