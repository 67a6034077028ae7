#include "image_list.h"

#include <array>
#include <ctime>
#include <map>
#include <utility>

#include "byte_units.h"
#include "errors.h"
#include "format_output.h"
#include "human_time.h"
#include "images/errors.h"
#include "images/reference.h"
#include "json_text.h"

namespace berth::cli {
namespace {

constexpr std::string_view kNone = "<none>";

std::int64_t int_field(const nlohmann::json& node, const char* key, std::int64_t fallback) {
    if (!node.is_object()) return fallback;
    const auto it = node.find(key);
    return it != node.end() && it->is_number() ? it->get<std::int64_t>() : fallback;
}

// Go's time.Time.String() for the CreatedAt field.
std::string go_time_text(std::int64_t unix_seconds) {
    const auto t = static_cast<std::time_t>(unix_seconds);
    std::tm local{};
    ::localtime_r(&t, &local);
    std::array<char, 80> text{};
    std::strftime(text.data(), text.size(), "%Y-%m-%d %H:%M:%S %z %Z", &local);
    return text.data();
}

// Keeps first-seen order, unlike Go's randomly ordered maps, so output is
// stable between runs.
using Grouped = std::vector<std::pair<std::string, std::vector<std::string>>>;

std::vector<std::string>& group(Grouped& groups, const std::string& key) {
    for (auto& [name, values] : groups)
        if (name == key) return values;
    return groups.emplace_back(key, std::vector<std::string>{}).second;
}

std::optional<images::Reference> parse_quietly(const nlohmann::json& value) {
    if (!value.is_string()) return std::nullopt;
    try {
        return images::parse_normalized_named(value.get<std::string>());
    } catch (const images::Error&) {
        return std::nullopt;  // e.g. the pre-1.43 "<none>:<none>" placeholder
    }
}

nlohmann::json make_row(const nlohmann::json& image, const ImageListOptions& options, std::int64_t now,
                        std::string repo, std::string tag, std::string digest) {
    const std::string id = field_or(image, "Id", "");
    const std::int64_t created = int_field(image, "Created", 0);
    const std::int64_t size = int_field(image, "Size", 0);
    const std::int64_t shared = int_field(image, "SharedSize", -1);
    const std::int64_t containers = int_field(image, "Containers", -1);
    const auto sized = [](std::int64_t bytes) { return decimal_size(static_cast<double>(bytes), 3); };
    return {
        {"Repository", std::move(repo)},
        {"Tag", std::move(tag)},
        {"Digest", std::move(digest)},
        {"ID", options.no_trunc ? id : truncate_id(id)},
        {"CreatedSince", created_since(created, now)},
        {"CreatedAt", go_time_text(created)},
        {"Size", sized(size)},
        {"VirtualSize", sized(int_field(image, "VirtualSize", size))},
        {"SharedSize", shared < 0 ? "N/A" : sized(shared)},
        {"UniqueSize", shared < 0 ? "N/A" : sized(size - shared)},
        {"Containers", containers < 0 ? "N/A" : std::to_string(containers)},
    };
}

}  // namespace

std::string image_filters_json(const std::vector<std::string>& filters, const std::string& reference) {
    nlohmann::json args = nlohmann::json::object();
    for (const auto& filter : filters) {
        const auto eq = filter.find('=');
        if (eq == std::string::npos) throw CliError("bad format of filter (expected name=value)");
        args[filter.substr(0, eq)][filter.substr(eq + 1)] = true;
    }
    if (!reference.empty()) args["reference"][reference] = true;
    return args.empty() ? std::string() : dump_json(args);
}

std::vector<nlohmann::json> image_rows(const nlohmann::json& images, const ImageListOptions& options,
                                       std::int64_t now_unix) {
    std::vector<nlohmann::json> rows;
    if (!images.is_array()) return rows;
    for (const auto& image : images) {
        const auto& repo_tags = array_field(image, "RepoTags");
        const auto& repo_digests = array_field(image, "RepoDigests");
        if (repo_tags.empty() && repo_digests.empty()) {
            rows.push_back(make_row(image, options, now_unix, std::string(kNone), std::string(kNone),
                                    std::string(kNone)));
            continue;
        }
        Grouped tags;
        Grouped digests;
        for (const auto& text : repo_tags)
            if (auto ref = parse_quietly(text); ref && ref->tagged()) group(tags, ref->familiar_name()).push_back(ref->tag);
        for (const auto& text : repo_digests)
            if (auto ref = parse_quietly(text); ref && ref->digested())
                group(digests, ref->familiar_name()).push_back(ref->digest);

        for (const auto& [repo, repo_tag_list] : tags) {
            std::vector<std::string> repo_digest_list;
            for (auto it = digests.begin(); it != digests.end(); ++it) {
                if (it->first != repo) continue;
                // Digests of a tagged repository never get rows of their own.
                repo_digest_list = std::move(it->second);
                digests.erase(it);
                break;
            }
            if (!options.digests) repo_digest_list.clear();
            for (const auto& tag : repo_tag_list) {
                if (repo_digest_list.empty()) {
                    rows.push_back(make_row(image, options, now_unix, repo, tag, std::string(kNone)));
                    continue;
                }
                for (const auto& digest : repo_digest_list)
                    rows.push_back(make_row(image, options, now_unix, repo, tag, digest));
            }
        }
        // Pulled by digest only: the repository shows, without a tag.
        for (const auto& [repo, repo_digest_list] : digests) {
            if (options.digests) {
                for (const auto& digest : repo_digest_list)
                    rows.push_back(make_row(image, options, now_unix, repo, std::string(kNone), digest));
            } else {
                rows.push_back(make_row(image, options, now_unix, repo, std::string(kNone), ""));
            }
        }
    }
    return rows;
}

std::string default_image_format(bool digests) {
    return digests ? "table {{.Repository}}\\t{{.Tag}}\\t{{.Digest}}\\t{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}"
                   : "table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}\\t{{.CreatedSince}}\\t{{.Size}}";
}

const std::map<std::string, std::string>& image_titles() {
    static const std::map<std::string, std::string> kTitles = {
        {"Repository", "REPOSITORY"},     {"Tag", "TAG"},
        {"Digest", "DIGEST"},             {"ID", "IMAGE ID"},
        {"CreatedSince", "CREATED"},      {"CreatedAt", "CREATED AT"},
        {"Size", "SIZE"},                 {"VirtualSize", "VIRTUAL SIZE"},
        {"SharedSize", "SHARED SIZE"},    {"UniqueSize", "UNIQUE SIZE"},
        {"Containers", "CONTAINERS"},
    };
    return kTitles;
}

}  // namespace berth::cli
