#include "images/layer_store.h"

#include "images/content_store.h"
#include "images/digest.h"
#include "images/errors.h"
#include "images/fs_util.h"
#include "images/random_id.h"
#include "util/atomic_file.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <cstdio>

namespace berth::images {
namespace {

using json = nlohmann::json;

constexpr std::string_view kJournalRegister = "register";
constexpr std::string_view kJournalRelease = "release";

std::string descriptor_to_json(const LayerDescriptor &d) {
    return json{{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}}.dump();
}

std::optional<LayerDescriptor> descriptor_from_json(const std::string &text) {
    const json j = json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("digest") || !j["digest"].is_string()) return std::nullopt;
    LayerDescriptor d;
    d.digest = j["digest"].get<std::string>();
    if (j.contains("mediaType") && j["mediaType"].is_string()) d.media_type = j["mediaType"].get<std::string>();
    if (j.contains("size") && j["size"].is_number_integer()) d.size = j["size"].get<int64_t>();
    return d;
}

std::optional<int64_t> parse_int(const std::string &s) {
    try {
        size_t used = 0;
        const long long v = std::stoll(s, &used);
        if (used != s.size()) return std::nullopt;
        return int64_t(v);
    } catch (const std::exception &) {
        return std::nullopt;
    }
}

} // namespace

LayerStore::LayerStore(std::filesystem::path image_root, std::shared_ptr<LayerDriver> driver, ContentStore *content)
    : root_(image_root / "layerdb"), records_dir_(root_ / "sha256"), tmp_dir_(root_ / "tmp"),
      pending_dir_(root_ / "pending"), driver_(std::move(driver)), content_(content) {
    if (!driver_) throw InternalError("layer store: no storage driver");
    fsx::make_dirs(records_dir_);
    fsx::make_dirs(tmp_dir_);
    fsx::make_dirs(pending_dir_);
    load();
}

std::filesystem::path LayerStore::record_dir(const std::string &chain_id) const {
    require_sha256_digest(chain_id);
    return records_dir_ / std::string(digest_hex(chain_id));
}

std::optional<LayerRecord> LayerStore::read_record(const std::filesystem::path &dir) const {
    const auto hex = dir.filename().string();
    if (!is_identifier(hex)) return std::nullopt;
    LayerRecord r;
    r.chain_id = std::string(kSha256Prefix) + hex;
    auto diff = fsx::read_trimmed(dir / "diff");
    auto cache = fsx::read_trimmed(dir / "cache-id");
    auto size = fsx::read_trimmed(dir / "size");
    if (!diff || !cache || !is_sha256_digest(*diff) || cache->empty()) return std::nullopt;
    r.diff_id = *diff;
    r.cache_id = *cache;
    if (size) r.size = parse_int(*size).value_or(0);
    if (auto parent = fsx::read_trimmed(dir / "parent"); parent && !parent->empty()) r.parent = *parent;
    if (auto desc = fsx::read_file(dir / "descriptor.json")) r.descriptor = descriptor_from_json(*desc);
    return r;
}

void LayerStore::load() {
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(records_dir_, ec)) {
        if (!entry.is_directory(ec)) continue;
        try {
            if (auto r = read_record(entry.path())) {
                records_[r->chain_id] = std::move(*r);
            } else if (is_identifier(entry.path().filename().string())) {
                spdlog::warn("layer store: ignoring unreadable layer record {}", entry.path().string());
            }
        } catch (const Error &e) {
            spdlog::warn("layer store: ignoring layer record {}: {}", entry.path().string(), e.what());
        }
    }
}

void LayerStore::write_record(const LayerRecord &r) {
    const auto tmp = tmp_dir_ / ("write-" + random_hex(8));
    fsx::make_dirs(tmp);
    try {
        fsx::write_file_synced(tmp / "diff", r.diff_id);
        fsx::write_file_synced(tmp / "size", std::to_string(r.size));
        fsx::write_file_synced(tmp / "cache-id", r.cache_id);
        if (!r.parent.empty()) fsx::write_file_synced(tmp / "parent", r.parent);
        if (r.descriptor) fsx::write_file_synced(tmp / "descriptor.json", descriptor_to_json(*r.descriptor));
        fsx::fsync_dir(tmp);
        const auto target = record_dir(r.chain_id);
        if (::rename(tmp.c_str(), target.c_str()) != 0) fsx::throw_errno("commit layer " + r.chain_id, errno);
        fsx::fsync_dir(records_dir_);
    } catch (...) {
        fsx::remove_tree(tmp);
        throw;
    }
}

