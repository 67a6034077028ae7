// extracted_archive.h — a docker-save / OCI archive read from a stream into
// a private scratch directory, so its members can be used in any order.
//
// Safety: member names are normalised and refused when absolute or
// climbing (member_path.h); regular files are stored under numbered names
// ("m1", "m2", ...) in the directory, so no member name ever becomes a
// filesystem path and nothing is created outside it. Symlinks and hard
// links are never created either: they are remembered and resolved
// lexically inside the archive at lookup (old docker save wrote a repeated
// layer as a symlink "../<id>/layer.tar"). Devices and FIFOs are refused.
// The directory is removed when the object goes.
#pragma once

#include "images/archive/archive.h"
#include "images/archive/temp_space.h"
#include "images/unique_fd.h"

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace berth::images::archive {

struct ExtractLimits {
    size_t max_members = 100000;
};

class ExtractedArchive {
public:
    // Reads in to its end. The outer stream may be gzip/zstd/xz/bzip2
    // compressed (docker load < image.tar.gz works). Throws InvalidArgument
    // for a corrupt, truncated or unsafe archive, whatever in throws, and
    // InternalError when the scratch space fails (e.g. disk full).
    ExtractedArchive(const ByteReader &in, const std::filesystem::path &scratch_parent, ExtractLimits limits = {});

    // The regular-file member a path names (normalised, links followed);
    // nullopt when there is none. Throws InvalidArgument when the path (or
    // a link on the way) leads outside the archive. what names the path's
    // origin in that message ("manifest.json").
    std::optional<std::string> find(std::string_view path, std::string_view what = "archive member") const;
    bool has(std::string_view path) const { return find(path).has_value(); }

    int64_t size(const std::string &member) const;
    // A small member's bytes (JSON); InvalidArgument when over max_bytes.
    std::string read(const std::string &member, size_t max_bytes = 32u << 20) const;
    UniqueFd open(const std::string &member) const;

private:
    struct File {
        std::filesystem::path path;
        int64_t size = 0;
    };
    void extract(const ByteReader &in, ExtractLimits limits);
    const File &file(const std::string &member) const;

    PrivateDir dir_;
    std::map<std::string, File> files_;
    // link member -> target member ("" when the target leaves the archive)
    std::map<std::string, std::string> links_;
};

} // namespace berth::images::archive
