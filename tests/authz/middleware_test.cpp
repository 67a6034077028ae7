// The authorization middleware over real plugin files: tests/authz's fake
// plugin (one driver per behaviour), tests/plugins' allowall, and the
// bundled authz-policy plugin, loaded through a PluginRegistry and called
// through a CallExecutor, with requests dispatched by a real Router.
// No root, no daemon.
#include "api/authz_middleware.h"
#include "api/router.h"
#include "plugins/call_executor.h"
#include "plugins/registry.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#if !defined(BERTH_AUTHZ_FAKE_PLUGIN) || !defined(BERTH_AUTHZ_ALLOWALL_PLUGIN) || !defined(BERTH_AUTHZ_POLICY_PLUGIN)
#error "CMake must name the test plugin files"
#endif

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using berth::api::AuthzMiddleware;
using berth::api::Request;
using berth::api::Response;
using berth::api::Router;
using nlohmann::json;

class AuthzMiddlewareTest : public ::testing::Test {
protected:
    void SetUp() override {
        std::string pattern = (fs::temp_directory_path() / "berth-authz-XXXXXX").string();
        ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
        tmp_ = pattern;
        policy_path_ = (tmp_ / "authz.json").string();
        write_policy(R"({"rules": [
            {"users": ["alice"], "allow": [{"method": "GET", "path": "/containers/**"}]},
            {"users": ["*"], "allow": [{"method": "GET", "path": "/_ping"}]},
            {"users": ["uid:0"], "allow": [{"method": "*", "path": "/**"}]}]})");
        berth::plugins::RegistryOptions opts;
        opts.data_root = tmp_ / "data";
        opts.exec_root = tmp_ / "run";
        opts.host_version = "test";
        opts.plugin_config = [this](const std::string &name) {
            return name == "authz-policy" ? json{{"policy", policy_path_}}.dump() : std::string("{}");
        };
        fs::create_directories(opts.data_root);
        fs::create_directories(opts.exec_root);
        registry_ = std::make_unique<berth::plugins::PluginRegistry>(std::move(opts));
        for (const char *file : {BERTH_AUTHZ_FAKE_PLUGIN, BERTH_AUTHZ_ALLOWALL_PLUGIN, BERTH_AUTHZ_POLICY_PLUGIN}) {
            const auto rec = registry_->load_file(file);
            ASSERT_EQ("active", rec.state) << file << ": " << rec.reason;
        }
        executor_ = std::make_unique<berth::plugins::CallExecutor>(4);

        router_.add("GET", "/containers/json", [this](Request &) {
            ++handled_;
            return Response::json(200, R"([{"Id":"abc"}])");
        });
        router_.add("DELETE", "/containers/{id}", [this](Request &) {
            ++handled_;
            return Response::empty(204);
        });
        router_.add("POST", "/containers/create", [this](Request &r) {
            ++handled_;
            return Response::json(201, R"({"Id":"new","Echo":)" + json(r.body).dump() + "}");
        });
        router_.add("GET", "/containers/{id}/json", [this](Request &) -> Response {
            ++handled_;
            throw berth::api::ApiError(404, "No such container: nope");
        });
        router_.add("GET", "/events", [this](Request &) {
            ++handled_;
            Response r;
            r.stream = [](berth::api::ResponseStream &out) { out.write("{}"); };
            return r;
        });
    }

    void TearDown() override {
        router_.set_authz(nullptr);
        authz_.reset();
        executor_.reset();
        registry_.reset();
        std::error_code ec;
        fs::remove_all(tmp_, ec);
    }

    void write_policy(const std::string &text) {
        const auto tmp = policy_path_ + ".tmp";
        std::ofstream(tmp) << text;
        fs::rename(tmp, policy_path_);
    }

    void use(const std::vector<std::string> &chain, std::chrono::milliseconds timeout = 5000ms) {
        authz_ = AuthzMiddleware::from_registry(chain, *registry_, *executor_, timeout);
        router_.set_authz(authz_.get());
    }

    Response send(const std::string &method, const std::string &target, const std::string &user = "alice",
                  std::map<std::string, std::string> headers = {}, std::string body = {}) {
        Request r;
        r.method = method;
        r.target = target;
        r.user = user;
        r.authn_method = user.rfind("uid:", 0) == 0 ? "unix" : "TLS";
        r.headers = std::move(headers);
        r.body = std::move(body);
        return router_.dispatch(r);
    }

    static std::string message_of(const Response &r) {
        return json::parse(r.body).value("message", std::string("(no message)"));
    }

    std::string fake_calls() const {
        std::ifstream in(tmp_ / "data" / "plugins" / "authz-fake" / "calls");
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }

    fs::path tmp_;
    std::string policy_path_;
    std::unique_ptr<berth::plugins::PluginRegistry> registry_;
    std::unique_ptr<berth::plugins::CallExecutor> executor_;
    std::unique_ptr<AuthzMiddleware> authz_;
    Router router_;
    std::atomic<int> handled_{0};
};

