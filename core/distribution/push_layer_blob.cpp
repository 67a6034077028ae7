#include "distribution/push_layer_blob.h"

#include "distribution/push_gzip.h"
#include "images/errors.h"
#include "registry/media_types.h"

#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace berth::distribution {
namespace {

// An anonymous scratch file beside the store's ingest files (same
// filesystem as the blobs): unlinked at once, so it disappears with the fd
// whatever happens to the push or the daemon.
images::UniqueFd scratch_file(const std::filesystem::path &dir) {
    std::string tmpl = (dir / "push-diff-XXXXXX").string();
    images::UniqueFd fd(::mkostemp(tmpl.data(), O_CLOEXEC));
    if (!fd) throw images::InternalError("push: create scratch file in " + dir.string() + ": " + std::strerror(errno));
    ::unlink(tmpl.c_str());
    return fd;
}

// The uncompressed tar of `layer`: the kept blob, else the driver's diff.
images::UniqueFd open_layer_tar(images::ImageService &service, const images::LayerRecord &layer) {
    if (layer.descriptor && is_uncompressed_layer(layer.descriptor->media_type) &&
        service.content().has(layer.descriptor->digest))
        return service.content().open(layer.descriptor->digest);

    std::string parent_cache_id;
    if (!layer.parent.empty()) {
        const auto parent = service.layers().get(layer.parent);
        if (!parent) throw images::NotFound("layer " + layer.parent + " does not exist");
        parent_cache_id = parent->cache_id;
    }
    auto fd = scratch_file(service.content().ingest_dir());
    service.layers().driver().diff(layer.cache_id, parent_cache_id, fd.get());
    if (::lseek(fd.get(), 0, SEEK_SET) != 0)
        throw images::InternalError(std::string("push: rewind layer diff: ") + std::strerror(errno));
    return fd;
}

} // namespace

bool is_uncompressed_layer(std::string_view media_type) {
    return media_type == images::kLayerTarMediaType || media_type == "application/vnd.docker.image.rootfs.diff.tar";
}

registry::Descriptor layer_blob_for_push(images::ImageService &service, const images::LayerRecord &layer,
                                         std::stop_token stop) {
    if (layer.descriptor && !is_uncompressed_layer(layer.descriptor->media_type) &&
        service.content().has(layer.descriptor->digest)) {
        registry::Descriptor d;
        d.media_type = layer.descriptor->media_type;
        d.digest = layer.descriptor->digest;
        d.size = service.content().size(layer.descriptor->digest);
        return d;
    }

    const auto tar = open_layer_tar(service, layer);
    auto writer = service.content().writer(); // unkeyed: removed unless committed
    const auto result = gzip_stream(tar.get(), [&](std::string_view bytes) { writer->write(bytes); }, stop);
    if (result.uncompressed_digest != layer.diff_id)
        throw images::InternalError("push: layer " + layer.diff_id + " cannot be pushed: its content reads back as " +
                                    result.uncompressed_digest + " (the storage driver does not reproduce the tar)");
    const auto digest = writer->commit();

    images::LayerDescriptor recorded{std::string(registry::media_type::kDockerLayer), digest, result.compressed_size};
    service.layers().set_descriptor(layer.chain_id, recorded);
    registry::Descriptor d;
    d.media_type = recorded.media_type;
    d.digest = recorded.digest;
    d.size = recorded.size;
    return d;
}

} // namespace berth::distribution
