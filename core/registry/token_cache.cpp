#include "registry/token_cache.h"

#include <algorithm>

namespace berth::registry::detail {

std::map<std::string, std::set<std::string>> TokenCache::actions_of(const Scopes &scopes) {
    std::map<std::string, std::set<std::string>> out;
    for (const auto &s : scopes) {
        auto &set = out[s.repository];
        std::size_t start = 0;
        while (start <= s.actions.size()) {
            const auto comma = s.actions.find(',', start);
            const auto action = s.actions.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!action.empty()) set.insert(action);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }
    return out;
}

bool TokenCache::covers(const Entry &e, const std::map<std::string, std::set<std::string>> &wanted) {
    for (const auto &[repo, actions] : wanted) {
        const auto it = e.actions.find(repo);
        if (it == e.actions.end()) return false;
        if (!std::includes(it->second.begin(), it->second.end(), actions.begin(), actions.end())) return false;
    }
    return true;
}

std::optional<std::string> TokenCache::find(const Scopes &wanted, Clock::time_point now) const {
    const auto want = actions_of(wanted);
    std::lock_guard lock(mutex_);
    for (const auto &e : entries_)
        if (e.expires > now && covers(e, want)) return e.token;
    return std::nullopt;
}

void TokenCache::store(const Scopes &granted, std::string token, Clock::time_point expires) {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    std::erase_if(entries_, [&](const Entry &e) { return e.expires <= now; });
    entries_.push_back(Entry{actions_of(granted), std::move(token), expires});
}

void TokenCache::invalidate(const Scopes &scopes) {
    const auto want = actions_of(scopes);
    std::lock_guard lock(mutex_);
    std::erase_if(entries_, [&](const Entry &e) { return covers(e, want); });
}

} // namespace berth::registry::detail
