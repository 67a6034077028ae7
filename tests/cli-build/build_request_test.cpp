// The query string and X-Registry-Config header of POST /build: the bytes
// docker build sends for the same flags (engine API §7).
#include "build_request.h"

#include <gtest/gtest.h>

#include <map>

#include "errors.h"
#include "query_string.h"
#include "registry_login.h"
#include "temp_dir.h"

using namespace berth::cli;

namespace {

EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars = std::move(vars)](const std::string& name) -> std::optional<std::string> {
        const auto it = vars.find(name);
        if (it == vars.end()) return std::nullopt;
        return it->second;
    };
}

}  // namespace

TEST(BuildQuery, DefaultsAreWhatDockerAlwaysSends) {
    BuildOptions options;
    options.context = ".";
    EXPECT_EQ(build_query(options, "Dockerfile", env_of({})),
              "?buildargs=%7B%7D&dockerfile=Dockerfile&labels=%7B%7D&networkmode=default&shmsize=0&target="
              "&version=1");
}

TEST(BuildQuery, EveryFlagInSortedKeyOrder) {
    BuildOptions o;
    o.tags = {"demo:latest", "demo:v2"};
    o.build_args = {"A=1", "FROM_ENV", "UNSET"};
    o.labels = {"l=v", "bare"};
    o.add_hosts = {"db:10.0.0.2"};
    o.target = "t1";
    o.network = "host";
    o.platform = "Linux/AMD64";
    o.shm_size = "64m";
    o.no_cache = o.pull = o.quiet = o.force_rm = true;
    o.rm = false;
    const std::string q = build_query(o, "sub/Dockerfile", env_of({{"FROM_ENV", "x y"}}));
    EXPECT_EQ(q, "?buildargs=" + escape_query_value(R"({"A":"1","FROM_ENV":"x y","UNSET":null})") +
                     "&dockerfile=sub%2FDockerfile&extrahosts=db%3A10.0.0.2&forcerm=1&labels=" +
                     escape_query_value(R"({"bare":"","l":"v"})") +
                     "&networkmode=host&nocache=1&platform=linux%2Famd64&pull=1&q=1&rm=0&shmsize=67108864"
                     "&t=demo%3Alatest&t=demo%3Av2&target=t1&version=1");
}

TEST(BuildQuery, RmIsSentOnlyToOptOut) {
    BuildOptions o;
    EXPECT_EQ(build_query(o, "Dockerfile", env_of({})).find("rm="), std::string::npos);
    o.rm = false;
    EXPECT_NE(build_query(o, "Dockerfile", env_of({})).find("&rm=0&"), std::string::npos);
}

TEST(BuildQuery, BadTagIsAUsageError) {
    BuildOptions o;
    o.tags = {"Bad:Tag:x"};
    try {
        build_query(o, "Dockerfile", env_of({}));
        FAIL() << "expected a UsageError";
    } catch (const UsageError& e) {
        EXPECT_EQ(std::string(e.what()), "invalid argument \"Bad:Tag:x\" for \"-t, --tag\" flag: invalid reference format");
        EXPECT_EQ(e.exit_status(), 125);
    }
}

TEST(BuildQuery, BuildArgWithoutNameIsRefused) {
    EXPECT_THROW(build_args_json({"=v"}, env_of({})), UsageError);
}

TEST(BuildQuery, BuildArgKeepsEqualsInValue) {
    EXPECT_EQ(build_args_json({"A=b=c"}, env_of({})).dump(), R"({"A":"b=c"})");
}

TEST(RegistryConfig, EmptyWithoutLogins) {
    TempDir dir;
    EXPECT_EQ(registry_config_header(dir.path() / "config.json"), "e30=");
}

TEST(RegistryConfig, EveryLoginKeyedByServer) {
    TempDir dir;
    const auto file = dir.path() / "config.json";
    store_login(file, {"localhost:5000", "u", "p", ""});
    store_login(file, {"https://index.docker.io/v1/", "hub", "secret", ""});
    EXPECT_EQ(registry_config_header(file),
              base64url(R"({"https://index.docker.io/v1/":{"username":"hub","password":"secret",)"
                        R"("serveraddress":"https://index.docker.io/v1/"},)"
                        R"("localhost:5000":{"username":"u","password":"p","serveraddress":"localhost:5000"}})"));
}
