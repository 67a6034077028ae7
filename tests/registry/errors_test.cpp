// Registry error replies become moby's messages and a category the API
// layer maps to a status.
#include "registry/errors.h"

#include <gtest/gtest.h>

using namespace berth::registry;

TEST(RegistryErrors, ManifestUnknownReadsLikeMoby) {
    const auto e = error_from_reply(
        404, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown","detail":{"Tag":"nope"}}]})",
        "GET x");
    EXPECT_STREQ(e.what(), "manifest unknown: manifest unknown");
    EXPECT_EQ(e.category(), ErrorCategory::NotFound);
    EXPECT_EQ(e.registry_status(), 404);
    ASSERT_EQ(e.entries().size(), 1u);
    EXPECT_EQ(e.entries()[0].code, "MANIFEST_UNKNOWN");
    EXPECT_EQ(e.entries()[0].detail, R"({"Tag":"nope"})");
    EXPECT_EQ(suggested_http_status(e.category()), 404);
}

TEST(RegistryErrors, NameUnknown) {
    const auto e = error_from_reply(
        404, R"({"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]})", "GET x");
    EXPECT_STREQ(e.what(), "name unknown: repository name not known to registry");
    EXPECT_EQ(e.category(), ErrorCategory::NotFound);
}

TEST(RegistryErrors, MissingMessageUsesTheSpecText) {
    const auto e = error_from_reply(404, R"({"errors":[{"code":"BLOB_UNKNOWN"}]})", "GET x");
    EXPECT_STREQ(e.what(), "blob unknown: blob unknown to registry");
}

TEST(RegistryErrors, CategoriesFollowCodesBeforeStatus) {
    EXPECT_EQ(error_from_reply(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})", "")
                  .category(),
              ErrorCategory::Unauthorized);
    EXPECT_EQ(error_from_reply(403, R"({"errors":[{"code":"DENIED","message":"no"}]})", "").category(),
              ErrorCategory::Denied);
    EXPECT_EQ(error_from_reply(429, R"({"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]})", "").category(),
              ErrorCategory::Transient);
    EXPECT_EQ(error_from_reply(400, R"({"errors":[{"code":"DIGEST_INVALID","message":"bad"}]})", "").category(),
              ErrorCategory::Invalid);
    // An unknown code falls back to the status.
    EXPECT_EQ(error_from_reply(503, R"({"errors":[{"code":"WHATEVER","message":"x"}]})", "").category(),
              ErrorCategory::Transient);
    EXPECT_EQ(category_for("", 502), ErrorCategory::Transient);
    EXPECT_EQ(category_for("", 501), ErrorCategory::Invalid);
}

TEST(RegistryErrors, UnauthorizedMessage) {
    const auto e = error_from_reply(
        401, R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":null}]})", "GET x");
    EXPECT_STREQ(e.what(), "unauthorized: authentication required");
    EXPECT_EQ(suggested_http_status(e.category()), 401);
}

TEST(RegistryErrors, SeveralErrorsAreListed) {
    const auto e = error_from_reply(
        400,
        R"({"errors":[{"code":"MANIFEST_BLOB_UNKNOWN","message":"blob unknown to registry"},{"code":"MANIFEST_INVALID","message":"manifest invalid"}]})",
        "PUT x");
    EXPECT_STREQ(e.what(), "errors:\nmanifest blob unknown: blob unknown to registry\nmanifest invalid: manifest invalid\n");
    EXPECT_EQ(e.category(), ErrorCategory::Invalid);
}

TEST(RegistryErrors, NonJsonBodiesStillSayWhatFailed) {
    const auto e = error_from_reply(502, "<html>\nBad Gateway</html>", "GET https://r/v2/x/manifests/latest");
    EXPECT_EQ(std::string(e.what()),
              "unexpected HTTP status 502 from GET https://r/v2/x/manifests/latest: <html> Bad Gateway</html>");
    EXPECT_EQ(e.category(), ErrorCategory::Transient);
    const auto nf = error_from_reply(404, "", "HEAD https://r/v2/x/blobs/sha256:1");
    EXPECT_EQ(std::string(nf.what()), "not found: HEAD https://r/v2/x/blobs/sha256:1");
    EXPECT_EQ(nf.category(), ErrorCategory::NotFound);
    // Token servers answer {"details": ...}.
    const auto tok = error_from_reply(401, R"({"details":"incorrect username or password"})", "GET realm");
    EXPECT_EQ(std::string(tok.what()), "unauthorized: incorrect username or password");
}

TEST(RegistryErrors, SuggestedStatuses) {
    EXPECT_EQ(suggested_http_status(ErrorCategory::NotFound), 404);
    EXPECT_EQ(suggested_http_status(ErrorCategory::Unauthorized), 401);
    EXPECT_EQ(suggested_http_status(ErrorCategory::Denied), 403);
    EXPECT_EQ(suggested_http_status(ErrorCategory::Transient), 503);
    EXPECT_EQ(suggested_http_status(ErrorCategory::Invalid), 400);
    EXPECT_EQ(suggested_http_status(ErrorCategory::Corrupt), 502);
    EXPECT_STREQ(category_name(ErrorCategory::Denied), "denied");
}
