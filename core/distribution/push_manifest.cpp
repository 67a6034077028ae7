#include "distribution/push_manifest.h"

#include "images/digest.h"
#include "images/errors.h"
#include "registry/errors.h"
#include "registry/manifest.h"
#include "registry/media_types.h"

#include <algorithm>

namespace berth::distribution {
namespace mt = registry::media_type;
namespace {

bool is_gzip_layer(std::string_view t) { return t == mt::kDockerLayer || t == mt::kOciLayerGzip; }

std::optional<PushManifest> usable(images::ImageService &service, const images::Image &image,
                                   const std::string &digest) {
    auto &content = service.content();
    if (!content.has(digest)) return std::nullopt;
    std::string bytes = content.read(digest);
    registry::ImageManifest m;
    try {
        const auto type = registry::detect_manifest_media_type("", bytes);
        if (registry::manifest_kind(type) != registry::ManifestKind::Image) return std::nullopt;
        m = registry::parse_image_manifest(bytes, type);
    } catch (const registry::RegistryError &) {
        return std::nullopt; // an index or something unreadable: not this image's manifest
    }
    if (m.config.digest != image.id || m.layers.size() != image.config.diff_ids.size()) return std::nullopt;
    if (!content.has(m.config.digest)) return std::nullopt;
    for (const auto &layer : m.layers)
        if (!images::is_sha256_digest(layer.digest) || !content.has(layer.digest)) return std::nullopt;
    return PushManifest{m.media_type, std::move(bytes), m.config, m.layers};
}

} // namespace

std::optional<PushManifest> recorded_manifest(images::ImageService &service, const images::Image &image) {
    for (auto it = image.manifests.rbegin(); it != image.manifests.rend(); ++it)
        if (auto m = usable(service, image, *it)) return m;
    return std::nullopt;
}

PushManifest build_manifest(const std::string &config_bytes, const std::vector<registry::Descriptor> &layers) {
    // Docker schema2 can say "gzip'd tar" and "foreign"; anything else
    // (zstd, plain tar) needs the OCI types.
    const bool docker = std::all_of(layers.begin(), layers.end(), [](const registry::Descriptor &d) {
        return is_gzip_layer(d.media_type) || d.media_type == mt::kDockerForeignLayer;
    });
    registry::ImageManifest m;
    m.media_type = std::string(docker ? mt::kDockerManifest : mt::kOciManifest);
    m.config.media_type = std::string(docker ? mt::kDockerConfig : mt::kOciConfig);
    m.config.digest = images::sha256_digest(config_bytes);
    m.config.size = int64_t(config_bytes.size());
    for (auto d : layers) {
        if (is_gzip_layer(d.media_type)) d.media_type = std::string(docker ? mt::kDockerLayer : mt::kOciLayerGzip);
        d.platform.reset();
        d.annotations.clear();
        m.layers.push_back(std::move(d));
    }
    PushManifest out;
    out.media_type = m.media_type;
    out.bytes = registry::write_image_manifest(m);
    out.config = m.config;
    out.layers = m.layers;
    return out;
}

} // namespace berth::distribution
