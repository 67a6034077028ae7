#include "images/image_store.h"

#include "images/content_store.h"
#include "images/digest.h"
#include "images/errors.h"
#include "images/fs_util.h"
#include "images/layer_store.h"
#include "images/random_id.h"
#include "util/atomic_file.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

namespace berth::images {
namespace {

std::vector<std::string> split_lines(const std::string &s) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start < s.size()) {
        auto end = s.find('\n', start);
        if (end == std::string::npos) end = s.size();
        std::string line = s.substr(start, end - start);
        if (!line.empty()) out.push_back(std::move(line));
        start = end + 1;
    }
    return out;
}

} // namespace

ImageStore::ImageStore(std::filesystem::path image_root, ContentStore &content, LayerStore &layers)
    : meta_dir_(image_root / "imagedb" / "metadata" / "sha256"), tmp_dir_(image_root / "imagedb" / "tmp"),
      content_(content), layers_(layers) {
    fsx::make_dirs(meta_dir_);
    fsx::make_dirs(tmp_dir_);
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(tmp_dir_, ec)) fsx::remove_tree(entry.path());
    load();
}

std::filesystem::path ImageStore::record_dir(const std::string &id) const {
    require_sha256_digest(id);
    return meta_dir_ / std::string(digest_hex(id));
}

std::optional<Image> ImageStore::read_image(const std::string &id) const {
    Image img;
    img.id = id;
    const auto dir = record_dir(id);
    try {
        img.config = parse_image_config(content_.read(id));
    } catch (const Error &e) {
        spdlog::warn("image store: ignoring image {}: {}", id, e.what());
        return std::nullopt;
    }
    img.chain_ids = chain_ids(img.config.diff_ids);
    for (const auto &chain : img.chain_ids)
        if (!layers_.has(chain)) spdlog::warn("image store: image {} is missing layer {}", id, chain);
    img.parent = fsx::read_trimmed(dir / "parent").value_or("");
    img.last_updated = fsx::read_trimmed(dir / "lastUpdated").value_or("");
    img.manifests = split_lines(fsx::read_file(dir / "manifests").value_or(""));
    return img;
}

void ImageStore::load() {
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(meta_dir_, ec)) {
        const auto hex = entry.path().filename().string();
        if (!is_identifier(hex) || !entry.is_directory(ec)) continue;
        if (auto img = read_image(std::string(kSha256Prefix) + hex)) images_[img->id] = std::move(*img);
    }
}

Image ImageStore::create_from_config(std::string_view config_bytes, const std::string &parent) {
    ImageConfig config = parse_image_config(config_bytes);
    const std::string id = sha256_digest(config_bytes);
    {
        std::lock_guard lock(mutex_);
        if (auto it = images_.find(id); it != images_.end()) return it->second;
    }
    if (!parent.empty()) require_sha256_digest(parent);
    Image img;
    img.id = id;
    img.chain_ids = chain_ids(config.diff_ids);
    for (size_t i = 0; i < img.chain_ids.size(); ++i) {
        const auto layer = layers_.get(img.chain_ids[i]);
        if (!layer || layer->diff_id != config.diff_ids[i])
            throw NotFound("image config " + id + ": layer " + std::to_string(i) + " (diff_id " + config.diff_ids[i] +
                           ") is not registered");
    }
    img.config = std::move(config);
    img.parent = parent;

    content_.put(config_bytes, id);
    std::lock_guard lock(mutex_);
    if (auto it = images_.find(id); it != images_.end()) return it->second; // raced with another create
    const auto tmp = tmp_dir_ / ("create-" + random_hex(8));
    fsx::make_dirs(tmp);
    try {
        if (!parent.empty()) fsx::write_file_synced(tmp / "parent", parent);
        fsx::fsync_dir(tmp);
        if (::rename(tmp.c_str(), record_dir(id).c_str()) != 0) fsx::throw_errno("commit image " + id, errno);
        fsx::fsync_dir(meta_dir_);
    } catch (...) {
        fsx::remove_tree(tmp);
        throw;
    }
    images_[id] = img;
    return img;
}

