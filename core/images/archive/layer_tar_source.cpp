#include "images/archive/layer_tar_source.h"

#include "images/archive/temp_space.h"
#include "images/content_store.h"
#include "images/decompress.h"
#include "images/digest.h"
#include "images/errors.h"
#include "images/fs_util.h"
#include "images/image_service.h"

#include <cerrno>
#include <unistd.h>
#include <vector>

namespace berth::images::archive {
namespace {

void rewind_fd(int fd, const std::string &what) {
    if (::lseek(fd, 0, SEEK_SET) != 0) fsx::throw_errno("rewind " + what, errno);
}

void check_diff_id(const LayerRecord &layer, const std::string &actual, const char *source) {
    if (actual != layer.diff_id)
        throw InternalError("docker save: layer " + layer.diff_id + ": the tar from its " + source + " hashes to " +
                            actual + ", not to its diff_id");
}

LayerTar decompress_blob(ContentStore &content, const LayerRecord &layer, const std::filesystem::path &scratch) {
    const UniqueFd blob = content.open(layer.descriptor->digest);
    DecompressedReader reader(blob.get(), "layer " + layer.descriptor->digest);
    LayerTar out{spool_file(scratch), 0};
    Sha256 hash;
    std::vector<char> buf(256 * 1024);
    for (;;) {
        const size_t n = reader.read(buf.data(), buf.size());
        if (n == 0) break;
        hash.update(buf.data(), n);
        if (!fsx::write_all(out.fd.get(), buf.data(), n)) fsx::throw_errno("write spool file", errno);
    }
    check_diff_id(layer, hash.digest(), "blob");
    out.size = int64_t(hash.bytes());
    rewind_fd(out.fd.get(), "spool file");
    return out;
}

LayerTar driver_diff(ImageService &service, const LayerRecord &layer, const std::filesystem::path &scratch) {
    std::string parent_cache;
    if (!layer.parent.empty()) {
        const auto parent = service.layers().get(layer.parent);
        if (!parent) throw InternalError("layer " + layer.chain_id + ": parent " + layer.parent + " is missing");
        parent_cache = parent->cache_id;
    }
    LayerTar out{spool_file(scratch), 0};
    service.layers().driver().diff(layer.cache_id, parent_cache, out.fd.get());
    rewind_fd(out.fd.get(), "spool file");
    Sha256 hash;
    std::vector<char> buf(256 * 1024);
    for (;;) {
        const ssize_t n = ::read(out.fd.get(), buf.data(), buf.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            fsx::throw_errno("read spool file", errno);
        }
        if (n == 0) break;
        hash.update(buf.data(), size_t(n));
    }
    check_diff_id(layer, hash.digest(), "storage driver");
    out.size = int64_t(hash.bytes());
    rewind_fd(out.fd.get(), "spool file");
    return out;
}

} // namespace

LayerTar open_layer_tar(ImageService &service, const LayerRecord &layer, const std::filesystem::path &scratch) {
    ContentStore &content = service.content();
    // A blob named by the diff_id is that tar, whichever layer kept it; the
    // content store verified its bytes when they went in.
    if (content.has(layer.diff_id)) return LayerTar{content.open(layer.diff_id), content.size(layer.diff_id)};
    if (layer.descriptor && content.has(layer.descriptor->digest)) return decompress_blob(content, layer, scratch);
    return driver_diff(service, layer, scratch);
}

} // namespace berth::images::archive