bool has_header(const Response &r, const std::string &name) {
    for (const auto &[k, v] : r.headers)
        if (k == name) return true;
    return false;
}

TEST_F(AuthzMiddlewareTest, WithoutPluginsNothingIsAsked) {
    use({});
    EXPECT_EQ(200, send("GET", "/v1.44/containers/json", "mallory").status);
    EXPECT_EQ(1, handled_);
}

TEST_F(AuthzMiddlewareTest, AllowingPluginLetsRequestsThrough) {
    use({"allowall"});
    const auto r = send("DELETE", "/v1.44/containers/abc");
    EXPECT_EQ(204, r.status);
    EXPECT_EQ(1, handled_);
}

TEST_F(AuthzMiddlewareTest, DenyIsA403WithMobysWordingAndTheHandlerNeverRuns) {
    use({"fake-deny"});
    const auto r = send("GET", "/v1.44/containers/json");
    EXPECT_EQ(403, r.status);
    EXPECT_EQ("authorization denied by plugin fake-deny: fake says no", message_of(r));
    EXPECT_EQ(0, handled_);
    EXPECT_TRUE(has_header(r, "Api-Version")) << "a 403 carries the standard headers like any response";
}

TEST_F(AuthzMiddlewareTest, PluginsAreAndedInOrderAndTheFirstDenyIsFinal) {
    use({"fake-allow", "allowall", "fake-deny"});
    EXPECT_EQ("authorization denied by plugin fake-deny: fake says no",
              message_of(send("GET", "/containers/json")));
    use({"fake-deny", "fake-count"});
    EXPECT_EQ(403, send("GET", "/containers/json").status);
    EXPECT_EQ("", fake_calls()) << "a plugin after a deny was asked";
    use({"fake-count", "fake-allow"});
    EXPECT_EQ(200, send("GET", "/v1.44/containers/json?all=1").status);
    EXPECT_EQ("GET /v1.44/containers/json?all=1\n", fake_calls()) << "one call per plugin per request";
    EXPECT_EQ(1, handled_);
}

TEST_F(AuthzMiddlewareTest, APluginErrorDenies) {
    use({"fake-error"});
    const auto r = send("GET", "/containers/json");
    EXPECT_EQ(403, r.status);
    EXPECT_EQ("plugin fake-error failed with error: IO: backend unreachable", message_of(r));
    EXPECT_EQ(0, handled_);
}

TEST_F(AuthzMiddlewareTest, ATimeoutDenies) {
    use({"fake-slow"}, 200ms);
    const auto started = std::chrono::steady_clock::now();
    const auto r = send("GET", "/containers/json");
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(403, r.status);
    EXPECT_NE(message_of(r).find("plugin fake-slow failed with error: TIMEOUT"), std::string::npos) << message_of(r);
    EXPECT_LT(took, 2s) << "the API waited for the plugin beyond the timeout";
    EXPECT_EQ(0, handled_);
}

