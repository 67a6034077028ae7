// archive.h — `docker save` and `docker load`: images to and from the tar
// format Docker 25+ writes (an OCI image layout plus Docker's manifest.json
// and repositories), reading the older docker-save layout (<id>/layer.tar)
// and OCI-only archives too. The API routes (/images/get, /images/load)
// stream bytes through these; nothing here knows about HTTP.
#pragma once

#include "distribution/progress.h"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace berth::images {
class ImageService;
}

namespace berth::images::archive {

// Receives the archive as it is produced. Throws to cancel (client gone):
// the save stops and cleans up.
using ByteWriter = std::function<void(const char *data, size_t len)>;
// Fills up to len bytes; 0 = end of input. Throws on I/O error.
using ByteReader = std::function<size_t(char *buf, size_t len)>;

// names: as `docker save` takes them — "name" (every tag of the
// repository), "name:tag", a full image ID or a unique ID prefix. Every
// name is resolved before the first byte is written, so an unknown one
// throws images::NotFound ("No such image: x:latest") while the API can
// still answer 404.
void save_images(ImageService &service, const std::vector<std::string> &names, const ByteWriter &out);

struct LoadResult {
    // What was loaded, in archive order: "busybox:latest" for each tag,
    // "sha256:<id>" for an image that came without one.
    std::vector<std::string> loaded;
};

// Reads the whole archive (plain or gzip/zstd/xz compressed), checks it,
// and registers its layers and images, tagging them as the archive says.
// Sends "Loaded image: busybox:latest\n" / "Loaded image ID: sha256:…\n"
// (and the rename notice when a tag moves) as stream lines, and "Loading
// layer" byte progress unless quiet. Failures throw images::Error
// (InvalidArgument for a bad archive); then nothing new remains: no image,
// tag, layer, blob or temp directory.
LoadResult load_images(ImageService &service, const ByteReader &in, distribution::ProgressSink &progress,
                       bool quiet);

} // namespace berth::images::archive
