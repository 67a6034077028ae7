#include "archive_test_util.h"

#include "images/content_store.h"
#include "images/digest.h"
#include "images/image_config.h"

#include <archive.h>
#include <archive_entry.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace berth::images::archive::test {
namespace {

la_ssize_t append_cb(struct archive *, void *data, const void *buf, size_t len) {
    static_cast<std::string *>(data)->append(static_cast<const char *>(buf), len);
    return la_ssize_t(len);
}

void add_filter(struct archive *a, Compression c) {
    if (c == Compression::Gzip) {
        archive_write_add_filter_gzip(a);
        archive_write_set_filter_option(a, "gzip", "timestamp", nullptr);
    } else if (c == Compression::Zstd) {
        if (archive_write_add_filter_zstd(a) != ARCHIVE_OK) throw std::runtime_error(archive_error_string(a));
    }
}

} // namespace

std::string make_tar(const std::vector<TarMember> &members, Compression compression) {
    std::string out;
    auto *a = archive_write_new();
    archive_write_set_format_pax_restricted(a);
    add_filter(a, compression);
    archive_write_set_bytes_in_last_block(a, 1);
    if (archive_write_open2(a, &out, nullptr, append_cb, nullptr, nullptr) != ARCHIVE_OK)
        throw std::runtime_error(archive_error_string(a));
    for (const auto &m : members) {
        auto *e = archive_entry_new();
        archive_entry_set_pathname(e, m.name.c_str());
        archive_entry_set_mtime(e, 0, 0);
        switch (m.kind) {
        case TarMember::File:
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_perm(e, 0644);
            archive_entry_set_size(e, la_int64_t(m.data.size()));
            break;
        case TarMember::Dir:
            archive_entry_set_filetype(e, AE_IFDIR);
            archive_entry_set_perm(e, 0755);
            break;
        case TarMember::Symlink:
            archive_entry_set_filetype(e, AE_IFLNK);
            archive_entry_set_perm(e, 0777);
            archive_entry_set_symlink(e, m.link.c_str());
            break;
        case TarMember::Hardlink:
            archive_entry_set_filetype(e, AE_IFREG);
            archive_entry_set_perm(e, 0644);
            archive_entry_set_hardlink(e, m.link.c_str());
            archive_entry_set_size(e, 0);
            break;
        case TarMember::Fifo:
            archive_entry_set_filetype(e, AE_IFIFO);
            archive_entry_set_perm(e, 0644);
            break;
        }
        if (archive_write_header(a, e) != ARCHIVE_OK) throw std::runtime_error(archive_error_string(a));
        if (m.kind == TarMember::File && !m.data.empty())
            archive_write_data(a, m.data.data(), m.data.size());
        archive_entry_free(e);
    }
    archive_write_close(a);
    archive_write_free(a);
    return out;
}

std::string compress(const std::string &bytes, Compression compression) {
    std::string out;
    auto *a = archive_write_new();
    archive_write_set_format_raw(a);
    add_filter(a, compression);
    archive_write_set_bytes_in_last_block(a, 1);
    if (archive_write_open2(a, &out, nullptr, append_cb, nullptr, nullptr) != ARCHIVE_OK)
        throw std::runtime_error(archive_error_string(a));
    auto *e = archive_entry_new();
    archive_entry_set_filetype(e, AE_IFREG);
    archive_write_header(a, e);
    archive_write_data(a, bytes.data(), bytes.size());
    archive_entry_free(e);
    archive_write_close(a);
    archive_write_free(a);
    return out;
}

std::string layer_tar(const std::string &file_name, const std::string &content) {
    return make_tar({{file_name, content}});
}

