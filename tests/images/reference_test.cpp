// Reference parsing against distribution/reference's normalisation rules
// (ParseNormalizedNamed, Parse, ParseAnyReference, ParseDockerRef).
#include "images/errors.h"
#include "images/reference.h"

#include <gtest/gtest.h>

using namespace berth::images;

namespace {

const std::string kHex = "7cc4b5aefd1d0cadf8d97d4350462ba51c694ebca145b08d7d41b41acc8db5aa";
const std::string kDigest = "sha256:" + kHex;

struct Case {
    std::string input;
    // Success: every field below; failure: error non-empty.
    std::string canonical, familiar, domain, path, tag, digest;
    std::string error;
};

Case ok(std::string in, std::string canonical, std::string familiar, std::string domain, std::string path,
        std::string tag = {}, std::string digest = {}) {
    return Case{std::move(in),   std::move(canonical), std::move(familiar), std::move(domain),
                std::move(path), std::move(tag),       std::move(digest),   {}};
}

Case bad(std::string in, std::string error) { return Case{std::move(in), {}, {}, {}, {}, {}, {}, std::move(error)}; }

std::vector<Case> cases() {
    const std::string long_tag(128, 't');
    const std::string path253(253, 'b');
    return {
        // Docker Hub normalisation.
        ok("busybox", "docker.io/library/busybox", "busybox", "docker.io", "library/busybox"),
        ok("busybox:latest", "docker.io/library/busybox:latest", "busybox:latest", "docker.io", "library/busybox",
           "latest"),
        ok("busybox:1.36.1", "docker.io/library/busybox:1.36.1", "busybox:1.36.1", "docker.io", "library/busybox",
           "1.36.1"),
        ok("library/busybox", "docker.io/library/busybox", "busybox", "docker.io", "library/busybox"),
        ok("docker.io/busybox", "docker.io/library/busybox", "busybox", "docker.io", "library/busybox"),
        ok("docker.io/library/busybox:x", "docker.io/library/busybox:x", "busybox:x", "docker.io", "library/busybox",
           "x"),
        ok("index.docker.io/busybox", "docker.io/library/busybox", "busybox", "docker.io", "library/busybox"),
        ok("index.docker.io/me/app:1", "docker.io/me/app:1", "me/app:1", "docker.io", "me/app", "1"),
        ok("me/app", "docker.io/me/app", "me/app", "docker.io", "me/app"),
        ok("me/app/sub:v2", "docker.io/me/app/sub:v2", "me/app/sub:v2", "docker.io", "me/app/sub", "v2"),
        // library/ is only dropped for a single remaining component.
        ok("library/a/b", "docker.io/library/a/b", "library/a/b", "docker.io", "library/a/b"),
        // Registries: '.', ':' or "localhost" in the first component.
        ok("localhost/app", "localhost/app", "localhost/app", "localhost", "app"),
        ok("localhost:5000/app:v1", "localhost:5000/app:v1", "localhost:5000/app:v1", "localhost:5000", "app", "v1"),
        ok("127.0.0.1:5000/busybox:latest", "127.0.0.1:5000/busybox:latest", "127.0.0.1:5000/busybox:latest",
           "127.0.0.1:5000", "busybox", "latest"),
        ok("registry.example.com/team/app", "registry.example.com/team/app", "registry.example.com/team/app",
           "registry.example.com", "team/app"),
        ok("example.com:8443/app@" + kDigest, "example.com:8443/app@" + kDigest, "example.com:8443/app@" + kDigest,
           "example.com:8443", "app", "", kDigest),
        ok("[::1]:5000/app", "[::1]:5000/app", "[::1]:5000/app", "[::1]:5000", "app"),
        ok("[2001:db8::1]/app:tag", "[2001:db8::1]/app:tag", "[2001:db8::1]/app:tag", "[2001:db8::1]", "app", "tag"),
        ok("my-registry:5000/a/b/c", "my-registry:5000/a/b/c", "my-registry:5000/a/b/c", "my-registry:5000", "a/b/c"),
        // An uppercase first component can only be a registry.
        ok("Foo/bar", "Foo/bar", "Foo/bar", "Foo", "bar"),
        ok("UPPER.example:5000/app", "UPPER.example:5000/app", "UPPER.example:5000/app", "UPPER.example:5000", "app"),
        // Bare "localhost" and "localhost:5000" are Hub names (the second with tag 5000).
        ok("localhost", "docker.io/library/localhost", "localhost", "docker.io", "library/localhost"),
        ok("localhost:5000", "docker.io/library/localhost:5000", "localhost:5000", "docker.io", "library/localhost",
           "5000"),
        // Digests, and tag plus digest.
        ok("busybox@" + kDigest, "docker.io/library/busybox@" + kDigest, "busybox@" + kDigest, "docker.io",
           "library/busybox", "", kDigest),
        ok("busybox:1.36@" + kDigest, "docker.io/library/busybox:1.36@" + kDigest, "busybox:1.36@" + kDigest,
           "docker.io", "library/busybox", "1.36", kDigest),
        // Separators in path components and tag grammar.
        ok("me/a-b_c__d.e---f", "docker.io/me/a-b_c__d.e---f", "me/a-b_c__d.e---f", "docker.io", "me/a-b_c__d.e---f"),
        ok("busybox:Latest_1.x-y", "docker.io/library/busybox:Latest_1.x-y", "busybox:Latest_1.x-y", "docker.io",
           "library/busybox", "Latest_1.x-y"),
        ok("busybox:_x", "docker.io/library/busybox:_x", "busybox:_x", "docker.io", "library/busybox", "_x"),
        ok("busybox:" + long_tag, "docker.io/library/busybox:" + long_tag, "busybox:" + long_tag, "docker.io",
           "library/busybox", long_tag),
        ok("a/" + path253, "docker.io/a/" + path253, "a/" + path253, "docker.io", "a/" + path253),
        // A first component with '.' that is no valid domain stays in the
        // path, and the name has no domain at all (as in Go).
        ok("a_b.c/d", "a_b.c/d", "a_b.c/d", "", "a_b.c/d"),

        // Errors, with Docker's messages.
        bad("", "invalid reference format"),
        bad("Busybox", "invalid reference format: repository name (library/Busybox) must be lowercase"),
        bad("me/App", "invalid reference format: repository name (me/App) must be lowercase"),
        bad("localhost:5000/Foo:tag", "invalid reference format: repository name (Foo) must be lowercase"),
        bad("busybox:", "invalid reference format"),
        bad("busybox::tag", "invalid reference format"),
        bad(":tag", "invalid reference format"),
        bad("busybox:.x", "invalid reference format"),
        bad("busybox:-x", "invalid reference format"),
        bad("busybox:" + long_tag + "t", "invalid reference format"),
        bad("a:b:c", "invalid reference format"),
        bad("a//b", "invalid reference format"),
        bad("-foo", "invalid reference format"),
        bad("foo-", "invalid reference format"),
        bad("foo___bar", "invalid reference format"),
        bad("foo._bar", "invalid reference format"),
        bad("foo..bar", "invalid reference format"),
        bad("bus box", "invalid reference format"),
        bad("http://foo/bar", "invalid reference format"),
        bad("foo@bar@" + kDigest, "invalid reference format"),
        bad("busybox@sha256:abc", "invalid reference format"),
        bad("busybox@" + kDigest + ":tag", "invalid reference format"),
        bad("busybox@sha256:" + kHex.substr(1), "invalid checksum digest length"),
        bad("busybox@sha256:7CC4B5AEFD1D0CADF8D97D4350462BA51C694EBCA145B08D7D41B41ACC8DB5AA",
            "invalid checksum digest format"),
        bad("busybox@md5:0123456789abcdef0123456789abcdef", "unsupported digest algorithm"),
        bad("a/" + path253 + "b", "repository name must not be more than 255 characters"),
        bad(kHex, "invalid repository name (" + kHex + "), cannot specify 64-byte hexadecimal strings"),
    };
}

class ReferenceTable : public testing::TestWithParam<Case> {};

TEST_P(ReferenceTable, ParseNormalizedNamed) {
    const Case &c = GetParam();
    if (!c.error.empty()) {
        try {
            (void)parse_normalized_named(c.input);
            FAIL() << "parsed: " << c.input;
        } catch (const InvalidReference &e) {
            EXPECT_EQ(e.what(), c.error) << c.input;
            EXPECT_EQ(e.kind(), ErrorKind::InvalidArgument);
        }
        return;
    }
    const Reference r = parse_normalized_named(c.input);
    EXPECT_EQ(r.string(), c.canonical) << c.input;
    EXPECT_EQ(r.familiar_string(), c.familiar) << c.input;
    EXPECT_EQ(r.domain, c.domain) << c.input;
    EXPECT_EQ(r.path, c.path) << c.input;
    EXPECT_EQ(r.tag, c.tag) << c.input;
    EXPECT_EQ(r.digest, c.digest) << c.input;
    // Normalisation is idempotent from both forms.
    EXPECT_EQ(parse_normalized_named(r.string()), r) << c.input;
    EXPECT_EQ(parse_normalized_named(r.familiar_string()).string(), r.string()) << c.input;
}

INSTANTIATE_TEST_SUITE_P(Docker, ReferenceTable, testing::ValuesIn(cases()),
                         [](const testing::TestParamInfo<Case> &param) {
                             return std::string(param.param.error.empty() ? "ok_" : "err_") +
                                    std::to_string(param.index);
                         });

TEST(Reference, TableIsLargeEnough) { EXPECT_GE(cases().size(), 40u); }

TEST(Reference, FamiliarNameAndTagDefaults) {
    const Reference r = parse_normalized_named("busybox");
    EXPECT_TRUE(r.name_only());
    EXPECT_EQ(r.familiar_name(), "busybox");
    EXPECT_EQ(r.tag_name_only().string(), "docker.io/library/busybox:latest");
    EXPECT_EQ(r.tag_name_only().familiar_string(), "busybox:latest");
    const Reference d = parse_normalized_named("busybox@" + kDigest);
    EXPECT_EQ(d.tag_name_only(), d) << "a digested reference gets no default tag";
    EXPECT_EQ(parse_normalized_named("127.0.0.1:5000/busybox").tag_name_only().familiar_string(),
              "127.0.0.1:5000/busybox:latest");
}

TEST(Reference, DockerRefDropsTagWhenDigested) {
    EXPECT_EQ(parse_normalized_named("busybox:1.36@" + kDigest).docker_ref().string(),
              "docker.io/library/busybox@" + kDigest);
    EXPECT_EQ(parse_normalized_named("busybox").docker_ref().string(), "docker.io/library/busybox:latest");
    EXPECT_EQ(parse_normalized_named("busybox:1").docker_ref().string(), "docker.io/library/busybox:1");
}

TEST(Reference, WithTagAndDigestValidate) {
    const Reference r = parse_normalized_named("me/app");
    EXPECT_EQ(r.with_tag("v1").familiar_string(), "me/app:v1");
    try {
        (void)r.with_tag("bad tag");
        FAIL();
    } catch (const InvalidReference &e) {
        EXPECT_STREQ(e.what(), "invalid tag format");
    }
    EXPECT_EQ(r.with_digest(kDigest).string(), "docker.io/me/app@" + kDigest);
    EXPECT_THROW((void)r.with_digest("sha256:1234"), InvalidReference);
    EXPECT_EQ(r.with_tag("v1").trimmed().string(), "docker.io/me/app");
}

TEST(Reference, ParseWithoutNormalisation) {
    const Reference r = parse_reference("busybox:1");
    EXPECT_EQ(r.domain, "");
    EXPECT_EQ(r.path, "busybox");
    EXPECT_EQ(r.tag, "1");
    EXPECT_EQ(parse_reference("localhost:5000/a").domain, "localhost:5000");
    // Here the whole name is checked, so uppercase gets Parse's own message.
    try {
        (void)parse_reference("Foo/Bar");
        FAIL();
    } catch (const InvalidReference &e) {
        EXPECT_STREQ(e.what(), "repository name must be lowercase");
    }
    try {
        (void)parse_reference("");
        FAIL();
    } catch (const InvalidReference &e) {
        EXPECT_STREQ(e.what(), "repository name must have at least one component");
    }
}

TEST(Reference, AnyReferenceTellsIdsFromNames) {
    auto id = parse_any_reference(kHex);
    EXPECT_FALSE(id.named);
    EXPECT_EQ(id.id, kDigest);
    auto dg = parse_any_reference(kDigest);
    EXPECT_FALSE(dg.named);
    EXPECT_EQ(dg.id, kDigest);
    // A short hex string is a valid name: the caller tries names first.
    auto name = parse_any_reference("abc123");
    ASSERT_TRUE(name.named);
    EXPECT_EQ(name.named->string(), "docker.io/library/abc123");
    // "sha256:abc" is not a full digest, so it parses as name:tag.
    auto short_digest = parse_any_reference("sha256:abc");
    ASSERT_TRUE(short_digest.named);
    EXPECT_EQ(short_digest.named->familiar_string(), "sha256:abc");
    EXPECT_THROW(parse_any_reference("Bad"), InvalidReference);
}

TEST(Reference, RepoAndTag) {
    EXPECT_EQ(parse_repo_and_tag("busybox", "").familiar_string(), "busybox:latest");
    EXPECT_EQ(parse_repo_and_tag("localhost:5000/busybox", "v1").string(), "localhost:5000/busybox:v1");
    try {
        (void)parse_repo_and_tag("busybox@" + kDigest, "");
        FAIL();
    } catch (const InvalidReference &e) {
        EXPECT_STREQ(e.what(), "cannot import digest reference");
    }
    EXPECT_THROW(parse_repo_and_tag("busybox", "a b"), InvalidReference);
}

TEST(Reference, ImageIdPrefix) {
    EXPECT_TRUE(is_image_id_prefix(kDigest, "7cc4"));
    EXPECT_TRUE(is_image_id_prefix(kDigest, "sha256:7cc4"));
    EXPECT_TRUE(is_image_id_prefix(kDigest, kHex));
    EXPECT_FALSE(is_image_id_prefix(kDigest, "busybox"));
    EXPECT_FALSE(is_image_id_prefix(kDigest, "7cc5"));
}

TEST(Reference, GrammarPieces) {
    EXPECT_TRUE(is_valid_tag("latest"));
    EXPECT_TRUE(is_valid_tag("v1.2-rc_3"));
    EXPECT_FALSE(is_valid_tag(""));
    EXPECT_FALSE(is_valid_tag("-x"));
    EXPECT_FALSE(is_valid_tag("a/b"));
    EXPECT_TRUE(is_valid_remote_name("a/b-c/d__e"));
    EXPECT_FALSE(is_valid_remote_name("a/"));
    EXPECT_FALSE(is_valid_remote_name("A"));
    EXPECT_TRUE(is_valid_domain("localhost:5000"));
    EXPECT_TRUE(is_valid_domain("[fe80::1]:80"));
    EXPECT_FALSE(is_valid_domain("[]"));
    EXPECT_FALSE(is_valid_domain("-bad.com"));
    EXPECT_FALSE(is_valid_domain("host:"));
    EXPECT_FALSE(is_valid_domain("host:80:90"));
}

} // namespace