void LayerStore::journal(const std::string &cache_id, std::string_view action) {
    fsx::write_file_synced(pending_dir_ / cache_id, action);
    fsx::fsync_dir(pending_dir_);
}

void LayerStore::unjournal(const std::string &cache_id) noexcept {
    // No fsync: if the unlink is lost, recover() finds the work done and
    // simply drops the entry again.
    ::unlink((pending_dir_ / cache_id).c_str());
}

LayerRecovery LayerStore::recover() {
    LayerRecovery report;
    std::lock_guard lock(mutex_);
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(tmp_dir_, ec)) {
        fsx::remove_tree(entry.path());
        ++report.temp_dirs_removed;
    }
    for (const auto &entry : std::filesystem::directory_iterator(pending_dir_, ec)) {
        const std::string cache_id = entry.path().filename().string();
        if (!is_identifier(cache_id)) {
            fsx::remove_tree(entry.path()); // not ours: every cache id is 64 hex
            continue;
        }
        const auto action = fsx::read_trimmed(entry.path()).value_or(std::string(kJournalRegister));
        const LayerRecord *owner = nullptr;
        for (const auto &[chain, rec] : records_)
            if (rec.cache_id == cache_id) owner = &rec;
        try {
            if (owner != nullptr && action != kJournalRelease) {
                // Registered: the record was committed before the crash.
                unjournal(cache_id);
                continue;
            }
            if (driver_->exists(cache_id)) {
                driver_->remove(cache_id);
                report.storage_layers_removed.push_back(cache_id);
            }
            if (owner != nullptr) {
                // A release that died between removing the storage layer and
                // the record: finish it.
                const std::string chain = owner->chain_id;
                const auto gone = tmp_dir_ / ("remove-" + random_hex(8));
                if (::rename(record_dir(chain).c_str(), gone.c_str()) == 0) fsx::remove_tree(gone);
                records_.erase(chain);
                report.records_removed.push_back(chain);
            }
            unjournal(cache_id);
        } catch (const Error &e) {
            report.failures.push_back(cache_id + ": " + e.what());
            spdlog::warn("layer store: could not clean up storage layer {}: {}", cache_id, e.what());
        }
    }
    if (!report.storage_layers_removed.empty() || !report.records_removed.empty())
        spdlog::info("layer store: recovered {} orphaned storage layer(s), {} interrupted removal(s)",
                     report.storage_layers_removed.size(), report.records_removed.size());
    return report;
}

RegisterResult LayerStore::register_layer(int tar_fd, const RegisterOptions &options) {
    if (options.keep_tar_blob && content_ == nullptr)
        throw InternalError("layer store: keep_tar_blob needs a content store");
    return register_layer_with(
        [&](LayerDriver &driver, const std::string &cache_id, const std::string &parent_cache_id) {
            std::unique_ptr<BlobWriter> blob;
            ChunkSink sink;
            if (options.keep_tar_blob) {
                blob = content_->writer();
                sink = [&blob](const char *data, size_t len) { blob->write(data, len); };
            }
            const auto outcome = apply_hashed(driver, cache_id, parent_cache_id, tar_fd, sink, options.progress);
            ApplyResult result{outcome.diff_id, outcome.applied_size, std::nullopt};
            if (blob) {
                blob->commit(outcome.diff_id);
                result.descriptor =
                    LayerDescriptor{std::string(kLayerTarMediaType), outcome.diff_id, int64_t(outcome.bytes_read)};
            }
            return result;
        },
        options);
}