TarContents read_tar(const std::string &bytes) {
    TarContents out;
    auto *a = archive_read_new();
    archive_read_support_format_tar(a);
    if (archive_read_open_memory(a, bytes.data(), bytes.size()) != ARCHIVE_OK)
        throw std::runtime_error(archive_error_string(a));
    archive_entry *e = nullptr;
    int r;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK) {
        const std::string name = archive_entry_pathname(e);
        out.order.push_back(name);
        if (archive_entry_filetype(e) != AE_IFREG) continue;
        std::string data(size_t(archive_entry_size(e)), '\0');
        if (!data.empty()) archive_read_data(a, data.data(), data.size());
        out.files[name] = std::move(data);
    }
    const std::string err = r == ARCHIVE_EOF ? "" : archive_error_string(a);
    archive_read_free(a);
    if (!err.empty()) throw std::runtime_error("read_tar: " + err);
    return out;
}

ByteReader reader_of(const std::string &bytes, size_t chunk) {
    auto pos = std::make_shared<size_t>(0);
    return [&bytes, pos, chunk](char *buf, size_t len) -> size_t {
        const size_t n = std::min({len, chunk, bytes.size() - *pos});
        std::memcpy(buf, bytes.data() + *pos, n);
        *pos += n;
        return n;
    };
}

std::vector<std::string> CollectingSink::streams() const {
    std::vector<std::string> out;
    for (const auto &m : messages)
        if (!m.stream.empty()) out.push_back(m.stream);
    return out;
}

std::string config_json(const std::vector<std::string> &diff_ids, const std::string &marker) {
    ImageConfig c;
    c.os = "linux";
    c.architecture = "amd64";
    c.created = "2024-01-02T03:04:05Z";
    c.comment = marker;
    c.config_json = R"({"Cmd":["/bin/sh"]})";
    c.diff_ids = diff_ids;
    for (size_t i = 0; i < diff_ids.size(); ++i)
        c.history.push_back(HistoryEntry{c.created, "layer " + std::to_string(i), "", "", false});
    return serialize_image_config(c);
}

std::string Store::make_image(const std::vector<std::string> &layer_tars, const std::string &marker,
                              LayerSource source, const std::string &tag) {
    std::string chain;
    std::vector<std::string> diff_ids;
    for (const auto &tar : layer_tars) {
        RegisterOptions opts;
        opts.parent_chain = chain;
        opts.expected_diff_id = sha256_digest(tar);
        if (source == LayerSource::KeptTar) opts.keep_tar_blob = true;
        if (source == LayerSource::GzipBlob) {
            const std::string gz = compress(tar, Compression::Gzip);
            const std::string digest = service->content().put(gz);
            opts.descriptor = LayerDescriptor{"application/vnd.docker.image.rootfs.diff.tar.gzip", digest,
                                              int64_t(gz.size())};
        }
        const auto fd = images::test::fd_with(tar);
        const auto reg = service->layers().register_layer(fd.get(), opts);
        chain = reg.layer.chain_id;
        diff_ids.push_back(reg.layer.diff_id);
    }
    const Image img = service->images().create_from_config(config_json(diff_ids, marker));
    if (!tag.empty()) service->tag(img.id, tag);
    return img.id;
}

Store::Snapshot Store::snapshot() {
    Snapshot s;
    for (const auto &img : service->images().list()) s.images.insert(img.id);
    for (const auto &l : service->layers().list()) s.layers.insert(l.chain_id);
    for (const auto &b : service->content().list()) s.blobs.insert(b);
    s.driver_layers = driver->ids();
    for (const auto &[ref, id] : service->references().list()) s.tags.insert(ref.string() + "=" + id);
    std::error_code ec;
    for (const auto &e : std::filesystem::directory_iterator(dir.path() / "image" / "tmp", ec))
        s.scratch.insert(e.path().filename().string());
    for (const auto &e : std::filesystem::directory_iterator(service->content().ingest_dir(), ec))
        s.ingest.insert(e.path().filename().string());
    return s;
}

std::string save_to_string(ImageService &svc, const std::vector<std::string> &names) {
    std::string out;
    save_images(svc, names, [&out](const char *p, size_t n) { out.append(p, n); });
    return out;
}

LoadResult load_string(ImageService &svc, const std::string &archive, CollectingSink &sink, bool quiet) {
    return load_images(svc, reader_of(archive), sink, quiet);
}

} // namespace berth::images::archive::test
