// reference.h — image references parsed and normalised exactly as Docker's
// distribution/reference library does (Parse, ParseNormalizedNamed,
// ParseAnyReference, ParseDockerRef, familiar forms), so names, errors and
// the keys of the reference store match what the docker CLI expects.
//
//   busybox                      -> docker.io/library/busybox        (familiar "busybox")
//   busybox:1.36                 -> docker.io/library/busybox:1.36
//   me/app                       -> docker.io/me/app                 (no library/: two components)
//   localhost/app, host:5000/app -> the first component is the registry
//   app@sha256:<64 hex>          -> digested; name:tag@digest keeps both
//
// The first '/'-separated component names a registry when it contains '.'
// or ':', is "localhost", or has an uppercase letter; otherwise the registry
// is docker.io, and a single component gets "library/" in front.
// All parse failures throw InvalidReference with Docker's message.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berth::images {

inline constexpr std::string_view kDefaultDomain = "docker.io";
inline constexpr std::string_view kLegacyDefaultDomain = "index.docker.io";
inline constexpr std::string_view kOfficialRepoPrefix = "library/";
inline constexpr std::string_view kDefaultTag = "latest";
inline constexpr size_t kRepositoryNameMax = 255; // characters of the path

struct Reference {
    std::string domain; // "docker.io", "localhost:5000"; empty only from parse_reference
    std::string path;   // "library/busybox"
    std::string tag;    // empty: none
    std::string digest; // "sha256:<hex>"; empty: none

    // "docker.io/library/busybox": the repository, no tag or digest.
    std::string name() const;
    // The full canonical form: name[:tag][@digest].
    std::string string() const;
    // Docker's display forms: "busybox", "me/app", "127.0.0.1:5000/busybox".
    std::string familiar_name() const;
    // familiar_name()[:tag][@digest]: "busybox:latest".
    std::string familiar_string() const;

    bool tagged() const { return !tag.empty(); }
    bool digested() const { return !digest.empty(); }
    bool name_only() const { return tag.empty() && digest.empty(); }

    // The repository alone (TrimNamed).
    Reference trimmed() const;
    // Adds ":latest" when there is neither tag nor digest (TagNameOnly).
    Reference tag_name_only() const;
    // ParseDockerRef's shape: digested when a digest is present (the tag is
    // dropped), else tagged with "latest" as the default.
    Reference docker_ref() const;
    // Replace the tag; throws InvalidReference("invalid tag format").
    Reference with_tag(std::string_view new_tag) const;
    // Replace the digest; throws InvalidReference with go-digest's message.
    Reference with_digest(std::string_view new_digest) const;

    bool operator==(const Reference &) const = default;
};

// distribution's Parse: the grammar only, no normalisation (the domain is
// whatever the first component is when it looks like one, else empty).
Reference parse_reference(std::string_view s);

// ParseNormalizedNamed: what every user-supplied name goes through.
Reference parse_normalized_named(std::string_view s);

// ParseAnyReference: a bare 64-hex ID or a "sha256:<hex>" digest is an ID
// (digest set, name empty); anything else goes to parse_normalized_named.
struct AnyReference {
    std::optional<Reference> named; // set for names
    std::string id;                 // "sha256:<hex>" when the input was an ID
};
AnyReference parse_any_reference(std::string_view s);

// The /images/{name}/tag (repo, tag) pair and `docker import` repo[:tag]:
// repo is normalised, must not carry a digest, and tag defaults to latest.
Reference parse_repo_and_tag(std::string_view repo, std::string_view tag);

// tag := [\w][\w.-]{0,127}
bool is_valid_tag(std::string_view tag);
// remote-name := path-component ('/' path-component)*, lowercase.
bool is_valid_remote_name(std::string_view path);
// domain := host [':' port]; host := domain-name | '[' ipv6 ']'
bool is_valid_domain(std::string_view domain);

// Docker's isImageIDPrefix: whether s names image_id ("sha256:<hex>") by a
// prefix of its hex or of its full string. rmi uses it to tell "remove by
// ID" from "remove by reference".
bool is_image_id_prefix(std::string_view image_id, std::string_view s);

} // namespace berth::images
