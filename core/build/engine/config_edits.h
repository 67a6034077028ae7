// config_edits.h — the Dockerfile instructions that only change the image
// config (ENV, LABEL, EXPOSE, VOLUME, USER, CMD, ENTRYPOINT, SHELL,
// STOPSIGNAL, HEALTHCHECK, ONBUILD, MAINTAINER), applied to the container
// config being built, each returning the text moby puts after "#(nop) " in
// the step's history ("ENV A=1", `CMD ["sh"]`). Internal to the engine: it
// includes nlohmann/json.
#pragma once

#include "build/dockerfile/dockerfile.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::build {

// The image config a stage is building: Docker's container config object
// ("Cmd", "Entrypoint", "Env", "WorkingDir", "User", "Labels",
// "ExposedPorts", "Volumes", "StopSignal", "Healthcheck", "OnBuild",
// "Shell"), plus what only the builder tracks.
struct ConfigState {
    nlohmann::json config = nlohmann::json::object();
    std::string author;   // MAINTAINER
    bool cmd_set = false; // CMD given in this stage (ENTRYPOINT keeps it)

    std::vector<std::string> shell() const; // SHELL, else ["/bin/sh", "-c"]
    std::vector<std::string> env() const;   // Env as "K=V"
    void set_env(const std::string &key, const std::string &value);
};

struct Expander {
    std::function<std::string(std::string_view)> word;
    std::function<std::vector<std::string>(std::string_view)> words;
};

// Whether keyword is one of the instructions above.
bool is_metadata_instruction(const std::string &keyword);

// Apply ins (one of the instructions above) and return its history
// comment. Throws DockerfileError (with ins.line) for a bad argument.
std::string apply_metadata(ConfigState &state, const Instruction &ins, const Expander &expand);

// WORKDIR's new directory: relative paths join the current one; the result
// is cleaned and absolute.
std::string resolve_workdir(const std::string &current, const std::string &given);

} // namespace berth::build