RegisterResult LayerStore::register_layer_with(const ApplyFn &apply, const RegisterOptions &options) {
    if (!options.parent_chain.empty()) require_sha256_digest(options.parent_chain);
    if (!options.expected_diff_id.empty()) require_sha256_digest(options.expected_diff_id);

    std::string parent_cache;
    {
        std::lock_guard lock(mutex_);
        if (!options.expected_diff_id.empty()) {
            const auto chain = chain_id(options.parent_chain, options.expected_diff_id);
            if (auto it = records_.find(chain); it != records_.end()) {
                RegisterResult existing{it->second, true};
                if (options.descriptor && !existing.layer.descriptor) {
                    // A layer built or imported here, now also known by the
                    // blob a pull named: remember it for push.
                    if (!util::write_file_atomic(record_dir(chain) / "descriptor.json",
                                                 descriptor_to_json(*options.descriptor), 0644))
                        fsx::throw_errno("write descriptor of layer " + chain, errno);
                    it->second.descriptor = options.descriptor;
                    existing.layer.descriptor = options.descriptor;
                }
                return existing;
            }
        }
        if (!options.parent_chain.empty()) {
            const auto it = records_.find(options.parent_chain);
            if (it == records_.end()) throw NotFound("layer " + options.parent_chain + " does not exist");
            parent_cache = it->second.cache_id;
            ++pinned_[options.parent_chain];
        }
    }
    // The parent stays pinned (safe from release/prune) until we are done.
    struct Unpin {
        LayerStore &store;
        const std::string &chain;
        ~Unpin() {
            if (chain.empty()) return;
            std::lock_guard lock(store.mutex_);
            store.unpin(chain);
        }
    } unpin_guard{*this, options.parent_chain};

    const std::string cache_id = random_hex(32);
    journal(cache_id, kJournalRegister);
    bool created = false;
    try {
        driver_->create(cache_id, parent_cache, false);
        created = true;
        ApplyResult applied = apply(*driver_, cache_id, parent_cache);
        require_sha256_digest(applied.diff_id);
        if (!options.expected_diff_id.empty() && applied.diff_id != options.expected_diff_id)
            throw DigestMismatch("layer diff_id mismatch: expected " + options.expected_diff_id + ", got " +
                                 applied.diff_id);
        LayerRecord record;
        record.chain_id = chain_id(options.parent_chain, applied.diff_id);
        record.diff_id = applied.diff_id;
        record.cache_id = cache_id;
        record.parent = options.parent_chain;
        record.size = applied.size;
        record.descriptor = options.descriptor ? options.descriptor : applied.descriptor;

        std::unique_lock lock(mutex_);
        if (auto it = records_.find(record.chain_id); it != records_.end()) {
            // Someone registered the same stack meanwhile: theirs wins.
            RegisterResult existing{it->second, true};
            lock.unlock();
            try {
                driver_->remove(cache_id);
                unjournal(cache_id);
            } catch (const std::exception &e) {
                spdlog::warn("layer store: could not remove duplicate storage layer {}: {}", cache_id, e.what());
            }
            return existing;
        }
        write_record(record);
        records_[record.chain_id] = record;
        lock.unlock();
        unjournal(cache_id);
        return RegisterResult{record, false};
    } catch (...) {
        bool clean = true;
        if (created) {
            try {
                driver_->remove(cache_id);
            } catch (const std::exception &e) {
                // Keep the journal entry: recover() retries at next start.
                clean = false;
                spdlog::warn("layer store: could not remove storage layer {} of a failed registration: {}", cache_id,
                             e.what());
            }
        }
        if (clean) unjournal(cache_id);
        throw;
    }
}

void LayerStore::unpin(const std::string &chain_id) {
    auto it = pinned_.find(chain_id);
    if (it != pinned_.end() && --it->second == 0) pinned_.erase(it);
}

std::optional<LayerRecord> LayerStore::get(const std::string &chain_id) const {
    std::lock_guard lock(mutex_);
    auto it = records_.find(chain_id);
    if (it == records_.end()) return std::nullopt;
    return it->second;
}

bool LayerStore::has(const std::string &chain_id) const {
    std::lock_guard lock(mutex_);
    return records_.count(chain_id) != 0;
}

std::vector<LayerRecord> LayerStore::list() const {
    std::lock_guard lock(mutex_);
    std::vector<LayerRecord> out;
    out.reserve(records_.size());
    for (const auto &[chain, rec] : records_) out.push_back(rec);
    return out;
}

