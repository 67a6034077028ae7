#include "pull_test_support.h"

#include "images/digest.h"
#include "registry/blob_source.h"
#include "registry/manifest.h"
#include "registry/media_types.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <stdexcept>

namespace berth::distribution::test {

namespace mt = registry::media_type;

TestLayer make_layer(const std::map<std::string, std::string> &files, Compression compression) {
    TestLayer layer;
    layer.blob = make_tar(files, compression);
    layer.diff_id = images::sha256_digest(make_tar(files, Compression::None));
    switch (compression) {
    case Compression::None: layer.media_type = std::string(mt::kOciLayer); break;
    case Compression::Gzip: layer.media_type = std::string(mt::kDockerLayer); break;
    case Compression::Zstd: layer.media_type = std::string(mt::kOciLayerZstd); break;
    }
    return layer;
}

TestImage make_test_image(const std::vector<TestLayer> &layers, const std::string &architecture,
                          const std::vector<std::string> &diff_ids) {
    TestImage img;
    bool oci = false;
    nlohmann::ordered_json ids = nlohmann::ordered_json::array();
    for (size_t i = 0; i < layers.size(); ++i) {
        const auto &l = layers[i];
        oci = oci || l.media_type != mt::kDockerLayer;
        const auto digest = images::sha256_digest(l.blob);
        img.blobs[digest] = l.blob;
        img.layers.push_back({.media_type = l.media_type, .digest = digest, .size = int64_t(l.blob.size())});
        ids.push_back(i < diff_ids.size() ? diff_ids[i] : l.diff_id);
    }
    nlohmann::ordered_json cfg;
    cfg["architecture"] = architecture;
    cfg["os"] = "linux";
    cfg["created"] = "2024-01-01T00:00:00Z";
    cfg["config"] = {{"Cmd", {"sh"}}};
    cfg["rootfs"] = {{"type", "layers"}, {"diff_ids", ids}};
    img.config = cfg.dump();
    img.config_digest = images::sha256_digest(img.config);
    img.blobs[img.config_digest] = img.config;

    registry::ImageManifest m;
    m.media_type = std::string(oci ? mt::kOciManifest : mt::kDockerManifest);
    m.config = {.media_type = std::string(oci ? mt::kOciConfig : mt::kDockerConfig),
                .digest = img.config_digest,
                .size = int64_t(img.config.size())};
    m.layers = img.layers;
    img.manifest = registry::write_image_manifest(m);
    img.manifest_media_type = m.media_type;
    img.manifest_digest = images::sha256_digest(img.manifest);
    return img;
}

void push_test_image(registry::RegistryClient &client, const std::string &repository, const TestImage &image,
                     const std::string &tag) {
    for (const auto &[digest, bytes] : image.blobs)
        client.push_blob(repository, digest, registry::BlobSource::from_bytes(bytes));
    client.put_manifest(repository, tag, image.manifest_media_type, image.manifest);
}

void RecordingSink::send(const ProgressMessage &message) {
    {
        std::lock_guard lock(mutex_);
        if ((throw_after >= 0 && long(messages_.size()) >= throw_after) || (throw_when && throw_when(message)))
            throw std::runtime_error("client went away");
        messages_.push_back(message);
    }
    if (on_message) on_message(message);
}

std::vector<ProgressMessage> RecordingSink::messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
}

std::vector<std::string> RecordingSink::statuses_of(const std::string &id) const {
    std::vector<std::string> out;
    for (const auto &m : messages())
        if (m.id == id && (out.empty() || out.back() != m.status)) out.push_back(m.status);
    return out;
}

std::vector<std::string> RecordingSink::general() const {
    std::vector<std::string> out;
    for (const auto &m : messages())
        if (m.id.empty()) out.push_back(m.status);
    return out;
}

bool RecordingSink::saw(const std::string &id, const std::string &status) const {
    for (const auto &m : messages())
        if (m.id == id && m.status == status) return true;
    return false;
}

LocalStore::LocalStore() : driver(std::make_shared<images::test::FakeLayerDriver>()) {
    service = std::make_unique<images::ImageService>(dir.path(), driver);
}

size_t LocalStore::ingest_files() const {
    size_t n = 0;
    std::error_code ec;
    for (std::filesystem::directory_iterator it(service->content().ingest_dir(), ec), end; !ec && it != end;
         it.increment(ec))
        ++n;
    return n;
}

std::string LocalStore::leftovers() const {
    std::string out;
    auto add = [&](const std::string &what, size_t n) {
        if (n) out += (out.empty() ? "" : ", ") + std::to_string(n) + " " + what;
    };
    add("blobs", service->content().list().size());
    add("layer records", service->layers().list().size());
    add("images", service->images().list().size());
    add("references", service->references().list().size());
    add("driver layers", driver->count());
    add("ingest files", ingest_files());
    return out;
}

} // namespace berth::distribution::test
