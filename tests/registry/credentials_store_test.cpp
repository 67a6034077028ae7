// The credentials file: docker's config.json shape, round trip, mode 0600.
#include "registry/credentials_store.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <sstream>

using namespace berth::registry;

namespace {

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string t = (std::filesystem::temp_directory_path() / "berth-creds-XXXXXX").string();
        path = ::mkdtemp(t.data());
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

std::string slurp(const std::filesystem::path &p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

int mode_of(const std::filesystem::path &p) {
    struct stat st {};
    EXPECT_EQ(::stat(p.c_str(), &st), 0);
    return int(st.st_mode & 07777);
}

} // namespace

TEST(CredentialsStore, RoundTripAndMode) {
    TempDir tmp;
    const auto file = tmp.path / "sub" / "config.json";
    CredentialsStore store(file);
    EXPECT_FALSE(store.get("localhost:5000"));
    EXPECT_TRUE(store.registries().empty());

    store.put("localhost:5000", Credentials{.username = "alice", .password = "s3cr:et"});
    store.put("docker.io", Credentials{.username = "bob", .password = "pw"});
    EXPECT_EQ(mode_of(file), 0600);

    const auto text = slurp(file);
    // docker's shape: "auths" → base64("user:pass"); Docker Hub under its legacy key.
    EXPECT_NE(text.find(R"("https://index.docker.io/v1/")"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("auth": "YWxpY2U6czNjcjpldA==")"), std::string::npos) << text;
    EXPECT_EQ(text.find("s3cr:et"), std::string::npos) << "password stored in clear";

    CredentialsStore again(file);
    const auto a = again.get("localhost:5000");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->username, "alice");
    EXPECT_EQ(a->password, "s3cr:et");
    // Every name of Docker Hub finds the same login.
    for (const char *name : {"docker.io", "index.docker.io", "registry-1.docker.io", "https://index.docker.io/v1/"}) {
        const auto b = again.get(name);
        ASSERT_TRUE(b) << name;
        EXPECT_EQ(b->username, "bob");
    }

    store.put("localhost:5000", Credentials{.username = "alice", .password = "new"});
    EXPECT_EQ(store.get("localhost:5000")->password, "new");
    EXPECT_EQ(store.registries().size(), 2u);
    EXPECT_TRUE(store.erase("localhost:5000"));
    EXPECT_FALSE(store.erase("localhost:5000"));
    EXPECT_FALSE(store.get("localhost:5000"));
    EXPECT_EQ(mode_of(file), 0600);
}

TEST(CredentialsStore, ReadsDockerWrittenFilesAndKeepsOtherKeys) {
    TempDir tmp;
    const auto file = tmp.path / "config.json";
    std::ofstream(file) << R"({
        "auths": {
            "https://index.docker.io/v1/": {"auth": "dXNlcjpwYXNz"},
            "quay.io": {"auth": "", "identitytoken": "refresh-me"},
            "http://old.example:5000/v1/": {"username": "u", "password": "p"}
        },
        "credsStore": "desktop",
        "HttpHeaders": {"X-Meta": "1"}
    })";
    ::chmod(file.c_str(), 0644);
    CredentialsStore store(file);
    EXPECT_EQ(store.get("docker.io")->username, "user");
    EXPECT_EQ(store.get("docker.io")->password, "pass");
    EXPECT_EQ(store.get("quay.io")->identity_token, "refresh-me");
    EXPECT_EQ(store.get("old.example:5000")->password, "p");

    store.put("new.example", Credentials{.username = "n", .password = "m"});
    EXPECT_EQ(mode_of(file), 0600); // tightened on the first write
    const auto text = slurp(file);
    EXPECT_NE(text.find("credsStore"), std::string::npos);
    EXPECT_NE(text.find("X-Meta"), std::string::npos);
    EXPECT_NE(text.find("refresh-me"), std::string::npos);
}

TEST(CredentialsStore, CorruptFileIsAnError) {
    TempDir tmp;
    const auto file = tmp.path / "config.json";
    std::ofstream(file) << "{not json";
    CredentialsStore store(file);
    EXPECT_THROW(store.get("x"), std::runtime_error);
    EXPECT_THROW(store.put("x", Credentials{.username = "a", .password = "b"}), std::runtime_error);
    EXPECT_EQ(slurp(file), "{not json"); // not overwritten
}
