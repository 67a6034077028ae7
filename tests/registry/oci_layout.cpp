#include "oci_layout.h"

#include "test_env.h"

#include "registry/digest.h"
#include "registry/manifest.h"
#include "registry/media_types.h"

#include <archive.h>
#include <archive_entry.h>
#include <nlohmann/json.hpp>

#include <stdexcept>

namespace berth::registry::test {
namespace {

// libarchive writes into a std::string through these callbacks.
la_ssize_t append_cb(struct archive *, void *data, const void *buf, size_t len) {
    static_cast<std::string *>(data)->append(static_cast<const char *>(buf), len);
    return la_ssize_t(len);
}

Descriptor descriptor(std::string_view media_type, const std::string &bytes) {
    return Descriptor{.media_type = std::string(media_type), .digest = sha256_digest(bytes), .size = std::int64_t(bytes.size())};
}

void write_blob(const std::filesystem::path &dir, const std::string &bytes) {
    const auto d = sha256_digest(bytes);
    write_file(dir / "blobs" / "sha256" / d.substr(7), bytes);
}

// A tar (optionally gzip'd) holding one regular file with fixed metadata,
// so the same input always gives the same bytes.
std::string tar_with_file(const std::string &file_name, const std::string &content, bool gzip) {
    std::string out;
    auto *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    if (gzip) {
        archive_write_add_filter_gzip(a);
        archive_write_set_filter_option(a, "gzip", "timestamp", nullptr); // no mtime in the gzip header
    }
    archive_write_set_bytes_in_last_block(a, 1);
    if (archive_write_open2(a, &out, nullptr, append_cb, nullptr, nullptr) != ARCHIVE_OK)
        throw std::runtime_error(archive_error_string(a));
    auto *e = archive_entry_new();
    archive_entry_set_pathname(e, file_name.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, la_int64_t(content.size()));
    archive_entry_set_mtime(e, 0, 0);
    archive_write_header(a, e);
    archive_write_data(a, content.data(), content.size());
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    return out;
}

} // namespace

std::string make_layer_tar_gz(const std::string &file_name, const std::string &content) {
    return tar_with_file(file_name, content, true);
}

BuiltImage build_image(const Platform &platform, bool oci, int layer_count) {
    BuiltImage img;
    img.platform = platform;
    const auto layer_type = oci ? media_type::kOciLayerGzip : media_type::kDockerLayer;
    nlohmann::ordered_json diff_ids = nlohmann::ordered_json::array();
    for (int i = 0; i < layer_count; ++i) {
        const std::string content = "built for " + platform.os + "/" + platform.architecture + "/" +
                                    platform.variant + " layer " + std::to_string(i) + "\n";
        const std::string name = "layer" + std::to_string(i) + ".txt";
        img.layers.push_back(make_layer_tar_gz(name, content));
        img.layer_descriptors.push_back(descriptor(layer_type, img.layers.back()));
        // diff_id: sha256 of the uncompressed tar.
        const auto tar = tar_with_file(name, content, false);
        diff_ids.push_back(sha256_digest(tar));
    }
    nlohmann::ordered_json cfg;
    cfg["architecture"] = platform.architecture;
    cfg["os"] = platform.os;
    if (!platform.variant.empty()) cfg["variant"] = platform.variant;
    cfg["config"] = {{"Cmd", {"/bin/true"}}};
    cfg["rootfs"] = {{"type", "layers"}, {"diff_ids", diff_ids}};
    img.config = cfg.dump();
    img.config_descriptor = descriptor(oci ? media_type::kOciConfig : media_type::kDockerConfig, img.config);

    ImageManifest m;
    m.media_type = std::string(oci ? media_type::kOciManifest : media_type::kDockerManifest);
    m.config = img.config_descriptor;
    m.layers = img.layer_descriptors;
    img.manifest = write_image_manifest(m);
    img.manifest_media_type = m.media_type;
    img.manifest_digest = sha256_digest(img.manifest);
    return img;
}

std::string write_oci_layout(const std::filesystem::path &dir, const std::vector<BuiltImage> &images) {
    write_file(dir / "oci-layout", R"({"imageLayoutVersion":"1.0.0"})");
    ManifestIndex index;
    index.media_type = std::string(media_type::kOciIndex);
    for (const auto &img : images) {
        write_blob(dir, img.config);
        for (const auto &l : img.layers) write_blob(dir, l);
        write_blob(dir, img.manifest);
        auto d = descriptor(img.manifest_media_type, img.manifest);
        d.platform = img.platform;
        index.manifests.push_back(d);
    }
    const auto index_bytes = write_manifest_index(index);
    write_blob(dir, index_bytes);
    nlohmann::ordered_json top;
    top["schemaVersion"] = 2;
    top["manifests"] = {{{"mediaType", media_type::kOciIndex},
                         {"digest", sha256_digest(index_bytes)},
                         {"size", index_bytes.size()}}};
    write_file(dir / "index.json", top.dump());
    return sha256_digest(index_bytes);
}

} // namespace berth::registry::test
