// Interop with an independent implementation of the formats: skopeo reads
// what save_images writes (docker-archive: transport) and writes archives
// load_images reads. Runs skopeo on local files only; skips when it is not
// installed.
#include "archive_test_util.h"

#include "images/digest.h"
#include "images/platform.h"

#include "oci_layout.h"
#include "test_env.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace berth::images;
using namespace berth::images::archive;
using namespace berth::images::archive::test;
namespace reg = berth::registry;
using nlohmann::json;

namespace {

std::filesystem::path skopeo_or_skip() {
    const auto skopeo = reg::test::find_program("skopeo");
    return skopeo ? *skopeo : std::filesystem::path();
}

// skopeo copy, with its log in the failure message.
::testing::AssertionResult skopeo_copy(const std::filesystem::path &skopeo, const std::filesystem::path &work,
                                       const std::string &from, const std::string &to) {
    const auto log = work / "skopeo.log";
    const int rc = reg::test::run_program({skopeo.string(), "--insecure-policy", "copy", from, to}, log);
    if (rc == 0) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure() << "skopeo copy " << from << " " << to << " failed:\n"
                                         << reg::test::read_file(log);
}

json read_json(const std::filesystem::path &p) { return json::parse(reg::test::read_file(p)); }

class SkopeoReadsBerth : public testing::Test {
protected:
    void SetUp() override {
        skopeo = skopeo_or_skip();
        if (skopeo.empty()) GTEST_SKIP() << "skopeo is not installed (apt-get install skopeo)";
        id = src.make_image({layer_tar("a.txt", "layer a"), layer_tar("b.txt", "layer b")}, "skopeo",
                            LayerSource::GzipBlob, "busybox:latest");
        archive = save_to_string(src.svc(), {"busybox:latest"});
        reg::test::write_file(tar_path, archive);
    }

    std::filesystem::path skopeo;
    Store src;
    std::string id, archive;
    reg::test::TempDir work{"berth-archive-skopeo"};
    std::filesystem::path tar_path = work.path() / "saved.tar";
};

TEST_F(SkopeoReadsBerth, DockerArchiveToOciLayout) {
    const auto oci_dir = work.path() / "oci";
    ASSERT_TRUE(skopeo_copy(skopeo, work.path(), "docker-archive:" + tar_path.string(), "oci:" + oci_dir.string() + ":copied"));
    const json index = read_json(oci_dir / "index.json");
    ASSERT_EQ(index["manifests"].size(), 1u);
    const json manifest = read_json(oci_dir / "blobs" / "sha256" / std::string(digest_hex(index["manifests"][0]["digest"].get<std::string>())));
    const std::string config_digest = manifest["config"]["digest"];
    const std::string config = reg::test::read_file(oci_dir / "blobs" / "sha256" / std::string(digest_hex(config_digest)));
    // skopeo rewrites a Docker config as an OCI one on the way into an OCI
    // layout (other key order, Docker-only fields dropped), so its digest is
    // ours only when nothing needed rewriting; the layers are ours either way.
    const json ours = json::parse(src.svc().images().config_bytes(id));
    if (config_digest != id) {
        EXPECT_EQ(json::parse(config)["rootfs"], ours["rootfs"]);
        EXPECT_EQ(json::parse(config)["history"], ours["history"]);
    }
    ASSERT_EQ(manifest["layers"].size(), 2u);
}

TEST_F(SkopeoReadsBerth, DockerArchiveKeepsTheConfigDigest) {
    // dir: stores what the source gives, so the config must be byte-exact.
    const auto dir = work.path() / "dir";
    ASSERT_TRUE(skopeo_copy(skopeo, work.path(), "docker-archive:" + tar_path.string(), "dir:" + dir.string()));
    const json manifest = read_json(dir / "manifest.json");
    EXPECT_EQ(manifest["config"]["digest"], id);
    ASSERT_EQ(manifest["layers"].size(), 2u);
}

TEST_F(SkopeoReadsBerth, ArchiveIsAlsoAnOciLayout) {
    // Docker 25+ archives are OCI image layouts too: skopeo must find the
    // tagged image through index.json and keep our config exactly.
    const auto layout = work.path() / "layout";
    for (const auto &[name, bytes] : read_tar(archive).files) reg::test::write_file(layout / name, bytes);
    const auto dir = work.path() / "dir";
    ASSERT_TRUE(skopeo_copy(skopeo, work.path(), "oci:" + layout.string() + ":latest", "dir:" + dir.string()));
    const json manifest = read_json(dir / "manifest.json");
    EXPECT_EQ(manifest["config"]["digest"], id);
    const Image img = src.svc().images().get(id);
    ASSERT_EQ(manifest["layers"].size(), 2u);
    EXPECT_EQ(manifest["layers"][0]["digest"], img.config.diff_ids[0]);
    EXPECT_EQ(manifest["layers"][1]["digest"], img.config.diff_ids[1]);
}

TEST(SkopeoWritesBerthLoads, OciLayoutToDockerArchive) {
    const auto skopeo = skopeo_or_skip();
    if (skopeo.empty()) GTEST_SKIP() << "skopeo is not installed (apt-get install skopeo)";
    reg::test::TempDir work("berth-archive-skopeo");
    const auto oci_dir = work.path() / "oci";
    const auto built = reg::test::build_image(host_platform(), /*oci=*/true, /*layer_count=*/2);
    reg::test::write_oci_layout(oci_dir, {built});
    // Name the layout's one entry so skopeo can address it as oci:<dir>:<tag>.
    json index = json::parse(reg::test::read_file(oci_dir / "index.json"));
    index["manifests"][0]["annotations"] = {{"org.opencontainers.image.ref.name", "v1"}};
    reg::test::write_file(oci_dir / "index.json", index.dump());

    const auto tar_path = work.path() / "skopeo.tar";
    ASSERT_TRUE(skopeo_copy(skopeo, work.path(), "oci:" + oci_dir.string() + ":v1",
                            "docker-archive:" + tar_path.string() + ":skopeo/made:v1"));

    Store dst;
    const std::string archive = reg::test::read_file(tar_path);
    CollectingSink sink;
    const LoadResult r = load_string(dst.svc(), archive, sink);
    EXPECT_EQ(r.loaded, (std::vector<std::string>{"skopeo/made:v1"}));
    const Image img = dst.svc().resolve("skopeo/made:v1");
    EXPECT_EQ(img.id, sha256_digest(built.config));
    EXPECT_EQ(img.config.diff_ids.size(), 2u);
}

} // namespace
