// process_args.cpp — see process_args.h (moby's ReplaceOrAppendEnvValues and
// the image/config merge done at create).
#include "containers/spec/process_args.h"

#include "containers/spec/spec_errors.h"

#include <algorithm>

namespace berth::containers::spec {
namespace {

std::string env_key(const std::string &kv) { return kv.substr(0, kv.find('=')); }

} // namespace

std::vector<std::string> merge_container_env(const std::vector<std::string> &user_env,
                                             const std::vector<std::string> &image_env) {
    std::vector<std::string> out = user_env;
    for (const auto &kv : image_env) {
        auto key = env_key(kv);
        bool set = std::any_of(user_env.begin(), user_env.end(), [&](const std::string &u) { return env_key(u) == key; });
        if (!set)
            out.push_back(kv);
    }
    return out;
}

std::vector<std::string> build_process_env(const std::string &hostname, bool tty,
                                           const std::vector<std::string> &container_env) {
    std::vector<std::string> env = {kDefaultPath, "HOSTNAME=" + hostname};
    if (tty)
        env.emplace_back("TERM=xterm");
    for (const auto &kv : container_env) {
        auto key = env_key(kv);
        auto it = std::find_if(env.begin(), env.end(), [&](const std::string &e) { return env_key(e) == key; });
        if (kv.find('=') == std::string::npos) {
            if (it != env.end())
                env.erase(it);
        } else if (it != env.end()) {
            *it = kv;
        } else {
            env.push_back(kv);
        }
    }
    return env;
}

std::vector<std::string> build_args(const std::optional<std::vector<std::string>> &user_entrypoint,
                                    const std::vector<std::string> &user_cmd,
                                    const std::vector<std::string> &image_entrypoint,
                                    const std::vector<std::string> &image_cmd) {
    std::vector<std::string> entrypoint;
    std::vector<std::string> cmd = user_cmd;
    bool user_set_entrypoint = user_entrypoint && !user_entrypoint->empty();
    if (!user_set_entrypoint) {
        if (cmd.empty())
            cmd = image_cmd;
        if (!user_entrypoint)
            entrypoint = image_entrypoint;
    } else if (!(user_entrypoint->size() == 1 && user_entrypoint->front().empty())) {
        entrypoint = *user_entrypoint; // --entrypoint "" sends [""]: no entrypoint at all
    }
    std::vector<std::string> args = entrypoint;
    args.insert(args.end(), cmd.begin(), cmd.end());
    if (args.empty())
        throw invalid_argument("No command specified");
    return args;
}

} // namespace berth::containers::spec