TEST_F(AuthzMiddlewareTest, PluginsSeeTheRequestButNoCredentials) {
    use({"fake-echo"});
    const auto r = send("POST", "/v1.43/containers/create?name=web", "alice",
                        {{"content-type", "application/json"},
                         {"authorization", "Bearer secret"},
                         {"x-registry-auth", "c2VjcmV0"},
                         {"x-registry-config", "e30="},
                         {"user-agent", "Docker-Client/27"}},
                        R"({"Image":"busybox"})");
    ASSERT_EQ(403, r.status);
    const std::string prefix = "authorization denied by plugin fake-echo: ";
    const auto msg = message_of(r);
    ASSERT_EQ(0u, msg.find(prefix)) << msg;
    const auto seen = json::parse(msg.substr(prefix.size()));
    EXPECT_EQ("alice", seen["user"]);
    EXPECT_EQ("TLS", seen["authn_method"]);
    EXPECT_EQ("POST", seen["method"]);
    EXPECT_EQ("/v1.43/containers/create?name=web", seen["uri"]) << "the target as sent";
    EXPECT_EQ(R"({"Image":"busybox"})", seen["body"]);
    EXPECT_EQ("Docker-Client/27", seen["headers"].value("user-agent", ""));
    EXPECT_FALSE(seen["headers"].contains("authorization"));
    EXPECT_FALSE(seen["headers"].contains("x-registry-auth"));
    EXPECT_FALSE(seen["headers"].contains("x-registry-config"));
}

TEST_F(AuthzMiddlewareTest, NonJsonBodiesAreNotShown) {
    use({"fake-echo"});
    const auto r = send("POST", "/containers/create", "alice", {{"content-type", "application/x-tar"}}, "tar bytes");
    const auto msg = message_of(r);
    const auto seen = json::parse(msg.substr(msg.find('{')));
    EXPECT_EQ("", seen["body"]);
}

TEST_F(AuthzMiddlewareTest, ResponsesAreJudgedAfterTheHandler) {
    use({"fake-allow", "fake-deny-response"});
    const auto r = send("GET", "/v1.44/containers/json");
    EXPECT_EQ(403, r.status);
    EXPECT_EQ(1, handled_) << "the response phase runs after the handler";
    const std::string prefix = "authorization denied by plugin fake-deny-response: ";
    const auto msg = message_of(r);
    ASSERT_EQ(0u, msg.find(prefix)) << msg;
    const auto seen = json::parse(msg.substr(prefix.size()));
    EXPECT_EQ(200, seen["status"]);
    EXPECT_EQ(R"([{"Id":"abc"}])", seen["body"]);
    EXPECT_EQ("application/json", seen["headers"].value("Content-Type", ""));
    EXPECT_EQ("1.44", seen["headers"].value("Api-Version", "")) << "plugins see the headers the client would";
}

TEST_F(AuthzMiddlewareTest, AHandlersErrorIsKeptOverAResponseDeny) {
    use({"fake-deny-response"});
    const auto r = send("GET", "/containers/nope/json");
    EXPECT_EQ(404, r.status);
    EXPECT_EQ("No such container: nope", message_of(r));
}

TEST_F(AuthzMiddlewareTest, StreamedResponsesAreAuthorizedUpFrontButNotInspected) {
    use({"fake-deny-response"});
    const auto r = send("GET", "/v1.44/events");
    EXPECT_EQ(200, r.status);
    EXPECT_TRUE(static_cast<bool>(r.stream)) << "a streamed response was replaced";
    use({"fake-deny"});
    const auto denied = send("GET", "/v1.44/events");
    EXPECT_EQ(403, denied.status);
    EXPECT_FALSE(static_cast<bool>(denied.stream));
    EXPECT_EQ(1, handled_);
}

