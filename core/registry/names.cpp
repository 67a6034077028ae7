#include "registry/names.h"

#include "registry/digest.h"
#include "registry/errors.h"

#include <string>

namespace berth::registry {
namespace {

bool is_lower_alnum(char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9'); }

// One path component: alphanumeric runs joined by a separator.
bool is_valid_component(std::string_view c) {
    if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
    for (std::size_t i = 0; i < c.size();) {
        if (is_lower_alnum(c[i])) {
            ++i;
            continue;
        }
        // A separator run: ".", "_", "__", or any number of "-".
        std::size_t j = i;
        while (j < c.size() && !is_lower_alnum(c[j])) ++j;
        const auto sep = c.substr(i, j - i);
        const bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
        if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
        i = j;
    }
    return true;
}

} // namespace

bool is_valid_repository(std::string_view name) {
    if (name.empty() || name.size() > 255) return false;
    std::size_t start = 0;
    while (true) {
        const auto slash = name.find('/', start);
        const auto end = slash == std::string_view::npos ? name.size() : slash;
        if (!is_valid_component(name.substr(start, end - start))) return false;
        if (slash == std::string_view::npos) return true;
        start = slash + 1;
    }
}

bool is_valid_tag(std::string_view tag) {
    if (tag.empty() || tag.size() > 128) return false;
    auto word = [](char ch) {
        return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_';
    };
    if (!word(tag.front())) return false;
    for (char ch : tag)
        if (!word(ch) && ch != '.' && ch != '-') return false;
    return true;
}

void check_repository(std::string_view name) {
    if (!is_valid_repository(name))
        throw RegistryError(ErrorCategory::Invalid, "invalid repository name \"" + std::string(name) +
                                                        "\": must be lower-case path components");
}

void check_reference(std::string_view reference) {
    if (!is_valid_tag(reference) && !is_digest(reference))
        throw RegistryError(ErrorCategory::Invalid, "invalid reference \"" + std::string(reference) +
                                                        "\": neither a tag nor a digest");
}

void check_digest(std::string_view digest) {
    if (!is_digest(digest))
        throw RegistryError(ErrorCategory::Invalid, "invalid digest \"" + std::string(digest) + "\"");
}

} // namespace berth::registry
