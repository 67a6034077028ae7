// --platform parsing, normalization and choosing from a list/index.
#include "registry/errors.h"
#include "registry/platform.h"

#include <gtest/gtest.h>

using namespace berth::registry;

namespace {

Platform P(std::string os, std::string arch, std::string variant = {}) {
    return Platform{.os = std::move(os), .architecture = std::move(arch), .variant = std::move(variant)};
}

Descriptor entry(const Platform &p, const std::string &digest_char) {
    Descriptor d;
    d.media_type = "application/vnd.oci.image.manifest.v1+json";
    d.digest = "sha256:" + std::string(64, digest_char[0]);
    d.size = 1;
    d.platform = p;
    return d;
}

} // namespace

TEST(Platform, Parse) {
    EXPECT_EQ(format_platform(parse_platform("linux/arm64/v8")), "linux/arm64/v8");
    EXPECT_EQ(format_platform(parse_platform("linux/arm64")), "linux/arm64/v8");
    EXPECT_EQ(format_platform(parse_platform("Linux/AMD64")), "linux/amd64");
    EXPECT_EQ(format_platform(parse_platform("linux/x86_64")), "linux/amd64");
    EXPECT_EQ(format_platform(parse_platform("linux/aarch64")), "linux/arm64/v8");
    EXPECT_EQ(format_platform(parse_platform("linux/arm")), "linux/arm/v7");
    EXPECT_EQ(format_platform(parse_platform("linux/arm/6")), "linux/arm/v6");
    EXPECT_EQ(format_platform(parse_platform("linux/armhf")), "linux/arm/v7");
    EXPECT_EQ(format_platform(parse_platform("linux/386")), "linux/386");
    EXPECT_EQ(format_platform(parse_platform("linux/i386")), "linux/386");
    EXPECT_EQ(format_platform(parse_platform("linux/amd64/v1")), "linux/amd64");
    EXPECT_EQ(format_platform(parse_platform("arm64")), "linux/arm64/v8");
    EXPECT_EQ(parse_platform("linux"), default_platform());
    EXPECT_EQ(parse_platform("windows/amd64").os, "windows");
    EXPECT_EQ(parse_platform("macos/arm64").os, "darwin");
}

TEST(Platform, ParseRejects) {
    for (const char *bad : {"", "/", "linux/", "linux//v8", "linux/arm64/v8/x", "linux/ar m", "linux/$"}) {
        try {
            parse_platform(bad);
            ADD_FAILURE() << "accepted \"" << bad << "\"";
        } catch (const RegistryError &e) {
            EXPECT_EQ(e.category(), ErrorCategory::Invalid);
            EXPECT_NE(std::string(e.what()).find("invalid platform"), std::string::npos);
        }
    }
}

TEST(Platform, DefaultIsTheHost) {
    const auto p = default_platform();
    EXPECT_EQ(p.os, "linux");
#if defined(__x86_64__)
    EXPECT_EQ(format_platform(p), "linux/amd64");
#endif
}

TEST(Platform, MatchingRules) {
    EXPECT_TRUE(platform_matches(P("linux", "arm64"), P("linux", "arm64", "v8")));
    EXPECT_TRUE(platform_matches(P("linux", "arm64", "v8"), P("linux", "aarch64")));
    EXPECT_FALSE(platform_matches(P("linux", "arm64"), P("linux", "amd64")));
    EXPECT_FALSE(platform_matches(P("linux", "amd64"), P("windows", "amd64")));
    // arm/v7 runs v6 and v5, not v8; v6 does not run v7.
    EXPECT_EQ(platform_match_rank(P("linux", "arm", "v7"), P("linux", "arm", "v7")), 0);
    EXPECT_EQ(platform_match_rank(P("linux", "arm", "v7"), P("linux", "arm", "v6")), 1);
    EXPECT_EQ(platform_match_rank(P("linux", "arm", "v7"), P("linux", "arm", "v5")), 2);
    EXPECT_FALSE(platform_matches(P("linux", "arm", "v6"), P("linux", "arm", "v7")));
    EXPECT_TRUE(platform_matches(P("linux", "arm"), P("linux", "arm")));
    // amd64 without a variant is v1, which every amd64 level runs.
    EXPECT_TRUE(platform_matches(P("linux", "amd64", "v3"), P("linux", "amd64")));
    EXPECT_TRUE(platform_matches(P("linux", "amd64", "v3"), P("linux", "amd64", "v2")));
    EXPECT_FALSE(platform_matches(P("linux", "amd64"), P("linux", "amd64", "v3")));
    EXPECT_FALSE(platform_matches(P("linux", "arm64", "v8"), P("linux", "arm64", "v9")));
}

TEST(Platform, SelectFromIndex) {
    ManifestIndex idx;
    idx.media_type = "application/vnd.oci.image.index.v1+json";
    idx.manifests.push_back(entry(P("linux", "arm", "v6"), "a"));
    idx.manifests.push_back(entry(P("linux", "amd64"), "b"));
    idx.manifests.push_back(entry(P("linux", "arm", "v7"), "c"));
    idx.manifests.push_back(entry(P("linux", "arm64", "v8"), "d"));
    auto attestation = entry(P("unknown", "unknown"), "e");
    attestation.annotations["vnd.docker.reference.type"] = "attestation-manifest";
    idx.manifests.push_back(attestation);

    EXPECT_EQ(select_manifest(idx, P("linux", "amd64")), 1u);
    EXPECT_EQ(select_manifest(idx, parse_platform("linux/arm64")), 3u);
    EXPECT_EQ(select_manifest(idx, parse_platform("linux/arm/v7")), 2u); // exact beats the older v6 listed first
    EXPECT_EQ(select_manifest(idx, parse_platform("linux/arm/v6")), 0u);
    EXPECT_FALSE(select_manifest(idx, parse_platform("linux/s390x")));
    EXPECT_FALSE(select_manifest(idx, P("unknown", "unknown")));
    EXPECT_EQ(no_matching_manifest_message(parse_platform("linux/s390x")),
              "no matching manifest for linux/s390x in the manifest list entries");
}

TEST(Platform, EntriesWithoutPlatformAreSkipped) {
    ManifestIndex idx;
    auto d = entry(P("linux", "amd64"), "a");
    d.platform.reset();
    idx.manifests.push_back(d);
    EXPECT_FALSE(select_manifest(idx, P("linux", "amd64")));
}
