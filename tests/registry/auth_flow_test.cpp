// Authentication against fake registries on 127.0.0.1: a 401 with no
// challenge, the Bearer flow (token endpoint, scopes, caching, credentials
// from the credentials store), Basic, and redirects to another origin that
// must not receive the registry's Authorization header.
#include "fake_registry.h"
#include "test_env.h"

#include "registry/credentials_store.h"
#include "registry/digest.h"
#include "registry/errors.h"
#include "registry/media_types.h"
#include "registry/registry_client.h"

#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>

using namespace berth::registry;
using namespace berth::registry::test;

namespace {

const std::string kManifest = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,"digest":")" +
                              sha256_digest("{}") + R"("},"layers":[]})";
const std::string kBlob = random_bytes(10000, 7);
const std::string kBlobDigest = sha256_digest(kBlob);

std::string base64(const std::string &s) {
    static const char *tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::size_t i = 0;
    for (; i + 2 < s.size(); i += 3) {
        const unsigned v = (unsigned char)s[i] << 16 | (unsigned char)s[i + 1] << 8 | (unsigned char)s[i + 2];
        for (int k = 18; k >= 0; k -= 6) out += tbl[(v >> k) & 63];
    }
    if (i < s.size()) {
        unsigned v = (unsigned char)s[i] << 16;
        if (i + 1 < s.size()) v |= (unsigned char)s[i + 1] << 8;
        out += tbl[(v >> 18) & 63];
        out += tbl[(v >> 12) & 63];
        out += i + 1 < s.size() ? tbl[(v >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

std::string error_of(const std::function<void()> &f, ErrorCategory *category = nullptr) {
    try {
        f();
    } catch (const RegistryError &e) {
        if (category) *category = e.category();
        return e.what();
    }
    return "(no error)";
}

// A registry demanding Bearer tokens from its own /token endpoint, which
// wants Basic alice:wonderland. It records every token request's scopes and
// checks each registry request carries a token granted for what it needs.
class BearerRegistry {
public:
    BearerRegistry() {
        auto &h = server.http();
        h.Get("/token", [this](const httplib::Request &req, httplib::Response &res) {
            std::lock_guard lock(mutex);
            if (req.get_header_value("Authorization") != "Basic " + base64("alice:wonderland")) {
                res.status = 401;
                res.set_content(R"({"details":"incorrect username or password"})", "application/json");
                return;
            }
            std::vector<std::string> scopes;
            for (std::size_t i = 0; i < req.get_param_value_count("scope"); ++i)
                scopes.push_back(req.get_param_value("scope", i));
            token_requests.push_back(scopes);
            services.push_back(req.get_param_value("service"));
            const auto token = "tok-" + std::to_string(token_requests.size());
            granted[token] = std::set<std::string>(scopes.begin(), scopes.end());
            res.set_content(R"({"token":")" + token + R"(","expires_in":300})", "application/json");
        });
        h.Get("/v2/", [this](const httplib::Request &req, httplib::Response &res) {
            if (!authorized(req, "")) challenge(res, "");
            else res.set_content("{}", "application/json");
        });
        h.Get("/v2/team/app/manifests/v1", [this](const httplib::Request &req, httplib::Response &res) {
            if (!authorized(req, "repository:team/app:pull")) return challenge(res, "repository:team/app:pull");
            res.set_content(kManifest, std::string(media_type::kOciManifest));
        });
        h.Get("/v2/team/app/blobs/" + kBlobDigest, [this](const httplib::Request &req, httplib::Response &res) {
            if (!authorized(req, "repository:team/app:pull")) return challenge(res, "repository:team/app:pull");
            res.set_content(kBlob, "application/octet-stream");
        });
        h.Post("/v2/team/app/blobs/uploads/", [this](const httplib::Request &req, httplib::Response &res) {
            if (!authorized(req, "repository:team/app:push") || !authorized(req, "repository:team/base:pull"))
                return challenge(res, "repository:team/app:pull,push repository:team/base:pull");
            res.status = 201; // mounted
            res.set_header("Docker-Content-Digest", req.get_param_value("mount"));
        });
        server.start();
    }

    FakeServer server;
    std::mutex mutex;
    std::vector<std::vector<std::string>> token_requests;
    std::vector<std::string> services;

private:
    // The token's grant covers `need` ("repository:x:pull"); "" = any token.
    bool authorized(const httplib::Request &req, const std::string &need) {
        std::lock_guard lock(mutex);
        const auto auth = req.get_header_value("Authorization");
        if (auth.rfind("Bearer ", 0) != 0) return false;
        const auto it = granted.find(auth.substr(7));
        if (it == granted.end()) return false;
        if (need.empty()) return true;
        const auto repo_end = need.rfind(':');
        const auto repo = need.substr(0, repo_end), action = need.substr(repo_end + 1);
        for (const auto &g : it->second) {
            const auto g_end = g.rfind(':');
            if (g.substr(0, g_end) != repo) continue;
            const auto actions = "," + g.substr(g_end + 1) + ",";
            if (actions.find("," + action + ",") != std::string::npos) return true;
        }
        return false;
    }
    void challenge(httplib::Response &res, const std::string &scope) {
        res.status = 401;
        std::string h = R"(Bearer realm=")" + server.url() + R"(/token",service="fake-registry")";
        if (!scope.empty()) h += R"(,scope=")" + scope + "\"";
        res.set_header("WWW-Authenticate", h);
        res.set_content(R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})",
                        "application/json");
    }
    std::map<std::string, std::set<std::string>> granted;
};

} // namespace

