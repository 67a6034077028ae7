// token_cache.h — internal: bearer tokens by scope until they expire, so a
// pull of twenty layers asks the token server once, not twenty times. A
// token for "pull,push" also serves a later "pull" on the same repository.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace berth::registry::detail {

// One resource a token is asked for: "repository:<name>:<actions>".
struct Scope {
    std::string repository;
    std::string actions; // "pull" or "pull,push"

    std::string str() const { return "repository:" + repository + ":" + actions; }
};
using Scopes = std::vector<Scope>;

class TokenCache {
public:
    using Clock = std::chrono::steady_clock;

    // A token whose scopes cover every action in `wanted`, not expired at `now`.
    std::optional<std::string> find(const Scopes &wanted, Clock::time_point now = Clock::now()) const;
    void store(const Scopes &granted, std::string token, Clock::time_point expires);
    // Forget tokens covering `scopes` (the registry refused them).
    void invalidate(const Scopes &scopes);

private:
    struct Entry {
        std::map<std::string, std::set<std::string>> actions; // repository → actions
        std::string token;
        Clock::time_point expires;
    };
    static std::map<std::string, std::set<std::string>> actions_of(const Scopes &scopes);
    static bool covers(const Entry &e, const std::map<std::string, std::set<std::string>> &wanted);

    mutable std::mutex mutex_;
    std::vector<Entry> entries_;
};

} // namespace berth::registry::detail
