// Registry name → host, schemes and certs.d material.
#include "registry/endpoint.h"
#include "registry/errors.h"

#include <gtest/gtest.h>

#include <fstream>

using namespace berth::registry;

namespace {

struct TempDir {
    std::filesystem::path path;
    TempDir() {
        std::string t = (std::filesystem::temp_directory_path() / "berth-endpoint-XXXXXX").string();
        path = ::mkdtemp(t.data());
    }
    ~TempDir() { std::filesystem::remove_all(path); }
};

void touch(const std::filesystem::path &p) {
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p) << "x";
}

} // namespace

TEST(Endpoint, DockerHubMapsToRegistry1) {
    RegistryConfig cfg;
    cfg.certs_dir.clear();
    for (const char *name : {"docker.io", "index.docker.io"}) {
        const auto ep = resolve_endpoint(name, cfg);
        EXPECT_EQ(ep.registry, "docker.io");
        EXPECT_EQ(ep.host, "registry-1.docker.io");
        EXPECT_EQ(ep.port, 0);
        EXPECT_EQ(ep.schemes, std::vector<std::string>{"https"});
        EXPECT_TRUE(ep.tls.verify);
    }
}

TEST(Endpoint, PlainHttpOnlyForLoopbackAndInsecure) {
    RegistryConfig cfg;
    cfg.certs_dir.clear();
    cfg.insecure_registries = {"10.0.0.0/8", "build.example:5000"};
    auto schemes = [&](const char *name) { return resolve_endpoint(name, cfg).schemes; };
    const std::vector<std::string> both{"https", "http"}, tls{"https"};
    EXPECT_EQ(schemes("localhost:5000"), both);
    EXPECT_EQ(schemes("127.0.0.1:5000"), both);
    EXPECT_EQ(schemes("10.1.1.1:5000"), both);
    EXPECT_EQ(schemes("build.example:5000"), both);
    EXPECT_EQ(schemes("build.example:5001"), tls);
    EXPECT_EQ(schemes("quay.io"), tls);
    EXPECT_FALSE(resolve_endpoint("localhost:5000", cfg).tls.verify);
    EXPECT_EQ(resolve_endpoint("localhost:5000", cfg).port, 5000);
    EXPECT_THROW(resolve_endpoint("bad:port", cfg), RegistryError);
}

TEST(Endpoint, CertsDirectory) {
    TempDir tmp;
    RegistryConfig cfg;
    cfg.certs_dir = tmp.path;
    const auto dir = tmp.path / "myreg.example:5000";
    touch(dir / "ca.crt");
    touch(dir / "extra.crt");
    touch(dir / "client.cert");
    touch(dir / "client.key");
    const auto ep = resolve_endpoint("myreg.example:5000", cfg);
    EXPECT_EQ(ep.tls.ca_files, (std::vector<std::filesystem::path>{dir / "ca.crt", dir / "extra.crt"}));
    EXPECT_EQ(ep.tls.client_cert, dir / "client.cert");
    EXPECT_EQ(ep.tls.client_key, dir / "client.key");
    EXPECT_TRUE(ep.tls.verify);
    // Another registry's directory is not used.
    EXPECT_TRUE(resolve_endpoint("myreg.example", cfg).tls.ca_files.empty());
}

TEST(Endpoint, CertsDirectoryHalfPairIsAnError) {
    TempDir tmp;
    RegistryConfig cfg;
    cfg.certs_dir = tmp.path;
    touch(tmp.path / "a.example" / "client.cert");
    try {
        resolve_endpoint("a.example", cfg);
        FAIL() << "a .cert without its .key was accepted";
    } catch (const RegistryError &e) {
        EXPECT_NE(std::string(e.what()).find("missing key client.key"), std::string::npos) << e.what();
    }
    touch(tmp.path / "b.example" / "client.key");
    EXPECT_THROW(resolve_endpoint("b.example", cfg), RegistryError);
}
