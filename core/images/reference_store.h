// reference_store.h — tags and digests that name images ("busybox:latest"
// -> sha256:..., "busybox@sha256:<manifest>" -> sha256:...), persisted in
// <image-root>/repositories.json in dockerd's exact shape:
//   {"Repositories": {"busybox": {"busybox:latest": "sha256:...",
//                                 "busybox@sha256:...": "sha256:..."}}}
// Keys are FAMILIAR names, as dockerd writes them, so the file reads the
// same as a dockerd data root; they are normalised again on load, so the
// API below deals only in parsed References and "docker.io/library/x" and
// "x" are one key. Every change rewrites the file atomically (temp, fsync,
// rename); thread-safe.
#pragma once

#include "images/reference.h"

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace berth::images {

class ReferenceStore {
public:
    // file: <image-root>/repositories.json. A missing file is an empty
    // store; entries that no longer parse are dropped with a warning.
    explicit ReferenceStore(std::filesystem::path file);

    // name[:tag] -> image_id; a bare name means ":latest". A reference with
    // a digest is refused (InvalidArgument). An existing tag for another
    // image is moved when force, else Conflict with dockerd's message.
    void add_tag(const Reference &ref, const std::string &image_id, bool force = true);
    // name@digest -> image_id (a tag on ref is ignored). A digest already
    // naming another image is never overwritten (Conflict).
    void add_digest(const Reference &ref, const std::string &image_id);
    // Removes name:tag (":latest" for a bare name) or name@digest. False
    // when it was not there.
    bool remove(const Reference &ref);
    // The image a reference names (a digest wins over a tag; a bare name
    // means ":latest").
    std::optional<std::string> get(const Reference &ref) const;
    // Every reference to image_id, sorted by familiar string (dockerd's
    // RepoTags/RepoDigests order).
    std::vector<Reference> references_of(const std::string &image_id) const;
    // Every (reference, image ID), sorted by canonical string.
    std::vector<std::pair<Reference, std::string>> list() const;
    // Drop every reference to an image; returns them.
    std::vector<Reference> remove_image(const std::string &image_id);

private:
    void load();
    void save_locked(); // throws; callers restore the map on failure
    void put_locked(const Reference &ref, const std::string &image_id, bool force);

    std::filesystem::path file_;
    mutable std::mutex mutex_;
    // canonical string -> (reference, image ID)
    std::map<std::string, std::pair<Reference, std::string>> refs_;
};

} // namespace berth::images
