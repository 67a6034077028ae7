// member_path.h — names inside an archive. Tar member names and the paths
// manifest.json / index.json use are normalised to one form ("a/b", no
// "./", no trailing "/") before they are compared or looked up, and any
// name that is absolute or climbs with ".." is refused: a hostile archive
// must never name a file outside itself.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berth::images::archive {

// "./blobs//sha256/x/" -> "blobs/sha256/x". Throws InvalidArgument naming
// the member for an empty name, an absolute one, a ".." component or a
// NUL byte. what: how the message introduces the name ("archive member").
std::string normalize_member_name(std::string_view name, std::string_view what = "archive member");

// Where a symlink named link_member pointing at target leads, as a
// normalised member name, resolved lexically against the link's own
// directory ("a/layer.tar" -> "../b/layer.tar" gives "b/layer.tar").
// nullopt when it leaves the archive (absolute, or ".." past the top).
std::optional<std::string> resolve_link_target(std::string_view link_member, std::string_view target);

} // namespace berth::images::archive
