#include "images/reference_store.h"

#include "images/digest.h"
#include "images/errors.h"
#include "images/fs_util.h"
#include "util/atomic_file.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>

namespace berth::images {
namespace {

using json = nlohmann::json;

// What a reference is stored under: dockerd's Get/Delete normalisation.
Reference key_of(const Reference &ref) { return ref.docker_ref(); }

} // namespace

ReferenceStore::ReferenceStore(std::filesystem::path file) : file_(std::move(file)) {
    fsx::make_dirs(file_.parent_path());
    load();
}

void ReferenceStore::load() {
    const auto text = fsx::read_file(file_, 64u << 20);
    if (!text) return;
    const json j = json::parse(*text, nullptr, false);
    if (!j.is_object() || !j.contains("Repositories") || !j["Repositories"].is_object()) {
        spdlog::warn("reference store: {} is not a repositories file; starting empty", file_.string());
        return;
    }
    for (const auto &[repo, entries] : j["Repositories"].items()) {
        if (!entries.is_object()) continue;
        for (const auto &[name, id] : entries.items()) {
            try {
                if (!id.is_string()) throw InvalidArgument("image ID is not a string");
                const std::string image_id = id.get<std::string>();
                require_sha256_digest(image_id);
                const Reference ref = key_of(parse_normalized_named(name));
                refs_[ref.string()] = {ref, image_id};
            } catch (const Error &e) {
                spdlog::warn("reference store: dropping entry {}: {}", name, e.what());
            }
        }
    }
}

void ReferenceStore::save_locked() {
    json repos = json::object();
    for (const auto &[key, entry] : refs_)
        repos[entry.first.familiar_name()][entry.first.familiar_string()] = entry.second;
    const json doc = {{"Repositories", repos}};
    if (!util::write_file_atomic(file_, doc.dump(), 0600)) fsx::throw_errno("write " + file_.string(), errno);
}

void ReferenceStore::put_locked(const Reference &ref, const std::string &image_id, bool force) {
    require_sha256_digest(image_id);
    if (ref.familiar_name() == "sha256")
        throw InvalidArgument("refusing to create an ambiguous tag using digest algorithm as name");
    const std::string key = ref.string();
    auto old = refs_.find(key);
    std::optional<std::pair<Reference, std::string>> previous;
    if (old != refs_.end()) {
        if (old->second.second == image_id) return;
        if (ref.digested()) throw Conflict("Cannot overwrite digest " + ref.digest);
        if (!force)
            throw Conflict("Conflict: Tag " + ref.familiar_string() + " is already set to image " + old->second.second +
                           ", if you want to replace it, please use the force option");
        previous = old->second;
    }
    refs_[key] = {ref, image_id};
    try {
        save_locked();
    } catch (...) {
        if (previous)
            refs_[key] = *previous;
        else
            refs_.erase(key);
        throw;
    }
}

void ReferenceStore::add_tag(const Reference &ref, const std::string &image_id, bool force) {
    if (ref.digested()) throw InvalidArgument("refusing to create a tag with a digest reference");
    std::lock_guard lock(mutex_);
    put_locked(ref.tag_name_only(), image_id, force);
}

void ReferenceStore::add_digest(const Reference &ref, const std::string &image_id) {
    if (!ref.digested()) throw InvalidArgument("reference " + ref.string() + " has no digest");
    std::lock_guard lock(mutex_);
    put_locked(key_of(ref), image_id, false);
}

bool ReferenceStore::remove(const Reference &ref) {
    std::lock_guard lock(mutex_);
    const std::string key = key_of(ref).string();
    auto it = refs_.find(key);
    if (it == refs_.end()) return false;
    auto saved = it->second;
    refs_.erase(it);
    try {
        save_locked();
    } catch (...) {
        refs_[key] = saved;
        throw;
    }
    return true;
}

std::optional<std::string> ReferenceStore::get(const Reference &ref) const {
    std::lock_guard lock(mutex_);
    auto it = refs_.find(key_of(ref).string());
    if (it == refs_.end()) return std::nullopt;
    return it->second.second;
}

std::vector<Reference> ReferenceStore::references_of(const std::string &image_id) const {
    std::vector<Reference> out;
    {
        std::lock_guard lock(mutex_);
        for (const auto &[key, entry] : refs_)
            if (entry.second == image_id) out.push_back(entry.first);
    }
    std::sort(out.begin(), out.end(),
              [](const Reference &a, const Reference &b) { return a.familiar_string() < b.familiar_string(); });
    return out;
}

std::vector<std::pair<Reference, std::string>> ReferenceStore::list() const {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<Reference, std::string>> out;
    out.reserve(refs_.size());
    for (const auto &[key, entry] : refs_) out.push_back(entry);
    return out;
}

std::vector<Reference> ReferenceStore::remove_image(const std::string &image_id) {
    std::lock_guard lock(mutex_);
    auto saved = refs_;
    std::vector<Reference> removed;
    for (auto it = refs_.begin(); it != refs_.end();) {
        if (it->second.second == image_id) {
            removed.push_back(it->second.first);
            it = refs_.erase(it);
        } else {
            ++it;
        }
    }
    if (removed.empty()) return removed;
    try {
        save_locked();
    } catch (...) {
        refs_ = std::move(saved);
        throw;
    }
    return removed;
}

} // namespace berth::images
