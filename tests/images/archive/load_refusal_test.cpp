// docker load refuses corrupt and hostile archives with a message naming
// the problem, and leaves nothing behind: no image, tag, layer, blob,
// storage layer, ingest file or scratch directory.
#include "archive_test_util.h"

#include "images/digest.h"
#include "images/errors.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstring>

using namespace berth::images;
using namespace berth::images::archive;
using namespace berth::images::archive::test;
using nlohmann::json;

namespace {

std::string hex(const std::string &digest) { return std::string(digest_hex(digest)); }

class LoadRefusalTest : public testing::Test {
protected:
    LoadRefusalTest() {
        // Something already there, which a failed load must not disturb.
        dst.make_image({layer_tar("existing.txt", "existing")}, "existing", LayerSource::KeptTar, "existing:1");
        before = dst.snapshot();
    }

    // Loads archive, expects failure with `expected` in the message (as
    // type E) and the store exactly as before.
    template <typename E = InvalidArgument>
    void expect_refused(const std::string &archive, const std::string &expected) {
        CollectingSink sink;
        try {
            load_string(dst.svc(), archive, sink);
            ADD_FAILURE() << "load succeeded";
        } catch (const E &e) {
            EXPECT_NE(std::string(e.what()).find(expected), std::string::npos) << e.what();
        }
        EXPECT_EQ(dst.snapshot(), before);
        for (const auto &m : sink.messages) EXPECT_TRUE(m.stream.empty()) << "told the client: " << m.stream;
    }

    // A valid two-image archive, then altered by the test.
    std::vector<TarMember> good_members(const std::string &second_layer) {
        const std::string cfg1 = config_json({sha256_digest(base)}, "one");
        const std::string cfg2 = config_json({sha256_digest(base), sha256_digest(top)}, "two");
        json manifest = json::array();
        manifest.push_back({{"Config", "blobs/sha256/" + hex(sha256_digest(cfg1))},
                            {"RepoTags", {"one:1"}},
                            {"Layers", {"blobs/sha256/" + hex(sha256_digest(base))}}});
        manifest.push_back({{"Config", "blobs/sha256/" + hex(sha256_digest(cfg2))},
                            {"RepoTags", {"existing:1"}},
                            {"Layers", {"blobs/sha256/" + hex(sha256_digest(base)), second_layer}}});
        return {{"blobs/sha256/" + hex(sha256_digest(cfg1)), cfg1},
                {"blobs/sha256/" + hex(sha256_digest(cfg2)), cfg2},
                {"blobs/sha256/" + hex(sha256_digest(base)), base},
                {"blobs/sha256/" + hex(sha256_digest(top)), top},
                {"manifest.json", manifest.dump()}};
    }

