#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

// `images` / `image ls`: the filters it sends and the rows it prints, apart
// from the command so both can be tested without a daemon.
namespace berth::cli {

// The filters= value of GET /images/json: {"key":{"value":true},...} from
// -f key=value flags plus the REPO[:TAG] positional as a "reference" filter;
// "" when there are none (the parameter is then left out). Throws CliError
// "bad format of filter (expected name=value)".
std::string image_filters_json(const std::vector<std::string>& filters, const std::string& reference);

struct ImageListOptions {
    bool digests = false;
    bool no_trunc = false;
};

// One row per repository:tag (per digest too with --digests), "<none>" for
// untagged images, as docker's image formatter does. Each row is an object
// with docker's template fields: Repository, Tag, Digest, ID, CreatedSince,
// CreatedAt, Size, Containers, SharedSize, UniqueSize, VirtualSize.
std::vector<nlohmann::json> image_rows(const nlohmann::json& images, const ImageListOptions& options,
                                       std::int64_t now_unix);

// The default --format: "table {{.Repository}}\t{{.Tag}}..." with DIGEST
// after TAG when digests are shown.
std::string default_image_format(bool digests);

// Column titles of the image fields.
const std::map<std::string, std::string>& image_titles();

}  // namespace berth::cli
