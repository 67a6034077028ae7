// import_changes.h — `docker import --change` / `docker commit --change`:
// Dockerfile instructions that edit the new image's container config. Only
// the instructions that describe a config are allowed (CMD, ENTRYPOINT, ENV,
// EXPOSE, HEALTHCHECK NONE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME,
// WORKDIR); anything else is refused as dockerd does: "<X> is not a valid
// change command".
#pragma once

#include <string>
#include <vector>

namespace berth::images {

// Applies changes in order to base_config_json (a container config object,
// "{}" for none) and returns the result. Throws InvalidArgument naming the
// bad instruction.
std::string apply_config_changes(const std::string &base_config_json, const std::vector<std::string> &changes);

} // namespace berth::images