    Store dst;
    Store::Snapshot before;
    const std::string base = layer_tar("base.txt", "base content");
    const std::string top = layer_tar("top.txt", "top content");
};

TEST_F(LoadRefusalTest, GoodArchiveLoadsSoTheOthersFailForTheirOwnReason) {
    CollectingSink sink;
    EXPECT_EQ(load_string(dst.svc(), make_tar(good_members("blobs/sha256/" + hex(sha256_digest(top)))), sink).loaded,
              (std::vector<std::string>{"one:1", "existing:1"}));
}

TEST_F(LoadRefusalTest, WrongDiffIdAfterEarlierImagesLoaded) {
    auto members = good_members("blobs/sha256/" + hex(sha256_digest(top)));
    members[3].data = layer_tar("top.txt", "tampered content");
    expect_refused<DigestMismatch>(make_tar(members), "invalid diffID for layer 1: expected \"" + sha256_digest(top));
}

TEST_F(LoadRefusalTest, WrongDiffIdInCompressedLayer) {
    auto members = good_members("blobs/sha256/" + hex(sha256_digest(top)));
    members[3].data = compress(layer_tar("top.txt", "tampered"), Compression::Gzip);
    expect_refused<DigestMismatch>(make_tar(members), "invalid diffID for layer 1");
}

TEST_F(LoadRefusalTest, MemberClimbingOutOfTheArchive) {
    auto members = good_members("blobs/sha256/" + hex(sha256_digest(top)));
    members.insert(members.begin(), TarMember{"../evil", "gotcha"});
    expect_refused(make_tar(members), "invalid archive member \"../evil\": path leads outside the archive");
    EXPECT_FALSE(std::filesystem::exists(dst.dir.path() / "image" / "evil"));
}

TEST_F(LoadRefusalTest, MemberClimbingInTheMiddle) {
    auto members = good_members("blobs/sha256/" + hex(sha256_digest(top)));
    members.push_back({"blobs/../../evil", "gotcha"});
    expect_refused(make_tar(members), "path leads outside the archive");
}

TEST_F(LoadRefusalTest, AbsoluteMember) {
    auto members = good_members("blobs/sha256/" + hex(sha256_digest(top)));
    members.push_back({"/abs/evil", "gotcha"});
    expect_refused(make_tar(members), "invalid archive member \"/abs/evil\": absolute path");
}

TEST_F(LoadRefusalTest, ManifestPointingOutsideTheArchive) {
    expect_refused(make_tar(good_members("../../etc/passwd")),
                   "invalid manifest.json path \"../../etc/passwd\": path leads outside the archive");
    expect_refused(make_tar(good_members("/etc/passwd")), "absolute path");
}

TEST_F(LoadRefusalTest, SymlinkPointingOutsideTheArchive) {
    auto members = good_members("x/layer.tar");
    members.push_back({"x/layer.tar", "", TarMember::Symlink, "../../../etc/passwd"});
    expect_refused(make_tar(members), "link \"x/layer.tar\" points outside the archive");
    auto absolute = good_members("y/layer.tar");
    absolute.push_back({"y/layer.tar", "", TarMember::Symlink, "/etc/passwd"});
    expect_refused(make_tar(absolute), "points outside the archive");
}

TEST_F(LoadRefusalTest, DeviceOrFifoMember) {
    auto members = good_members("blobs/sha256/" + hex(sha256_digest(top)));
    members.push_back({"fifo", "", TarMember::Fifo});
    expect_refused(make_tar(members), "invalid archive member \"fifo\": not a regular file");
}

TEST_F(LoadRefusalTest, TruncatedTar) {
    const std::string whole = make_tar(good_members("blobs/sha256/" + hex(sha256_digest(top))));
    // Cut inside manifest.json's data (the last member, before the 1 KiB end marker).
    expect_refused(whole.substr(0, whole.size() - 1024 - 300), "invalid archive: reading member \"manifest.json\"");
    // Cut inside a layer: libarchive names it a truncated archive.
    expect_refused(whole.substr(0, whole.size() / 2 + 100), "runcated");
}

TEST_F(LoadRefusalTest, TruncatedCompressedLayer) {
    auto members = good_members("blobs/sha256/" + hex(sha256_digest(top)));
    const std::string gz = compress(top, Compression::Gzip);
    members[3].data = gz.substr(0, gz.size() / 2);
    expect_refused(make_tar(members), "layer blobs/sha256/");
}

TEST_F(LoadRefusalTest, ManifestNamingAMissingBlob) {
    expect_refused(make_tar(good_members("blobs/sha256/" + std::string(64, 'f'))),
                   "manifest.json names \"blobs/sha256/" + std::string(64, 'f') + "\", which is not in the archive");
}

TEST_F(LoadRefusalTest, ConfigNotJson) {
    auto members = good_members("blobs/sha256/" + hex(sha256_digest(top)));
    members[1].data = "this is not json";
    expect_refused(make_tar(members), "invalid archive: config \"blobs/sha256/");
}

TEST_F(LoadRefusalTest, ManifestJsonNotJsonOrNull) {
    auto members = good_members("blobs/sha256/" + hex(sha256_digest(top)));
    members[4].data = "{oops";
    expect_refused(make_tar(members), "manifest.json is not valid JSON");
    members[4].data = "null";
    expect_refused(make_tar(members), "invalid manifest, manifest cannot be null");
}

TEST_F(LoadRefusalTest, LayerCountMismatch) {
    auto members = good_members("blobs/sha256/" + hex(sha256_digest(top)));
    json manifest = json::parse(members[4].data);
    manifest[1]["Layers"].erase(1);
    members[4].data = manifest.dump();
    expect_refused(make_tar(members), "invalid manifest, layers length mismatch: expected 1, got 2");
}

TEST_F(LoadRefusalTest, InvalidTag) {
    auto members = good_members("blobs/sha256/" + hex(sha256_digest(top)));
    json manifest = json::parse(members[4].data);
    manifest[1]["RepoTags"] = {"UPPER:case"};
    members[4].data = manifest.dump();
    expect_refused(make_tar(members), "invalid tag \"UPPER:case\"");
}

TEST_F(LoadRefusalTest, NotAnArchiveAtAll) {
    expect_refused(std::string(4096, 'x'), "invalid archive");
    expect_refused(make_tar({{"hello.txt", "hi"}}), "neither manifest.json nor index.json");
    expect_refused("", "invalid archive");
}

TEST_F(LoadRefusalTest, WindowsImage) {
    auto members = good_members("blobs/sha256/" + hex(sha256_digest(top)));
    json cfg = json::parse(members[0].data);
    cfg["os"] = "windows";
    const std::string bytes = cfg.dump();
    json manifest = json::parse(members[4].data);
    manifest[0]["Config"] = "win.json";
    members[4].data = manifest.dump();
    members.push_back({"win.json", bytes});
    expect_refused(make_tar(members), "cannot load windows image on linux");
}

TEST_F(LoadRefusalTest, ReaderFailureAndCancelledClient) {
    const std::string whole = make_tar(good_members("blobs/sha256/" + hex(sha256_digest(top))));
    size_t given = 0;
    const ByteReader failing = [&](char *buf, size_t len) -> size_t {
        if (given > whole.size() / 2) throw std::runtime_error("connection reset");
        const size_t n = std::min(len, std::min<size_t>(4096, whole.size() - given));
        std::memcpy(buf, whole.data() + given, n);
        given += n;
        return n;
    };
    CollectingSink sink;
    EXPECT_THROW(load_images(dst.svc(), failing, sink, false), std::runtime_error);
    EXPECT_EQ(dst.snapshot(), before);

    // The progress sink throws once layers are being applied.
    struct CancellingSink : berth::distribution::ProgressSink {
        void send(const berth::distribution::ProgressMessage &m) override {
            if (m.status == "Loading layer") throw std::runtime_error("client went away");
        }
    } cancelling;
    EXPECT_THROW(load_images(dst.svc(), reader_of(whole), cancelling, false), std::runtime_error);
    EXPECT_EQ(dst.snapshot(), before);
}

TEST_F(LoadRefusalTest, StorageDriverFailure) {
    dst.driver->fail_apply_after(10);
    expect_refused<StorageError>(make_tar(good_members("blobs/sha256/" + hex(sha256_digest(top)))), "injected");
    dst.driver->fail_apply_after(-1);
}

TEST_F(LoadRefusalTest, OciIndexWithTamperedManifest) {
    const std::string cfg = config_json({sha256_digest(base)}, "oci");
    json m = {{"schemaVersion", 2},
              {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
              {"config", {{"mediaType", "application/vnd.oci.image.config.v1+json"}, {"digest", sha256_digest(cfg)}, {"size", cfg.size()}}},
              {"layers", {{{"mediaType", "application/vnd.oci.image.layer.v1.tar"}, {"digest", sha256_digest(base)}, {"size", base.size()}}}}};
    const std::string mbytes = m.dump();
    json index = {{"schemaVersion", 2},
                  {"manifests", {{{"mediaType", "application/vnd.oci.image.manifest.v1+json"}, {"digest", sha256_digest(mbytes)}, {"size", mbytes.size()}}}}};
    expect_refused(make_tar({{"blobs/sha256/" + hex(sha256_digest(cfg)), cfg},
                             {"blobs/sha256/" + hex(sha256_digest(base)), base},
                             {"blobs/sha256/" + hex(sha256_digest(mbytes)), mbytes + " "},
                             {"index.json", index.dump()}}),
                   "does not match its digest");
}

} // namespace