TEST(AuthFlow, UnauthorizedWithoutChallengeNamesTheRegistry) {
    FakeServer server;
    server.http().Get(R"(/v2/.*)", [](const httplib::Request &, httplib::Response &res) {
        res.status = 401;
        res.set_content(R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})",
                        "application/json");
    });
    server.start();
    RegistryClient client(server.name(), fast_config());
    ErrorCategory cat{};
    const auto msg = error_of([&] { client.get_manifest("x/y", "latest"); }, &cat);
    EXPECT_EQ(cat, ErrorCategory::Unauthorized);
    EXPECT_EQ(msg.rfind("unauthorized: authentication required", 0), 0u) << msg;
    EXPECT_NE(msg.find(server.name()), std::string::npos) << msg;
}

TEST(AuthFlow, BearerTokenScopesAndCaching) {
    BearerRegistry reg;
    // Credentials come from the store, as for a `berth login`ed user.
    TempDir tmp;
    auto store = std::make_shared<CredentialsStore>(tmp.path() / "config.json");
    store->put(reg.server.name(), Credentials{.username = "alice", .password = "wonderland"});
    auto cfg = fast_config();
    cfg.credentials_store = store;
    RegistryClient client(reg.server.name(), cfg);

    EXPECT_EQ(client.get_manifest("team/app", "v1").bytes, kManifest);
    EXPECT_EQ(client.get_manifest("team/app", "v1").bytes, kManifest); // cached token: no second request
    std::string blob;
    client.fetch_blob_verified("team/app",
                               Descriptor{.media_type = "x", .digest = kBlobDigest, .size = std::int64_t(kBlob.size())},
                               [&](std::string_view b) { blob.append(b); });
    EXPECT_EQ(blob, kBlob);
    {
        std::lock_guard lock(reg.mutex);
        ASSERT_EQ(reg.token_requests.size(), 1u);
        EXPECT_EQ(reg.token_requests[0], std::vector<std::string>{"repository:team/app:pull"});
        EXPECT_EQ(reg.services[0], "fake-registry");
    }

    // A mount needs push here and pull on the source: one token, two scopes.
    EXPECT_TRUE(client.mount_blob("team/app", kBlobDigest, "team/base"));
    {
        std::lock_guard lock(reg.mutex);
        ASSERT_EQ(reg.token_requests.size(), 2u);
        EXPECT_EQ(reg.token_requests[1],
                  (std::vector<std::string>{"repository:team/app:pull,push", "repository:team/base:pull"}));
    }
    // That pull,push token also serves later pulls.
    client.get_manifest("team/app", "v1");
    std::lock_guard lock(reg.mutex);
    EXPECT_EQ(reg.token_requests.size(), 2u);
}

