// pull_test_support.h — what the Puller tests share: layer tars made with
// libarchive (plain, gzip or zstd), images assembled from them with any
// diff_ids, pushing them to a registry, a local store (ImageService over the
// in-memory FakeLayerDriver) and a progress sink that records or cancels.
#pragma once

#include "distribution/progress.h"
#include "fake_layer_driver.h"
#include "images/image_service.h"
#include "registry/descriptor.h"
#include "registry/registry_client.h"
#include "test_util.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "test_tar.h"

namespace berth::distribution::test {

struct TestLayer {
    std::string blob;       // what the registry serves
    std::string media_type; // gzip: Docker's type; zstd, none: OCI's
    std::string diff_id;    // sha256 of the uncompressed tar
};
TestLayer make_layer(const std::map<std::string, std::string> &files, Compression compression = Compression::Gzip);

struct TestImage {
    std::string config;
    std::string config_digest; // the image ID a pull must produce
    std::string manifest;
    std::string manifest_media_type;
    std::string manifest_digest;
    std::vector<registry::Descriptor> layers;
    std::map<std::string, std::string> blobs; // digest -> bytes (config and layers)
};
// A schema2 manifest (OCI when any layer is not gzip) and a config for
// linux/<arch>. diff_ids, when given, replace the layers' own in the config.
TestImage make_test_image(const std::vector<TestLayer> &layers, const std::string &architecture = "amd64",
                          const std::vector<std::string> &diff_ids = {});

// Pushes every blob and the manifest under `tag`.
void push_test_image(registry::RegistryClient &client, const std::string &repository, const TestImage &image,
                     const std::string &tag);

// Records every message. Throws std::runtime_error (a client that went
// away) instead of recording once `throw_after` messages were recorded, or
// on the first message `throw_when` accepts; on_message sees each message
// after it was recorded.
class RecordingSink : public ProgressSink {
public:
    void send(const ProgressMessage &message) override;
    std::vector<ProgressMessage> messages() const;
    // Statuses sent for one id, in order, consecutive repeats collapsed
    // ("Downloading" x 40 is one entry).
    std::vector<std::string> statuses_of(const std::string &id) const;
    // Every status line without an id, in order.
    std::vector<std::string> general() const;
    bool saw(const std::string &id, const std::string &status) const;
    long throw_after = -1;
    std::function<bool(const ProgressMessage &)> throw_when;
    std::function<void(const ProgressMessage &)> on_message;

private:
    mutable std::mutex mutex_;
    std::vector<ProgressMessage> messages_;
};

// A fresh data root with an ImageService over a FakeLayerDriver.
struct LocalStore {
    LocalStore();
    images::test::TempDir dir;
    std::shared_ptr<images::test::FakeLayerDriver> driver;
    std::unique_ptr<images::ImageService> service;

    // Files in the content store's ingest area (temp and partial blobs).
    size_t ingest_files() const;
    // A one-line summary of everything the store holds ("" when empty):
    // blobs, layer records, images, references, driver layers, ingest files.
    std::string leftovers() const;
};

} // namespace berth::distribution::test
