#include "build/engine/build_args.h"

#include <algorithm>

namespace berth::build {

namespace {
const char *const kPredefined[] = {"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY",
                                   "ftp_proxy",  "NO_PROXY",   "no_proxy",    "ALL_PROXY",   "all_proxy"};

std::string env_key(const std::string &entry) { return entry.substr(0, entry.find('=')); }
} // namespace

BuildArgs::BuildArgs(std::map<std::string, std::optional<std::string>> given) : given_(std::move(given)) {}

bool BuildArgs::is_predefined(const std::string &name) {
    return std::find(std::begin(kPredefined), std::end(kPredefined), name) != std::end(kPredefined);
}

void BuildArgs::declare_meta(const std::string &name, const std::optional<std::string> &default_value) {
    consumed_.insert(name);
    auto it = given_.find(name);
    meta_[name] = (it != given_.end() && it->second) ? it->second : default_value;
}

std::map<std::string, std::string> BuildArgs::meta_values() const {
    std::map<std::string, std::string> out;
    for (const auto &[k, v] : meta_)
        if (v) out[k] = *v;
    return out;
}

void BuildArgs::begin_stage() { stage_.clear(); }

std::optional<std::string> BuildArgs::declare(const std::string &name,
                                              const std::optional<std::string> &default_value) {
    consumed_.insert(name);
    std::optional<std::string> v = default_value;
    if (!v)
        if (auto m = meta_.find(name); m != meta_.end()) v = m->second;
    if (auto it = given_.find(name); it != given_.end() && it->second) v = it->second;
    stage_[name] = v;
    return v;
}

std::optional<std::string> BuildArgs::value(const std::string &name) const {
    if (auto it = stage_.find(name); it != stage_.end()) return it->second;
    // Predefined proxy args are usable without a declaration, as in moby.
    if (is_predefined(name))
        if (auto g = given_.find(name); g != given_.end()) return g->second;
    return std::nullopt;
}

std::vector<std::string> BuildArgs::declared_env(const std::vector<std::string> &image_env) const {
    std::set<std::string> env_names;
    for (const auto &e : image_env) env_names.insert(env_key(e));
    std::vector<std::string> out;
    for (const auto &[k, v] : stage_) // std::map: sorted by name
        if (v && !env_names.count(k) && !is_predefined(k)) out.push_back(k + "=" + *v);
    return out;
}

std::vector<std::string> BuildArgs::proxy_env() const {
    std::vector<std::string> out;
    for (const auto &[k, v] : given_)
        if (v && is_predefined(k)) out.push_back(k + "=" + *v);
    return out;
}

std::vector<std::string> BuildArgs::unconsumed() const {
    std::vector<std::string> out;
    for (const auto &[k, v] : given_)
        if (!consumed_.count(k) && !is_predefined(k)) out.push_back(k);
    return out;
}

} // namespace berth::build
