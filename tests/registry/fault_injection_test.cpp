// The client against a registry that misbehaves on purpose (a cpp-httplib
// server on 127.0.0.1): wrong bytes, short bodies, dropped connections,
// ignored Range headers, wrong manifests, 5xx storms, paginated tags. Each
// failure must name the blob and the cause; each recoverable fault must be
// recovered from.
#include "fake_registry.h"
#include "test_env.h"

#include "registry/digest.h"
#include "registry/errors.h"
#include "registry/media_types.h"
#include "registry/registry_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>

using namespace berth::registry;
using namespace berth::registry::test;

namespace {

const std::string kGood = random_bytes(64 * 1024, 42);
const std::string kGoodDigest = sha256_digest(kGood);

Descriptor layer(const std::string &digest, std::size_t size) {
    return Descriptor{.media_type = std::string(media_type::kDockerLayer), .digest = digest, .size = std::int64_t(size)};
}

// cpp-httplib's server applies Range headers itself; to act like a server
// that ignores them, a handler forgets the parsed ranges.
void ignore_range(const httplib::Request &req) { const_cast<httplib::Request &>(req).ranges.clear(); }

// Sends the first `keep` bytes of `body` under a Content-Length for all of
// it, then drops the connection.
void send_truncated(httplib::Response &res, const std::string &body, std::size_t keep) {
    res.set_content_provider(body.size(), "application/octet-stream",
                             [body, keep](size_t offset, size_t, httplib::DataSink &sink) {
                                 if (offset >= keep) return false; // close mid-body
                                 sink.write(body.data() + offset, keep - offset);
                                 return true;
                             });
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

class FaultInjectionTest : public ::testing::Test {
protected:
    void SetUp() override {
        server_.http().Get("/v2/", [](const httplib::Request &, httplib::Response &res) {
            res.set_content("{}", "application/json");
        });
    }
    void start() {
        server_.start();
        client_ = std::make_unique<RegistryClient>(server_.name(), fast_config());
    }
    void route_blob(const std::string &digest, httplib::Server::Handler handler) {
        server_.http().Get("/v2/fault/blobs/" + digest, std::move(handler));
    }

    FakeServer server_;
    std::unique_ptr<RegistryClient> client_;
    std::mutex mutex_;
    std::vector<std::string> ranges_; // Range headers seen, in order
};

} // namespace

TEST_F(FaultInjectionTest, BlobWhoseContentDoesNotMatchItsDigest) {
    std::string tampered = kGood;
    tampered[1000] ^= 0x5a;
    route_blob(kGoodDigest, [&](const httplib::Request &, httplib::Response &res) {
        res.set_content(tampered, "application/octet-stream");
    });
    start();
    std::string received;
    ErrorCategory cat{};
    const auto msg = error_of(
        [&] {
            client_->fetch_blob_verified("fault", layer(kGoodDigest, kGood.size()),
                                         [&](std::string_view b) { received.append(b); });
        },
        &cat);
    EXPECT_EQ(msg, "digest mismatch for layer " + kGoodDigest + " : got " + sha256_digest(tampered));
    EXPECT_EQ(cat, ErrorCategory::Corrupt);
}

TEST_F(FaultInjectionTest, TruncatedBlobFailsAfterRetries) {
    std::atomic<int> requests{0};
    route_blob(kGoodDigest, [&](const httplib::Request &req, httplib::Response &res) {
        ++requests;
        ignore_range(req); // the whole (broken) body every time
        send_truncated(res, kGood, 1000);
    });
    start();
    const auto msg = error_of([&] {
        client_->fetch_blob_verified("fault", layer(kGoodDigest, kGood.size()), [](std::string_view) {});
    });
    EXPECT_EQ(msg.rfind("unexpected EOF: got 1000 of " + std::to_string(kGood.size()) + " bytes for " + kGoodDigest, 0),
              0u)
        << msg;
    EXPECT_EQ(requests.load(), 1 + fast_config().max_retries);
}

TEST_F(FaultInjectionTest, DroppedConnectionResumesWithRange) {
    route_blob(kGoodDigest, [&](const httplib::Request &req, httplib::Response &res) {
        const auto range = req.get_header_value("Range");
        {
            std::lock_guard lock(mutex_);
            ranges_.push_back(range);
        }
        if (range.empty()) {
            send_truncated(res, kGood, 20000); // drop after 20000 bytes
        } else {
            res.set_content(kGood, "application/octet-stream"); // cpp-httplib answers 206 for the range
        }
    });
    start();
    std::string received;
    const auto r = client_->fetch_blob_verified("fault", layer(kGoodDigest, kGood.size()),
                                                [&](std::string_view b) { received.append(b); });
    EXPECT_EQ(received, kGood);
    EXPECT_EQ(r.retries, 1);
    EXPECT_EQ(ranges_, (std::vector<std::string>{"", "bytes=20000-"}));
}

TEST_F(FaultInjectionTest, ServerIgnoringRangeOnRetryIsSkippedLocally) {
    std::atomic<int> requests{0};
    route_blob(kGoodDigest, [&](const httplib::Request &req, httplib::Response &res) {
        ignore_range(req);
        if (requests++ == 0)
            send_truncated(res, kGood, 30000);
        else
            res.set_content(kGood, "application/octet-stream"); // 200 with everything
    });
    start();
    std::string received;
    client_->fetch_blob_verified("fault", layer(kGoodDigest, kGood.size()),
                                 [&](std::string_view b) { received.append(b); });
    EXPECT_EQ(received, kGood); // no duplicated prefix
}

TEST_F(FaultInjectionTest, TransientStatusesAreRetried) {
    std::atomic<int> requests{0};
    route_blob(kGoodDigest, [&](const httplib::Request &, httplib::Response &res) {
        const int n = requests++;
        if (n == 0) {
            res.status = 503;
            res.set_content(R"({"errors":[{"code":"UNAVAILABLE","message":"try later"}]})", "application/json");
        } else if (n == 1) {
            res.status = 429;
            res.set_header("Retry-After", "0");
            res.set_content(R"({"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]})", "application/json");
        } else {
            res.set_content(kGood, "application/octet-stream");
        }
    });
    start();
    std::string received;
    const auto r = client_->fetch_blob_verified("fault", layer(kGoodDigest, kGood.size()),
                                                [&](std::string_view b) { received.append(b); });
    EXPECT_EQ(received, kGood);
    EXPECT_EQ(r.retries, 2);
}

