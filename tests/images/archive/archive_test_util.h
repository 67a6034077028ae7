// archive_test_util.h — what the docker save/load tests share: tars built
// and read in memory (libarchive), an ImageService over the in-memory
// FakeLayerDriver, images made with each kind of layer source, and a
// snapshot of everything a failed load must leave untouched.
#pragma once

#include "distribution/progress.h"
#include "images/archive/archive.h"
#include "images/image_service.h"

#include "fake_layer_driver.h"
#include "test_util.h"

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace berth::images::archive::test {

struct TarMember {
    std::string name;
    std::string data;
    enum Kind { File, Dir, Symlink, Hardlink, Fifo } kind = File;
    std::string link; // Symlink / Hardlink target
};

enum class Compression { None, Gzip, Zstd };

std::string make_tar(const std::vector<TarMember> &members, Compression compression = Compression::None);
// A raw stream compressed (no tar around it).
std::string compress(const std::string &bytes, Compression compression);
// A small layer tar holding one file (deterministic bytes).
std::string layer_tar(const std::string &file_name, const std::string &content);

// Regular-file members by name, and every member name in archive order.
struct TarContents {
    std::map<std::string, std::string> files;
    std::vector<std::string> order;
};
TarContents read_tar(const std::string &bytes);

// A ByteReader over bytes, handing them out in chunks of at most chunk.
ByteReader reader_of(const std::string &bytes, size_t chunk = 7000);

class CollectingSink : public distribution::ProgressSink {
public:
    void send(const distribution::ProgressMessage &m) override { messages.push_back(m); }
    std::vector<std::string> streams() const;
    std::vector<distribution::ProgressMessage> messages;
};

enum class LayerSource {
    KeptTar,    // the uncompressed tar kept in the content store (import, load)
    GzipBlob,   // a gzip blob as a pull leaves it
    DriverOnly, // no blob: save must ask the driver for a diff
};

// A data root with an ImageService on a fake driver; reopen() for a fresh
// service on the same root.
class Store {
public:
    Store() { reopen(); }
    void reopen() {
        service.reset();
        service = std::make_unique<ImageService>(dir.path(), driver);
    }
    ImageService &svc() { return *service; }

    // An image of the given layer tars (base first). marker varies the
    // config; returns the image ID.
    std::string make_image(const std::vector<std::string> &layer_tars, const std::string &marker,
                           LayerSource source = LayerSource::KeptTar, const std::string &tag = {});

    // images, layers, blobs, driver layers, tags and scratch entries.
    struct Snapshot {
        std::set<std::string> images, layers, blobs, driver_layers, tags, scratch, ingest;
        bool operator==(const Snapshot &) const = default;
    };
    Snapshot snapshot();

    images::test::TempDir dir;
    std::shared_ptr<images::test::FakeLayerDriver> driver = std::make_shared<images::test::FakeLayerDriver>();
    std::unique_ptr<ImageService> service;
};

std::string save_to_string(ImageService &svc, const std::vector<std::string> &names);
LoadResult load_string(ImageService &svc, const std::string &archive, CollectingSink &sink, bool quiet = false);

// The config JSON of a one-platform linux/amd64 image with these diff_ids.
std::string config_json(const std::vector<std::string> &diff_ids, const std::string &marker);

} // namespace berth::images::archive::test
