#include "push_test_support.h"

#include "images/digest.h"
#include "images/image_config.h"
#include "images/reference.h"

#include <zlib.h>

#include <stdexcept>

namespace berth::distribution::test {

std::string gunzip(const std::string &gz) {
    z_stream z{};
    if (inflateInit2(&z, 15 + 16) != Z_OK) throw std::runtime_error("inflateInit2");
    std::string out;
    char buf[65536];
    z.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(gz.data()));
    z.avail_in = uInt(gz.size());
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        z.next_out = reinterpret_cast<Bytef *>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&z);
            throw std::runtime_error("gunzip: corrupt data");
        }
        out.append(buf, sizeof buf - z.avail_out);
        if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
            inflateEnd(&z);
            throw std::runtime_error("gunzip: truncated data");
        }
    }
    inflateEnd(&z);
    return out;
}

void RecordingSink::send(const ProgressMessage &message) {
    std::lock_guard lock(mutex_);
    if (throw_after >= 0 && long(messages_.size()) >= throw_after) throw std::runtime_error("client went away");
    messages_.push_back(message);
}

std::vector<ProgressMessage> RecordingSink::messages() const {
    std::lock_guard lock(mutex_);
    return messages_;
}

std::vector<std::string> RecordingSink::lines() const {
    std::vector<std::string> out;
    for (const auto &m : messages()) {
        if (m.status.empty()) continue;
        auto line = m.id.empty() ? m.status : m.id + ": " + m.status;
        if (m.status == "Pushing" && !out.empty() && out.back() == line) continue;
        out.push_back(std::move(line));
    }
    return out;
}

std::vector<std::string> RecordingSink::statuses_of(const std::string &id) const {
    std::vector<std::string> out;
    for (const auto &m : messages())
        if (m.id == id && (out.empty() || out.back() != m.status)) out.push_back(m.status);
    return out;
}

LocalStore::LocalStore() : driver(std::make_shared<images::test::FakeLayerDriver>()) {
    service = std::make_unique<images::ImageService>(dir.path(), driver);
    index = std::make_unique<BlobSourceIndex>(dir.path());
}

std::string LocalStore::import(const std::string &tar, const std::string &tag, bool keep_tar) {
    auto fd = images::test::fd_with(tar);
    images::ImportOptions o;
    o.cmd = {"sh"};
    o.platform = images::Platform{"linux", "amd64", ""};
    o.keep_tar_blob = keep_tar;
    o.tag = images::parse_normalized_named(tag);
    return service->import_rootfs(fd.get(), o);
}

std::string LocalStore::make_image(const std::vector<std::string> &tars, const std::string &tag) {
    images::ImageConfig config;
    config.architecture = "amd64";
    config.os = "linux";
    config.created = "2024-01-01T00:00:00Z";
    std::string parent;
    for (const auto &tar : tars) {
        auto fd = images::test::fd_with(tar);
        images::RegisterOptions o;
        o.parent_chain = parent;
        o.keep_tar_blob = true;
        const auto r = service->layers().register_layer(fd.get(), o);
        parent = r.layer.chain_id;
        config.diff_ids.push_back(r.layer.diff_id);
        config.history.push_back({.created = config.created, .created_by = "test layer"});
    }
    const auto image = service->images().create_from_config(images::serialize_image_config(config));
    service->tag_image(image.id, images::parse_normalized_named(tag));
    return image.id;
}

size_t LocalStore::ingest_files() const {
    size_t n = 0;
    for ([[maybe_unused]] const auto &e : std::filesystem::directory_iterator(service->content().ingest_dir())) ++n;
    return n;
}

} // namespace berth::distribution::test
