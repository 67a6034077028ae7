#pragma once

#include <optional>
#include <string>
#include <string_view>

// What the docker CLI does to a user's image name before a pull, push or tag
// request: normalise it (busybox -> docker.io/library/busybox), apply the
// default tag, and split it into the query parameters the Engine API takes.
// Invalid names throw CliError with distribution/reference's message.
namespace berth::cli {

// docker's name for Docker Hub in config.json and X-Registry-Auth.
inline constexpr std::string_view kDockerHubServer = "https://index.docker.io/v1/";

struct PullTarget {
    std::string from_image;          // "docker.io/library/busybox"
    std::optional<std::string> tag;  // "latest", "sha256:..." for a digest; none with -a
    bool default_tag_added = false;  // print "Using default tag: latest"
    std::string reference;           // printed when done: "docker.io/library/busybox:latest"
    std::string domain;              // registry whose login to send
};

// `pull NAME[:TAG|@DIGEST]` and `pull -a NAME`.
PullTarget pull_target(std::string_view name, bool all_tags);

struct PushTarget {
    std::string name;                // familiar: "busybox", "localhost:5000/app"
    std::optional<std::string> tag;  // none with -a
    bool default_tag_added = false;
    std::string domain;
};

// `push NAME[:TAG]`; digests are refused ("cannot push a digest reference").
PushTarget push_target(std::string_view name, bool all_tags);

struct TagTarget {
    std::string repo;  // "docker.io/library/busybox"
    std::string tag;   // "latest" when none was given
};

// TARGET of `tag SOURCE TARGET`; digests are refused.
TagTarget tag_target(std::string_view target);

// Throws CliError unless `name` is a valid reference; `import` checks its
// REPOSITORY[:TAG] argument this way before sending it.
void validate_reference(std::string_view name);

// The server address logins for `domain` are stored under and sent as
// "serveraddress": Docker Hub's v1 URL for docker.io, else the domain.
std::string auth_server_for(std::string_view domain);

}  // namespace berth::cli
