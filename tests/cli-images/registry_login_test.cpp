// The login file (docker's config.json shape, 0600) and the X-Registry-Auth
// header built from it.
#include "registry_login.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include <sys/stat.h>

#include <nlohmann/json.hpp>

#include "temp_dir.h"

using namespace berth::cli;

namespace {

nlohmann::json read_json(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::stringstream ss;
    ss << in.rdbuf();
    return nlohmann::json::parse(ss.str());
}

std::string base64url_decode(std::string text) {
    for (char& c : text) {
        if (c == '-') c = '+';
        if (c == '_') c = '/';
    }
    static const std::string kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    int bits = 0;
    unsigned value = 0;
    for (char c : text) {
        if (c == '=') break;
        value = (value << 6) | static_cast<unsigned>(kAlphabet.find(c));
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((value >> bits) & 0xFF);
        }
    }
    return out;
}

}  // namespace

TEST(RegistryLogin, ConfigFileLocation) {
    TempDir dir;
    {
        ScopedEnv env("BERTH_CONFIG", dir.path().string());
        EXPECT_EQ(credentials_file(), dir.path() / "config.json");
    }
    ScopedEnv no_config("BERTH_CONFIG", "");
    ScopedEnv home("HOME", dir.path().string());
    EXPECT_EQ(credentials_file(), dir.path() / ".berth" / "config.json");
}

TEST(RegistryLogin, AnonymousHeaderIsEmptyObject) {
    TempDir dir;
    EXPECT_EQ(registry_auth_header(dir.path() / "config.json", "docker.io"), "e30=");
}

TEST(RegistryLogin, StoresDockerShapeWithMode0600AndKeepsOtherKeys) {
    TempDir dir;
    const auto file = dir.path() / "cfg" / "config.json";
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << R"({"auths":{"other.example:5000":{"auth":"eDp5"}},"psFormat":"table {{.ID}}"})";

    store_login(file, {"https://index.docker.io/v1/", "alice", "s3cret", ""});
    store_login(file, {"localhost:5000", "bob", "pw", ""});

    struct stat st{};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const auto doc = read_json(file);
    EXPECT_EQ(doc["psFormat"], "table {{.ID}}");
    EXPECT_EQ(doc["auths"]["other.example:5000"]["auth"], "eDp5");
    EXPECT_EQ(doc["auths"]["https://index.docker.io/v1/"]["auth"], "YWxpY2U6czNjcmV0");  // alice:s3cret
    EXPECT_EQ(doc["auths"]["localhost:5000"]["auth"], "Ym9iOnB3");                      // bob:pw

    // The header for a pull from Docker Hub carries that login, in docker's
    // field order, base64url-encoded.
    const std::string header = registry_auth_header(file, "docker.io");
    EXPECT_EQ(base64url_decode(header),
              R"({"username":"alice","password":"s3cret","serveraddress":"https://index.docker.io/v1/"})");
    EXPECT_EQ(base64url_decode(registry_auth_header(file, "localhost:5000")),
              R"({"username":"bob","password":"pw","serveraddress":"localhost:5000"})");
    EXPECT_EQ(registry_auth_header(file, "quay.io"), "e30=");
}

TEST(RegistryLogin, IdentityTokenTravelsInTheHeader) {
    TempDir dir;
    const auto file = dir.path() / "config.json";
    store_login(file, {"registry.example", "carol", "", "refresh-token"});
    const auto doc = read_json(file);
    EXPECT_EQ(doc["auths"]["registry.example"]["identitytoken"], "refresh-token");
    EXPECT_EQ(base64url_decode(registry_auth_header(file, "registry.example")),
              R"({"username":"carol","serveraddress":"registry.example","identitytoken":"refresh-token"})");
}

TEST(RegistryLogin, EraseRemovesOnlyThatServer) {
    TempDir dir;
    const auto file = dir.path() / "config.json";
    store_login(file, {"https://index.docker.io/v1/", "alice", "x", ""});
    store_login(file, {"localhost:5000", "bob", "y", ""});
    EXPECT_TRUE(erase_login(file, "https://index.docker.io/v1/"));
    EXPECT_FALSE(erase_login(file, "https://index.docker.io/v1/"));
    const auto doc = read_json(file);
    EXPECT_FALSE(doc["auths"].contains("https://index.docker.io/v1/"));
    EXPECT_TRUE(doc["auths"].contains("localhost:5000"));
    struct stat st{};
    ASSERT_EQ(::stat(file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(RegistryLogin, Base64UrlUsesUrlAlphabetWithPadding) {
    EXPECT_EQ(base64url("{}"), "e30=");
    EXPECT_EQ(base64url("\xfb\xff"), "-_8=");
}