int64_t LayerStore::chain_size(const std::string &chain_id) const {
    std::lock_guard lock(mutex_);
    int64_t total = 0;
    std::string cur = chain_id;
    // Bounded by the record count: a corrupted parent loop cannot spin.
    for (size_t steps = 0; !cur.empty() && steps <= records_.size(); ++steps) {
        auto it = records_.find(cur);
        if (it == records_.end()) break;
        total += it->second.size;
        cur = it->second.parent;
    }
    return total;
}

void LayerStore::set_descriptor(const std::string &chain_id, const LayerDescriptor &descriptor) {
    std::lock_guard lock(mutex_);
    auto it = records_.find(chain_id);
    if (it == records_.end()) throw NotFound("layer " + chain_id + " does not exist");
    if (!util::write_file_atomic(record_dir(chain_id) / "descriptor.json", descriptor_to_json(descriptor), 0644))
        fsx::throw_errno("write descriptor of layer " + chain_id, errno);
    it->second.descriptor = descriptor;
}

std::set<std::string> LayerStore::in_use_closure(const std::set<std::string> &in_use) const {
    std::set<std::string> out;
    std::vector<std::string> worklist(in_use.begin(), in_use.end());
    for (const auto &[chain, count] : pinned_) worklist.push_back(chain);
    while (!worklist.empty()) {
        std::string cur = std::move(worklist.back());
        worklist.pop_back();
        if (cur.empty() || !out.insert(cur).second) continue;
        if (auto it = records_.find(cur); it != records_.end()) worklist.push_back(it->second.parent);
    }
    return out;
}

bool LayerStore::has_children(const std::string &chain_id) const {
    for (const auto &[chain, rec] : records_)
        if (rec.parent == chain_id) return true;
    return false;
}

void LayerStore::remove_layer(const std::string &chain_id) {
    const LayerRecord rec = records_.at(chain_id);
    // Journal first: a crash after the storage layer is gone but before the
    // record is makes recover() finish the job instead of leaving a record
    // that points at nothing.
    journal(rec.cache_id, kJournalRelease);
    try {
        if (removal_hook_) removal_hook_(rec.cache_id);
    } catch (...) {
        unjournal(rec.cache_id);
        throw;
    }
    try {
        driver_->remove(rec.cache_id);
    } catch (const StorageError &e) {
        if (e.code() != BERTH_E_NOTFOUND) {
            unjournal(rec.cache_id);
            throw;
        }
    }
    const auto gone = tmp_dir_ / ("remove-" + random_hex(8));
    if (::rename(record_dir(chain_id).c_str(), gone.c_str()) != 0)
        fsx::throw_errno("remove layer record " + chain_id, errno);
    fsx::fsync_dir(records_dir_);
    fsx::remove_tree(gone);
    records_.erase(chain_id);
    unjournal(rec.cache_id);
}

void LayerStore::set_removal_hook(std::function<void(const std::string &cache_id)> hook) {
    std::lock_guard lock(mutex_);
    removal_hook_ = std::move(hook);
}

std::vector<std::string> LayerStore::release(const std::string &chain_id, const std::set<std::string> &in_use) {
    std::lock_guard lock(mutex_);
    if (records_.count(chain_id) == 0) throw NotFound("layer " + chain_id + " does not exist");
    const auto keep = in_use_closure(in_use);
    std::vector<std::string> removed;
    std::string cur = chain_id;
    while (!cur.empty() && records_.count(cur) != 0 && keep.count(cur) == 0 && !has_children(cur)) {
        const std::string parent = records_.at(cur).parent;
        remove_layer(cur);
        removed.push_back(cur);
        cur = parent;
    }
    return removed;
}

std::vector<std::string> LayerStore::prune(const std::set<std::string> &in_use) {
    std::lock_guard lock(mutex_);
    const auto keep = in_use_closure(in_use);
    std::vector<std::string> removed;
    // Leaves first, repeatedly: removing a leaf may turn its parent into one.
    for (bool progress = true; progress;) {
        progress = false;
        std::vector<std::string> leaves;
        for (const auto &[chain, rec] : records_)
            if (keep.count(chain) == 0 && !has_children(chain)) leaves.push_back(chain);
        for (const auto &chain : leaves) {
            remove_layer(chain);
            removed.push_back(chain);
            progress = true;
        }
    }
    return removed;
}

} // namespace berth::images
