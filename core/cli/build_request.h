#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "commands/build_command.h"
#include "run_flags.h"

// The query string and headers of POST /build, as the docker CLI sends them
// for the legacy builder (engine API §7): keys in Go's sorted order, tags
// and extra hosts repeated, build args and labels as JSON objects, rm=0 only
// to opt out, the flags docker sends as "1" only when set.
namespace berth::cli {

// "?buildargs=...&dockerfile=...&...&version=1". `dockerfile` is the path
// of the Dockerfile inside the context tar. Throws CliError/UsageError with
// docker's words for a bad tag, build arg or --shm-size.
std::string build_query(const BuildOptions& options, std::string_view dockerfile, const EnvLookup& lookup);

// --build-arg values as the API takes them: {"K":"V"}, and {"K":null} for a
// bare K the environment does not define (declared, but unset).
nlohmann::json build_args_json(const std::vector<std::string>& entries, const EnvLookup& lookup);

// X-Registry-Config: base64url of {"<server>": AuthConfig, ...} for every
// login in the CLI's login file, so the daemon can pull private base images;
// "e30=" ({}) when there are none.
std::string registry_config_header(const std::filesystem::path& credentials_file);

}  // namespace berth::cli
