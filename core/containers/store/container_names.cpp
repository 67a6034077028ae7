#include "containers/store/container_names.h"

#include "containers/store/errors.h"
#include "containers/store/name_words.h"

#include <random>

namespace berth::containers {

namespace {
bool name_char(char c, bool first) {
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    return alnum || (!first && (c == '_' || c == '.' || c == '-'));
}

// Names need no cryptographic randomness, only a source each thread may use.
std::mt19937_64 &rng() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return engine;
}

size_t pick(size_t n) { return std::uniform_int_distribution<size_t>(0, n - 1)(rng()); }
} // namespace

std::string canonical_container_name(std::string_view user_name) {
    std::string_view name = user_name;
    if (!name.empty() && name.front() == '/') name.remove_prefix(1);
    // The pattern needs at least two characters: one leading, one or more after.
    bool ok = name.size() >= 2;
    for (size_t i = 0; ok && i < name.size(); ++i) ok = name_char(name[i], i == 0);
    if (!ok)
        throw InvalidArgument("Invalid container name (" + std::string(name) +
                              "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    return "/" + std::string(name);
}

std::string random_container_name(unsigned retry) {
    const auto adjectives = name_adjectives();
    const auto surnames = name_surnames();
    std::string name;
    do {
        name = std::string(adjectives[pick(adjectives.size())]) + "_" + std::string(surnames[pick(surnames.size())]);
    } while (name == "boring_wozniak");
    for (unsigned i = 0; i < retry; ++i) name += static_cast<char>('0' + pick(10));
    return name;
}

} // namespace berth::containers
