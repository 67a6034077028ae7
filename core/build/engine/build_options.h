// build_options.h — what one build was asked to do: the query parameters of
// POST /build (legacy builder) in typed form. The route parses them; the
// engine never sees HTTP.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace berth::build {

struct BuildOptions {
    std::vector<std::string> tags;   // "t", repeated; validated references
    std::string dockerfile = "Dockerfile"; // path inside the context
    // --build-arg: name → value; nullopt = "declared but unset" (the CLI
    // sends null for `--build-arg NAME` without a value in its environment).
    std::map<std::string, std::optional<std::string>> build_args;
    std::map<std::string, std::string> labels; // --label: added to the final image
    std::string target;                        // --target: the stage to stop at
    bool no_cache = false;
    bool pull = false;       // always pull FROM images
    bool remove = true;      // remove intermediate containers after each step (rm)
    bool force_remove = false; // ... even after a failure (forcerm; failures are removed anyway)
    bool quiet = false;      // q: only the image ID
    std::string network_mode; // RUN containers' network ("" = the daemon's default)
    std::string platform;
    std::vector<std::string> extra_hosts;
    long long shm_size = 0;
    // Registry credentials for FROM pulls, X-Registry-Config decoded by the
    // route: {"registry": {"username",...}} as JSON text ("" for none).
    std::string registry_config_json;
};

} // namespace berth::build