std::optional<Image> ImageStore::find(const std::string &id) const {
    std::lock_guard lock(mutex_);
    auto it = images_.find(id);
    if (it == images_.end()) return std::nullopt;
    return it->second;
}

Image ImageStore::get(const std::string &id) const {
    auto img = find(id);
    if (!img) throw NotFound("No such image: " + id);
    return std::move(*img);
}

bool ImageStore::has(const std::string &id) const {
    std::lock_guard lock(mutex_);
    return images_.count(id) != 0;
}

std::vector<Image> ImageStore::list() const {
    std::lock_guard lock(mutex_);
    std::vector<Image> out;
    out.reserve(images_.size());
    for (const auto &[id, img] : images_) out.push_back(img);
    return out;
}

std::string ImageStore::config_bytes(const std::string &id) const {
    if (!has(id)) throw NotFound("No such image: " + id);
    return content_.read(id);
}

std::vector<std::string> ImageStore::children(const std::string &id) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto &[other, img] : images_)
        if (img.parent == id) out.push_back(other);
    return out;
}

std::set<std::string> ImageStore::chains_in_use() const {
    std::lock_guard lock(mutex_);
    std::set<std::string> out;
    for (const auto &[id, img] : images_) out.insert(img.chain_ids.begin(), img.chain_ids.end());
    return out;
}

void ImageStore::remove(const std::string &id) {
    std::lock_guard lock(mutex_);
    if (images_.count(id) == 0) throw NotFound("No such image: " + id);
    // The record goes first (one rename): from then on the image does not
    // exist, and a crash before the blob goes only leaves garbage for gc.
    const auto gone = tmp_dir_ / ("remove-" + random_hex(8));
    if (::rename(record_dir(id).c_str(), gone.c_str()) != 0) fsx::throw_errno("remove image " + id, errno);
    fsx::fsync_dir(meta_dir_);
    fsx::remove_tree(gone);
    images_.erase(id);
    content_.remove(id);
}

std::string ImageStore::resolve_prefix(std::string_view prefix) const {
    std::string_view hex = prefix;
    if (hex.starts_with(kSha256Prefix)) hex.remove_prefix(kSha256Prefix.size());
    if (hex.empty() || hex.size() > 64 || !is_lower_hex(hex)) throw NotFound("No such image: " + std::string(prefix));
    const std::string key = std::string(kSha256Prefix) + std::string(hex);
    std::lock_guard lock(mutex_);
    auto it = images_.lower_bound(key);
    if (it == images_.end() || !it->first.starts_with(key)) throw NotFound("No such image: " + std::string(prefix));
    auto next = std::next(it);
    if (next != images_.end() && next->first.starts_with(key))
        throw AmbiguousPrefix("image ID prefix " + std::string(prefix) + " is ambiguous");
    return it->first;
}

void ImageStore::write_meta(const std::string &id, const char *file, const std::string &value) {
    if (images_.count(id) == 0) throw NotFound("No such image: " + id);
    if (!util::write_file_atomic(record_dir(id) / file, value, 0644))
        fsx::throw_errno("write " + std::string(file) + " of image " + id, errno);
}

void ImageStore::set_parent(const std::string &id, const std::string &parent) {
    if (!parent.empty()) require_sha256_digest(parent);
    std::lock_guard lock(mutex_);
    write_meta(id, "parent", parent);
    images_[id].parent = parent;
}

void ImageStore::set_last_updated(const std::string &id, const std::string &rfc3339) {
    std::lock_guard lock(mutex_);
    write_meta(id, "lastUpdated", rfc3339);
    images_[id].last_updated = rfc3339;
}

void ImageStore::add_manifest(const std::string &id, const std::string &manifest_digest) {
    require_sha256_digest(manifest_digest);
    std::lock_guard lock(mutex_);
    auto it = images_.find(id);
    if (it == images_.end()) throw NotFound("No such image: " + id);
    auto manifests = it->second.manifests;
    if (std::find(manifests.begin(), manifests.end(), manifest_digest) != manifests.end()) return;
    manifests.push_back(manifest_digest);
    std::string text;
    for (const auto &m : manifests) text += m + "\n";
    write_meta(id, "manifests", text);
    it->second.manifests = std::move(manifests);
}

} // namespace berth::images
