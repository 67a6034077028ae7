// HTTPS: a loopback registry that speaks TLS is reached over HTTPS (tried
// before plain HTTP), and a client certificate pair from certs.d/<host:port>/
// is presented to a registry that demands one (mutual TLS). Certificates are
// made with the openssl CLI for this test only.
#include "fake_registry.h"
#include "test_env.h"

#include "registry/errors.h"
#include "registry/registry_client.h"

#include <gtest/gtest.h>

#include <atomic>

using namespace berth::registry;
using namespace berth::registry::test;

namespace {

const std::string kManifest =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,"digest":"sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"},"layers":[]})";

// A CA, and a server and a client certificate it signed, in `dir`.
bool make_certificates(const std::filesystem::path &dir, const std::filesystem::path &log) {
    const auto openssl = find_program("openssl");
    if (!openssl) return false;
    const auto o = openssl->string();
    auto p = [&](const char *f) { return (dir / f).string(); };
    write_file(dir / "san.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    const std::vector<std::vector<std::string>> steps = {
        {o, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "1",
         "-subj", "/CN=berth-test-ca"},
        {o, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", p("server.key"), "-out", p("server.csr"), "-subj",
         "/CN=127.0.0.1"},
        {o, "x509", "-req", "-in", p("server.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-CAcreateserial", "-out",
         p("server.pem"), "-days", "1", "-extfile", p("san.ext")},
        {o, "req", "-newkey", "rsa:2048", "-nodes", "-keyout", p("client.key"), "-out", p("client.csr"), "-subj",
         "/CN=berth-test-client"},
        {o, "x509", "-req", "-in", p("client.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"), "-CAcreateserial", "-out",
         p("client.pem"), "-days", "1"},
    };
    for (const auto &s : steps)
        if (run_program(s, log) != 0) return false;
    return true;
}

} // namespace

TEST(Tls, LoopbackHttpsWithClientCertificateFromCertsDir) {
    TempDir tmp("berth-tls");
    const auto log = tmp.path() / "openssl.log";
    if (!find_program("openssl")) GTEST_SKIP() << "openssl CLI not installed (apt-get install openssl)";
    ASSERT_TRUE(make_certificates(tmp.path(), log)) << read_file(log);

    // The server demands a client certificate signed by the test CA.
    const auto cert = (tmp.path() / "server.pem").string(), key = (tmp.path() / "server.key").string(),
               ca = (tmp.path() / "ca.pem").string();
    FakeServer server(std::make_unique<httplib::SSLServer>(cert.c_str(), key.c_str(), ca.c_str()), "https");
    std::atomic<int> requests{0};
    server.http().Get(R"(/v2/.*)", [&](const httplib::Request &req, httplib::Response &res) {
        ++requests;
        if (req.path == "/v2/") return res.set_content("{}", "application/json");
        res.set_content(kManifest, "application/vnd.oci.image.manifest.v1+json");
    });
    server.start();

    auto cfg = fast_config();
    cfg.certs_dir = tmp.path() / "certs.d";
    const auto dir = cfg.certs_dir / server.name();
    std::filesystem::create_directories(dir);

    // Without a client certificate the handshake is refused, HTTP is tried
    // next and fails too (the port speaks only TLS): no request got through.
    {
        RegistryClient client(server.name(), cfg);
        EXPECT_THROW(client.get_manifest("tls/app", "v1"), RegistryError);
        EXPECT_EQ(requests.load(), 0);
    }

    std::filesystem::copy_file(tmp.path() / "ca.pem", dir / "ca.crt");
    std::filesystem::copy_file(tmp.path() / "client.pem", dir / "client.cert");
    std::filesystem::copy_file(tmp.path() / "client.key", dir / "client.key");
    RegistryClient client(server.name(), cfg);
    EXPECT_EQ(client.get_manifest("tls/app", "v1").bytes, kManifest);
    EXPECT_EQ(client.base_url(), "https://" + server.name());
}
