// push_test_support.h — what the push tests share: an image service over
// the in-memory FakeLayerDriver in a scratch data root, layer tars made with
// libarchive, gunzip, and a progress sink that records (or throws).
#pragma once

#include "distribution/blob_sources.h"
#include "distribution/progress.h"
#include "fake_layer_driver.h"
#include "images/image_service.h"
#include "test_util.h"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "test_tar.h"

namespace berth::distribution::test {

// Decompress a gzip blob with zlib (throws std::runtime_error when corrupt).
std::string gunzip(const std::string &gz);

// Records every message; optionally throws once `throw_after` messages have
// been seen (a client that went away).
class RecordingSink : public ProgressSink {
public:
    void send(const ProgressMessage &message) override;
    std::vector<ProgressMessage> messages() const;
    // "id: status" lines without byte progress ("Pushing" collapses into one
    // line per id), in arrival order.
    std::vector<std::string> lines() const;
    // Statuses sent for one id, in order, consecutive repeats collapsed.
    std::vector<std::string> statuses_of(const std::string &id) const;
    long throw_after = -1;

private:
    mutable std::mutex mutex_;
    std::vector<ProgressMessage> messages_;
};

// A data root with an ImageService over a FakeLayerDriver and an index.
struct LocalStore {
    LocalStore();
    images::test::TempDir dir;
    std::shared_ptr<images::test::FakeLayerDriver> driver;
    std::unique_ptr<images::ImageService> service;
    std::unique_ptr<BlobSourceIndex> index;

    // import_rootfs of `tar` tagged `tag` ("127.0.0.1:5000/x:latest"); the
    // layer keeps its tar blob unless keep_tar is false. Returns the image ID.
    std::string import(const std::string &tar, const std::string &tag, bool keep_tar = true);
    // A multi-layer image: each tar registered on the previous one, then a
    // config naming them; tagged `tag`. Returns the image ID.
    std::string make_image(const std::vector<std::string> &tars, const std::string &tag);
    // Files in the content store's ingest directory (temp files a push must not leave).
    size_t ingest_files() const;
};

} // namespace berth::distribution::test