TEST(AuthFlow, WrongPasswordAtTheTokenServer) {
    BearerRegistry reg;
    RegistryClient client(reg.server.name(), fast_config(), Credentials{.username = "alice", .password = "nope"});
    ErrorCategory cat{};
    const auto msg = error_of([&] { client.get_manifest("team/app", "v1"); }, &cat);
    EXPECT_EQ(cat, ErrorCategory::Unauthorized);
    EXPECT_NE(msg.find("incorrect username or password"), std::string::npos) << msg;
    EXPECT_NE(msg.find("/token"), std::string::npos) << msg;
}

TEST(AuthFlow, BasicChallengeSendsCredentialsOnEveryRequest) {
    FakeServer server;
    std::mutex m;
    std::vector<std::string> seen;
    const auto expected = "Basic " + base64("bob:builder");
    server.http().Get(R"(/v2/.*)", [&](const httplib::Request &req, httplib::Response &res) {
        {
            std::lock_guard lock(m);
            seen.push_back(req.path + " " + req.get_header_value("Authorization"));
        }
        if (req.get_header_value("Authorization") != expected) {
            res.status = 401;
            res.set_header("WWW-Authenticate", R"(Basic realm="fake")");
            return;
        }
        if (req.path == "/v2/") return res.set_content("{}", "application/json");
        res.set_content(kManifest, std::string(media_type::kOciManifest));
    });
    server.start();
    RegistryClient client(server.name(), fast_config(), Credentials{.username = "bob", .password = "builder"});
    EXPECT_EQ(client.get_manifest("b/c", "v1").bytes, kManifest);
    EXPECT_EQ(client.get_manifest("b/c", "v2").bytes, kManifest);
    std::lock_guard lock(m);
    // Ping (challenged), then both manifests with credentials first time.
    ASSERT_GE(seen.size(), 3u);
    EXPECT_EQ(seen[seen.size() - 2], "/v2/b/c/manifests/v1 " + expected);
    EXPECT_EQ(seen.back(), "/v2/b/c/manifests/v2 " + expected);
}

TEST(AuthFlow, RedirectToAnotherOriginDropsAuthorization) {
    FakeServer storage; // "object storage": another port, so another origin
    std::mutex m;
    std::vector<std::string> storage_auth;
    storage.http().Get("/blobs/data", [&](const httplib::Request &req, httplib::Response &res) {
        {
            std::lock_guard lock(m);
            storage_auth.push_back(req.has_header("Authorization") ? req.get_header_value("Authorization") : "(none)");
        }
        EXPECT_EQ(req.get_param_value("sig"), "abc");
        res.set_content(kBlob, "application/octet-stream");
    });
    storage.start();

    FakeServer registry;
    std::vector<std::string> registry_auth;
    const auto expected = "Basic " + base64("carol:pw");
    registry.http().Get(R"(/v2/.*)", [&](const httplib::Request &req, httplib::Response &res) {
        {
            std::lock_guard lock(m);
            registry_auth.push_back(req.path + " " + req.get_header_value("Authorization"));
        }
        if (req.get_header_value("Authorization") != expected) {
            res.status = 401;
            res.set_header("WWW-Authenticate", R"(Basic realm="fake")");
            return;
        }
        if (req.path == "/v2/") return res.set_content("{}", "application/json");
        // Same-origin hop first (keeps Authorization), then off to storage.
        if (req.path == "/v2/r/blobs/" + kBlobDigest) return res.set_redirect("/v2/r/hop", 302);
        res.set_redirect(storage.url() + "/blobs/data?sig=abc", 307);
    });
    registry.start();

    RegistryClient client(registry.name(), fast_config(), Credentials{.username = "carol", .password = "pw"});
    std::string blob;
    client.fetch_blob_verified("r", Descriptor{.media_type = "x", .digest = kBlobDigest, .size = std::int64_t(kBlob.size())},
                               [&](std::string_view b) { blob.append(b); });
    EXPECT_EQ(blob, kBlob);
    std::lock_guard lock(m);
    EXPECT_EQ(storage_auth, std::vector<std::string>{"(none)"});
    ASSERT_GE(registry_auth.size(), 2u);
    EXPECT_EQ(registry_auth[registry_auth.size() - 2], "/v2/r/blobs/" + kBlobDigest + " " + expected);
    EXPECT_EQ(registry_auth.back(), "/v2/r/hop " + expected);
}
