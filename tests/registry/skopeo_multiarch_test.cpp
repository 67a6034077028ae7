// A multi-arch OCI index, built here as an OCI layout and copied into the
// real registry by skopeo (an independent client), must be read by ours:
// linux/amd64 chosen by default, linux/arm64 (v8) when asked.
#include "oci_layout.h"
#include "real_registry.h"
#include "test_env.h"

#include "registry/manifest.h"
#include "registry/media_types.h"
#include "registry/platform.h"
#include "registry/registry_client.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

using namespace berth::registry;
using namespace berth::registry::test;

namespace {

// The architecture the image's config says, after following index → manifest → config.
std::string config_architecture(RegistryClient &client, const std::string &repo, const Descriptor &child) {
    const auto m = client.get_manifest(repo, child.digest);
    EXPECT_EQ(m.media_type, media_type::kOciManifest);
    const auto manifest = parse_image_manifest(m.bytes, m.media_type);
    const auto config = nlohmann::json::parse(client.fetch_blob_bytes(repo, manifest.config));
    std::string arch = config.at("architecture").get<std::string>();
    if (config.contains("variant")) arch += "/" + config.at("variant").get<std::string>();
    return arch;
}

} // namespace

TEST(SkopeoMultiArch, IndexCopiedBySkopeoSelectsThePlatform) {
    if (const auto why = RealRegistry::unavailable_reason(); !why.empty()) GTEST_SKIP() << why;
    const auto skopeo = find_program("skopeo");
    if (!skopeo) GTEST_SKIP() << "skopeo is not installed (apt-get install skopeo)";

    RealRegistry registry;
    TempDir work("berth-skopeo");
    const auto amd64 = build_image(Platform{.os = "linux", .architecture = "amd64"}, true);
    const auto arm64 = build_image(Platform{.os = "linux", .architecture = "arm64", .variant = "v8"}, true);
    const auto layout = work.path() / "layout";
    write_oci_layout(layout, {amd64, arm64});

    // --all: without it skopeo copies only the image for its own platform,
    // not the index. --insecure-policy: no dependence on the host's
    // /etc/containers/policy.json.
    const auto log = work.path() / "skopeo.log";
    const int rc = run_program({skopeo->string(), "--insecure-policy", "copy", "--all", "--dest-tls-verify=false",
                                "oci:" + layout.string(), "docker://" + registry.name() + "/multi:latest"},
                               log);
    ASSERT_EQ(rc, 0) << "skopeo copy failed:\n" << read_file(log) << "\nregistry log:\n" << registry.log();

    RegistryClient client(registry.name(), fast_config());
    const auto top = client.get_manifest("multi", "latest");
    ASSERT_EQ(top.media_type, media_type::kOciIndex);
    const auto index = parse_manifest_index(top.bytes, top.media_type);
    ASSERT_EQ(index.manifests.size(), 2u);

    const auto def = select_manifest(index, default_platform());
#if defined(__x86_64__)
    ASSERT_TRUE(def) << no_matching_manifest_message(default_platform());
    EXPECT_EQ(index.manifests[*def].platform->architecture, "amd64");
    EXPECT_EQ(index.manifests[*def].digest, amd64.manifest_digest);
    EXPECT_EQ(config_architecture(client, "multi", index.manifests[*def]), "amd64");
#endif

    const auto arm = select_manifest(index, parse_platform("linux/arm64"));
    ASSERT_TRUE(arm);
    EXPECT_EQ(index.manifests[*arm].digest, arm64.manifest_digest);
    EXPECT_EQ(config_architecture(client, "multi", index.manifests[*arm]), "arm64/v8");
    EXPECT_EQ(select_manifest(index, parse_platform("linux/arm64/v8")), arm);

    EXPECT_FALSE(select_manifest(index, parse_platform("linux/s390x")));
}