TEST_F(FaultInjectionTest, PersistentServerErrorNamesTheCause) {
    server_.http().Get(R"(/v2/fault/manifests/.*)", [](const httplib::Request &, httplib::Response &res) {
        res.status = 500;
        res.set_content("<html>internal error</html>", "text/html");
    });
    start();
    ErrorCategory cat{};
    const auto msg = error_of([&] { client_->get_manifest("fault", "latest"); }, &cat);
    EXPECT_EQ(cat, ErrorCategory::Transient);
    EXPECT_NE(msg.find("unexpected HTTP status 500"), std::string::npos) << msg;
    EXPECT_NE(msg.find("/v2/fault/manifests/latest"), std::string::npos) << msg;
    EXPECT_NE(msg.find("internal error"), std::string::npos) << msg;
}

TEST_F(FaultInjectionTest, ManifestNotMatchingTheRequestedDigest) {
    const std::string real = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","size":2,"digest":")" +
                             sha256_digest("{}") + R"("},"layers":[]})";
    const std::string swapped = real + " ";
    const auto want = sha256_digest(real);
    server_.http().Get("/v2/fault/manifests/" + want, [&](const httplib::Request &, httplib::Response &res) {
        res.set_header("Docker-Content-Digest", want); // lying header: the bytes decide
        res.set_content(swapped, std::string(media_type::kOciManifest));
    });
    server_.http().Get("/v2/fault/manifests/tagged", [&](const httplib::Request &, httplib::Response &res) {
        res.set_header("Docker-Content-Digest", want);
        res.set_content(swapped, std::string(media_type::kOciManifest));
    });
    start();
    ErrorCategory cat{};
    EXPECT_EQ(error_of([&] { client_->get_manifest("fault", want); }, &cat),
              "manifest digest mismatch: requested " + want + ", got " + sha256_digest(swapped));
    EXPECT_EQ(cat, ErrorCategory::Corrupt);
    EXPECT_EQ(error_of([&] { client_->get_manifest("fault", "tagged"); }),
              "manifest digest mismatch for fault:tagged: registry says " + want + ", got " + sha256_digest(swapped));
}

TEST_F(FaultInjectionTest, OversizedManifestIsRefused) {
    server_.http().Get("/v2/fault/manifests/huge", [](const httplib::Request &, httplib::Response &res) {
        res.set_content(std::string(5 * 1024 * 1024, ' '), std::string(media_type::kOciManifest));
    });
    start();
    ErrorCategory cat{};
    const auto msg = error_of([&] { client_->get_manifest("fault", "huge"); }, &cat);
    EXPECT_EQ(cat, ErrorCategory::Corrupt);
    EXPECT_NE(msg.find("exceeds"), std::string::npos) << msg;
}

TEST_F(FaultInjectionTest, TagListFollowsLinkPagination) {
    server_.http().Get("/v2/fault/tags/list", [&](const httplib::Request &req, httplib::Response &res) {
        const auto last = req.get_param_value("last");
        if (last.empty()) {
            EXPECT_EQ(req.get_param_value("n"), "2");
            res.set_header("Link", R"(</v2/fault/tags/list?last=b&n=2>; rel="next")");
            res.set_content(R"({"name":"fault","tags":["a","b"]})", "application/json");
        } else if (last == "b") {
            res.set_header("Link", "<" + server_.url() + R"(/v2/fault/tags/list?last=d&n=2>; rel="next")");
            res.set_content(R"({"name":"fault","tags":["c","d"]})", "application/json");
        } else {
            res.set_content(R"({"name":"fault","tags":["e"]})", "application/json");
        }
    });
    start();
    EXPECT_EQ(client_->list_tags("fault", 2), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
}

TEST_F(FaultInjectionTest, UnreachableRegistryIsTransient) {
    const int port = free_loopback_port(); // nothing listens there
    RegistryClient client("127.0.0.1:" + std::to_string(port), fast_config());
    ErrorCategory cat{};
    const auto msg = error_of([&] { client.get_manifest("x", "latest"); }, &cat);
    EXPECT_EQ(cat, ErrorCategory::Transient);
    EXPECT_NE(msg.find("connection failed"), std::string::npos) << msg;
    EXPECT_NE(msg.find(std::to_string(port)), std::string::npos) << msg;
}

TEST_F(FaultInjectionTest, CancelStopsADownload) {
    route_blob(kGoodDigest, [&](const httplib::Request &, httplib::Response &res) {
        res.set_content(kGood, "application/octet-stream");
    });
    start();
    std::stop_source stop;
    std::size_t received = 0;
    const auto msg = error_of([&] {
        client_->fetch_blob_verified(
            "fault", layer(kGoodDigest, kGood.size()),
            [&](std::string_view b) {
                received += b.size();
                stop.request_stop();
            },
            {}, stop.get_token());
    });
    EXPECT_NE(msg.find("canceled"), std::string::npos) << msg;
    EXPECT_LT(received, kGood.size());
}