TEST_F(AuthzMiddlewareTest, UnroutableRequestsAreAuthorizedToo) {
    // As moby: the chain runs before routing, so nobody learns which paths exist.
    use({"fake-deny"});
    EXPECT_EQ(403, send("GET", "/v1.44/no/such/path").status);
    use({"fake-allow"});
    EXPECT_EQ(404, send("GET", "/v1.44/no/such/path").status);
}

TEST_F(AuthzMiddlewareTest, AMissingPluginRefusesToBuildTheChain) {
    try {
        use({"fake-allow", "nope"});
        FAIL() << "a chain with a missing plugin was built";
    } catch (const std::runtime_error &e) {
        EXPECT_EQ(std::string("authorization plugin \"nope\" is not available: no plugin file provides it"), e.what());
    }
}

TEST_F(AuthzMiddlewareTest, PolicyPluginReadOnlyUserAndRoot) {
    use({"authz-policy"});
    EXPECT_EQ(200, send("GET", "/v1.44/containers/json", "alice").status);
    const auto rm = send("DELETE", "/v1.44/containers/abc?force=1", "alice");
    EXPECT_EQ(403, rm.status);
    EXPECT_EQ("authorization denied by plugin authz-policy: user alice is not allowed to DELETE /containers/abc",
              message_of(rm));
    EXPECT_EQ(204, send("DELETE", "/v1.44/containers/abc", "uid:0").status);
    EXPECT_EQ(403, send("GET", "/v1.44/containers/json", "uid:1000").status);
    EXPECT_EQ(2, handled_);
}

TEST_F(AuthzMiddlewareTest, PolicyPluginFollowsEditsOfItsFile) {
    use({"authz-policy"});
    EXPECT_EQ(403, send("DELETE", "/containers/abc", "alice").status);
    write_policy(R"({"rules": [{"users": ["alice"], "allow": [{"method": "*", "path": "/containers/**"}]}]})");
    EXPECT_EQ(204, send("DELETE", "/containers/abc", "alice").status);
    write_policy("{broken");
    const auto r = send("GET", "/containers/json", "alice");
    EXPECT_EQ(403, r.status);
    EXPECT_NE(message_of(r).find("invalid JSON"), std::string::npos) << message_of(r);
}

TEST(AuthzPolicyPluginInit, AMalformedPolicyRefusesTheplugin) {
    std::string pattern = (fs::temp_directory_path() / "berth-authz-init-XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    const fs::path tmp = pattern;
    const auto policy = (tmp / "authz.json").string();
    std::ofstream(policy) << R"({"rules": [{"users": ["alice"], "allow": [{"method": "GET", "path": "containers"}]}]})";
    berth::plugins::RegistryOptions opts;
    opts.data_root = tmp / "data";
    opts.exec_root = tmp / "run";
    opts.host_version = "test";
    opts.plugin_config = [&](const std::string &) { return json{{"policy", policy}}.dump(); };
    fs::create_directories(opts.data_root);
    fs::create_directories(opts.exec_root);
    {
        berth::plugins::PluginRegistry registry(std::move(opts));
        const auto rec = registry.load_file(BERTH_AUTHZ_POLICY_PLUGIN);
        EXPECT_EQ("rejected", rec.state);
        EXPECT_NE(rec.reason.find("policy " + policy + ": rules[0].allow[0].path: must be a string starting with"),
                  std::string::npos)
            << rec.reason;
        berth::plugins::CallExecutor executor(1);
        try {
            AuthzMiddleware::from_registry({"authz-policy"}, registry, executor);
            FAIL() << "a refused policy plugin made a chain";
        } catch (const std::runtime_error &e) {
            EXPECT_NE(std::string(e.what()).find("was refused: init failed"), std::string::npos) << e.what();
        }
    }
    fs::remove_all(tmp);
}

} // namespace
