// process_args.h — the pieces of process{} that come from merging the image
// config with the create request: environment and argv.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace berth::containers::spec {

inline constexpr const char *kDefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// Docker's create-time merge: the user's Env first, then image variables the
// user did not set (by key).
std::vector<std::string> merge_container_env(const std::vector<std::string> &user_env,
                                             const std::vector<std::string> &image_env);

// process.env: PATH default, HOSTNAME, TERM=xterm (tty), then the container
// env; a key already present is replaced in place, a bare KEY removes it.
std::vector<std::string> build_process_env(const std::string &hostname, bool tty,
                                           const std::vector<std::string> &container_env);

// Entrypoint + Cmd. A null user Entrypoint takes the image's; the image Cmd
// applies only when the user gave no Entrypoint and no Cmd. An Entrypoint of
// [""] clears it. Throws "No command specified" when nothing is left.
std::vector<std::string> build_args(const std::optional<std::vector<std::string>> &user_entrypoint,
                                    const std::vector<std::string> &user_cmd,
                                    const std::vector<std::string> &image_entrypoint,
                                    const std::vector<std::string> &image_cmd);

} // namespace berth::containers::spec
