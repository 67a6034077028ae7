#include "distribution/blob_sources.h"

#include "images/digest.h"
#include "images/errors.h"
#include "util/atomic_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

namespace berth::distribution {
namespace {

std::string full_name(const BlobLocation &l) { return l.registry + "/" + l.repository; }

// "127.0.0.1:5000/a/b" -> {"127.0.0.1:5000", "a/b"}; the registry is always
// written first, so the first component is it.
std::optional<BlobLocation> split_full_name(const std::string &name) {
    const auto slash = name.find('/');
    if (slash == std::string::npos || slash == 0 || slash + 1 == name.size()) return std::nullopt;
    return BlobLocation{name.substr(0, slash), name.substr(slash + 1)};
}

} // namespace

BlobSourceIndex::BlobSourceIndex(const std::filesystem::path &data_root)
    : dir_(data_root / "image" / "distribution" / "v2metadata-by-digest" / "sha256") {}

std::filesystem::path BlobSourceIndex::file_of(const std::string &digest) const {
    images::require_sha256_digest(digest);
    return dir_ / std::string(images::digest_hex(digest));
}

std::vector<BlobLocation> BlobSourceIndex::read_locked(const std::string &digest) const {
    std::ifstream in(file_of(digest));
    if (!in) return {};
    std::stringstream text;
    text << in.rdbuf();
    std::vector<BlobLocation> out;
    const auto json = nlohmann::json::parse(text.str(), nullptr, false);
    if (!json.is_array()) return {};
    for (const auto &entry : json) {
        if (!entry.is_object() || !entry.contains("SourceRepository") || !entry["SourceRepository"].is_string())
            continue;
        if (auto loc = split_full_name(entry["SourceRepository"].get<std::string>())) out.push_back(std::move(*loc));
    }
    return out;
}

void BlobSourceIndex::write_locked(const std::string &digest, const std::vector<BlobLocation> &locations) {
    const auto file = file_of(digest);
    if (locations.empty()) {
        std::error_code ec;
        std::filesystem::remove(file, ec);
        return;
    }
    auto json = nlohmann::json::array();
    for (const auto &l : locations)
        json.push_back({{"Digest", digest}, {"SourceRepository", full_name(l)}, {"HMAC", ""}});
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) throw images::InternalError("blob sources: create " + dir_.string() + ": " + ec.message());
    if (!util::write_file_atomic(file, json.dump(), 0644))
        throw images::InternalError("blob sources: write " + file.string() + ": " + std::strerror(errno));
}

void BlobSourceIndex::add(const std::string &digest, const std::string &registry, const std::string &repository) {
    const BlobLocation location{registry, repository};
    std::lock_guard lock(mutex_);
    auto list = read_locked(digest);
    if (!list.empty() && list.back() == location) return; // already the newest: no write
    std::erase(list, location);
    list.push_back(location);
    if (list.size() > kMaxLocationsPerBlob) list.erase(list.begin(), list.end() - kMaxLocationsPerBlob);
    write_locked(digest, list);
}

std::vector<BlobLocation> BlobSourceIndex::locations(const std::string &digest) const {
    std::lock_guard lock(mutex_);
    auto list = read_locked(digest);
    std::reverse(list.begin(), list.end());
    return list;
}

void BlobSourceIndex::remove(const std::string &digest, const BlobLocation &location) {
    std::lock_guard lock(mutex_);
    auto list = read_locked(digest);
    if (std::erase(list, location) == 0) return;
    write_locked(digest, list);
}

} // namespace berth::distribution
