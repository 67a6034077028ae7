// image_json.h — the image objects of the Engine API, built from the image
// stores: the /images/json summary, /images/{name}/json inspect and the
// /images/{name}/history rows. JSON text out, so the JSON library stays in
// the .cpp.
#pragma once

#include "images/image_service.h"

#include <string>

namespace berth::api {

// {Id, ParentId, RepoTags, RepoDigests, Created, Size, SharedSize,
//  VirtualSize, Labels, Containers}; RepoTags and RepoDigests come from refs
// (a reference filter lists only the names that matched, as dockerd does).
std::string image_summary_json(images::ImageService &service, const images::Image &image,
                               const std::vector<images::Reference> &refs);

// The inspect object; driver_name is GraphDriver.Name.
std::string image_inspect_json(images::ImageService &service, const images::Image &image);

// Newest first, one row per history entry.
std::string image_history_json(images::ImageService &service, const images::Image &image);

// Familiar "repo:tag" and "repo@digest" names of an image.
std::vector<std::string> repo_tags(images::ImageService &service, const std::string &image_id);
std::vector<std::string> repo_digests(images::ImageService &service, const std::string &image_id);

// Seconds since the epoch of an RFC 3339 time, 0 when absent or malformed.
int64_t unix_seconds(const std::string &rfc3339);

} // namespace berth::api
