// distribution::Puller against a real docker-registry on 127.0.0.1 (and a
// slow fake one for the download limit), storing into an ImageService over
// the in-memory FakeLayerDriver: the progress vocabulary, "Already exists"
// and "Image is up to date", the concurrent-download limit, platform choice
// from an index, zstd and uncompressed layers, and all-or-nothing on a
// diff_id mismatch and on cancellation.
#include "pull_test_support.h"

#include "distribution/puller.h"
#include "distribution/registry_access.h"
#include "fake_registry.h"
#include "images/digest.h"
#include "images/reference.h"
#include "oci_layout.h"
#include "real_registry.h"
#include "registry/blob_source.h"
#include "registry/manifest.h"
#include "registry/media_types.h"
#include "registry/platform.h"
#include "test_env.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

using namespace berth;
using namespace berth::distribution;
using namespace berth::distribution::test;
using registry::test::FakeServer;
using registry::test::RealRegistry;

namespace {

std::string random_content(size_t n, unsigned seed) { return registry::test::random_bytes(n, seed); }

// True when `want` appears in `have` in this order (other entries between).
bool in_order(const std::vector<std::string> &have, const std::vector<std::string> &want) {
    auto it = have.begin();
    for (const auto &w : want) {
        it = std::find(it, have.end(), w);
        if (it == have.end()) return false;
        ++it;
    }
    return true;
}

std::string joined(const std::vector<std::string> &v) {
    std::string out;
    for (const auto &s : v) out += (out.empty() ? "" : " | ") + s;
    return out;
}

class PullerTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        skip_reason_ = RealRegistry::unavailable_reason();
        if (skip_reason_.empty()) registry_ = std::make_unique<RealRegistry>();
    }
    static void TearDownTestSuite() { registry_.reset(); }

    void SetUp() override {
        if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
        client_ = std::make_unique<registry::RegistryClient>(registry_->name(), registry::test::fast_config());
    }

    // A fresh repository name per test, so tests do not see each other's tags.
    std::string repo(const std::string &suffix = "") const {
        const auto *info = ::testing::UnitTest::GetInstance()->current_test_info();
        std::string name = "pull/" + std::string(info->name()) + suffix;
        std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return char(std::tolower(c)); });
        return name;
    }

    PullOptions options(const std::string &repository, const std::string &tag = "latest") const {
        PullOptions o;
        o.reference = images::parse_normalized_named(registry_->name() + "/" + repository + ":" + tag);
        return o;
    }

    static inline std::string skip_reason_;
    static inline std::unique_ptr<RealRegistry> registry_;
    std::unique_ptr<registry::RegistryClient> client_;
    RegistryAccess access_{registry::test::fast_config()};
    LocalStore store_;
    Puller puller_{*store_.service, access_};
};

TEST_F(PullerTest, TwoLayerPullSendsMobysProgressSequence) {
    const auto img = make_test_image({make_layer({{"a.bin", random_content(300000, 1)}}),
                                      make_layer({{"b.bin", random_content(200000, 2)}})});
    push_test_image(*client_, repo(), img, "latest");

    RecordingSink sink;
    const auto pulled = puller_.pull(options(repo()), sink);
    ASSERT_EQ(pulled.size(), 1u);
    EXPECT_EQ(pulled[0].image_id, img.config_digest);
    EXPECT_EQ(pulled[0].digest, img.manifest_digest);
    EXPECT_FALSE(pulled[0].was_up_to_date);

    const auto msgs = sink.messages();
    ASSERT_FALSE(msgs.empty());
    EXPECT_EQ(msgs.front().id, "latest");
    EXPECT_EQ(msgs.front().status, "Pulling from pull/twolayerpullsendsmobysprogresssequence");
    const auto familiar = registry_->name() + "/" + repo() + ":latest";
    EXPECT_EQ(sink.general(), (std::vector<std::string>{"Digest: " + img.manifest_digest,
                                                         "Status: Downloaded newer image for " + familiar}));
    for (const auto &layer : img.layers) {
        const auto id = short_id(layer.digest);
        const auto statuses = sink.statuses_of(id);
        EXPECT_TRUE(in_order(statuses, {"Pulling fs layer", "Downloading", "Verifying Checksum", "Download complete",
                                        "Extracting", "Pull complete"}))
            << id << ": " << joined(statuses);
        EXPECT_EQ(statuses.back(), "Pull complete") << id << ": " << joined(statuses);
    }
    // Byte progress: Downloading ends at the blob size, with the total.
    int64_t last_download = -1;
    for (const auto &m : msgs)
        if (m.id == short_id(img.layers[0].digest) && m.status == "Downloading") {
            EXPECT_EQ(m.total, img.layers[0].size);
            EXPECT_GE(m.current, last_download);
            last_download = m.current;
        }
    EXPECT_EQ(last_download, img.layers[0].size);
    // Every "Pulling fs layer" comes before any download starts.
    size_t last_announce = 0, first_download = msgs.size();
    for (size_t i = 0; i < msgs.size(); ++i) {
        if (msgs[i].status == "Pulling fs layer") last_announce = i;
        if (msgs[i].status == "Downloading") first_download = std::min(first_download, i);
    }
    EXPECT_LT(last_announce, first_download);

    // What the store now holds.
    auto &svc = *store_.service;
    const auto image = svc.resolve(familiar);
    EXPECT_EQ(image.id, img.config_digest);
    ASSERT_EQ(image.chain_ids.size(), 2u);
    for (const auto &chain : image.chain_ids) EXPECT_TRUE(svc.layers().has(chain));
    for (const auto &layer : img.layers) EXPECT_TRUE(svc.content().has(layer.digest));
    EXPECT_TRUE(svc.content().has(img.manifest_digest));
    EXPECT_EQ(image.manifests, std::vector<std::string>{img.manifest_digest});
    EXPECT_TRUE(svc.references().get(images::parse_normalized_named(registry_->name() + "/" + repo() + "@" +
                                                                     img.manifest_digest)));
    EXPECT_EQ(store_.driver->count(), 2u);
    EXPECT_EQ(store_.ingest_files(), 0u);
}

TEST_F(PullerTest, SecondPullSaysAlreadyExistsAndUpToDate) {
    const auto base = make_layer({{"base.bin", random_content(100000, 3)}});
    const auto img = make_test_image({base, make_layer({{"top.bin", random_content(50000, 4)}})});
    push_test_image(*client_, repo(), img, "latest");
    NullProgress quiet;
    puller_.pull(options(repo()), quiet);

    RecordingSink again;
    const auto pulled = puller_.pull(options(repo()), again);
    ASSERT_EQ(pulled.size(), 1u);
    EXPECT_TRUE(pulled[0].was_up_to_date);
    for (const auto &layer : img.layers)
        EXPECT_EQ(again.statuses_of(short_id(layer.digest)), std::vector<std::string>{"Already exists"});
    const auto familiar = registry_->name() + "/" + repo() + ":latest";
    EXPECT_EQ(again.general(), (std::vector<std::string>{"Digest: " + img.manifest_digest,
                                                          "Status: Image is up to date for " + familiar}));

    // Another image on the same base layer: only the new layer downloads.
    const auto other = make_test_image({base, make_layer({{"other.bin", random_content(60000, 5)}})});
    push_test_image(*client_, repo("-other"), other, "latest");
    RecordingSink third;
    puller_.pull(options(repo("-other")), third);
    EXPECT_EQ(third.statuses_of(short_id(other.layers[0].digest)), std::vector<std::string>{"Already exists"});
    EXPECT_EQ(third.statuses_of(short_id(other.layers[1].digest)).back(), "Pull complete");
    EXPECT_EQ(store_.driver->count(), 3u);
}

// A registry whose blobs take a while, counting how many downloads run at
// the same time.
class SlowRegistry {
public:
    explicit SlowRegistry(const TestImage &image) : image_(image) {
        auto &http = server_.http();
        http.Get("/v2/", [](const httplib::Request &, httplib::Response &res) { res.set_content("{}", "application/json"); });
        http.Get(R"(/v2/slow/img/manifests/(.+))", [this](const httplib::Request &, httplib::Response &res) {
            res.set_header("Docker-Content-Digest", image_.manifest_digest);
            res.set_content(image_.manifest, image_.manifest_media_type);
        });
        http.Get(R"(/v2/slow/img/blobs/(sha256:[0-9a-f]+))", [this](const httplib::Request &req, httplib::Response &res) {
            const auto it = image_.blobs.find(req.matches[1].str());
            if (it == image_.blobs.end()) {
                res.status = 404;
                return;
            }
            if (it->first != image_.config_digest) {
                const int now = ++in_flight_;
                int seen = max_in_flight_.load();
                while (now > seen && !max_in_flight_.compare_exchange_weak(seen, now)) {
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(150));
                --in_flight_;
            }
            res.set_content(it->second, "application/octet-stream");
        });
        server_.start();
    }
    std::string name() const { return server_.name(); }
    int max_in_flight() const { return max_in_flight_.load(); }

private:
    const TestImage &image_;
    FakeServer server_;
    std::atomic<int> in_flight_{0};
    std::atomic<int> max_in_flight_{0};
};

TEST_F(PullerTest, ConcurrentDownloadLimitOneAndThree) {
    const auto img = make_test_image({make_layer({{"1", random_content(40000, 6)}}),
                                      make_layer({{"2", random_content(40000, 7)}}),
                                      make_layer({{"3", random_content(40000, 8)}})});
    for (const int limit : {1, 3}) {
        SCOPED_TRACE("max_concurrent_downloads=" + std::to_string(limit));
        LocalStore store;
        Puller puller(*store.service, access_);
        SlowRegistry slow(img);
        PullOptions o;
        o.reference = images::parse_normalized_named(slow.name() + "/slow/img:latest");
        o.max_concurrent_downloads = limit;
        RecordingSink sink;
        const auto pulled = puller.pull(o, sink);
        ASSERT_EQ(pulled.size(), 1u);
        EXPECT_EQ(pulled[0].image_id, img.config_digest);
        int waiting = 0;
        for (const auto &layer : img.layers) {
            const auto statuses = sink.statuses_of(short_id(layer.digest));
            EXPECT_EQ(statuses.back(), "Pull complete") << joined(statuses);
            if (std::count(statuses.begin(), statuses.end(), "Waiting")) {
                ++waiting;
                EXPECT_TRUE(in_order(statuses, {"Pulling fs layer", "Waiting", "Downloading", "Pull complete"}))
                    << joined(statuses);
            }
        }
        if (limit == 1) {
            EXPECT_EQ(waiting, 2) << "layers 2 and 3 wait for layer 1";
            EXPECT_EQ(slow.max_in_flight(), 1);
        } else {
            EXPECT_EQ(waiting, 0);
            EXPECT_GE(slow.max_in_flight(), 2);
        }
        EXPECT_EQ(store.service->images().list().size(), 1u);
    }
}

TEST_F(PullerTest, MultiArchIndexPicksThePlatform) {
    const registry::Platform amd64{.os = "linux", .architecture = "amd64"};
    const registry::Platform arm64{.os = "linux", .architecture = "arm64", .variant = "v8"};
    const auto a = registry::test::build_image(amd64, false, 1);
    const auto b = registry::test::build_image(arm64, false, 2);
    registry::ManifestIndex index;
    index.media_type = std::string(registry::media_type::kDockerManifestList);
    for (const auto *img : {&a, &b}) {
        client_->push_blob(repo(), img->config_descriptor.digest, registry::BlobSource::from_bytes(img->config));
        for (size_t i = 0; i < img->layers.size(); ++i)
            client_->push_blob(repo(), img->layer_descriptors[i].digest,
                               registry::BlobSource::from_bytes(img->layers[i]));
        client_->put_manifest(repo(), img->manifest_digest, img->manifest_media_type, img->manifest);
        index.manifests.push_back({.media_type = img->manifest_media_type,
                                   .digest = img->manifest_digest,
                                   .size = int64_t(img->manifest.size()),
                                   .platform = img->platform});
    }
    const auto index_bytes = registry::write_manifest_index(index);
    const auto index_digest = client_->put_manifest(repo(), "latest", index.media_type, index_bytes);

    auto o = options(repo());
    o.platform = registry::parse_platform("linux/arm64");
    RecordingSink sink;
    const auto pulled = puller_.pull(o, sink);
    ASSERT_EQ(pulled.size(), 1u);
    EXPECT_EQ(pulled[0].image_id, images::sha256_digest(b.config));
    EXPECT_EQ(pulled[0].digest, index_digest);
    EXPECT_TRUE(store_.service->content().has(index_digest)) << "the index is kept for push and save";
    EXPECT_EQ(store_.service->images().get(pulled[0].image_id).manifests, std::vector<std::string>{b.manifest_digest});
    EXPECT_EQ(store_.driver->count(), 2u);

    // Another platform of the same tag.
    o.platform = registry::parse_platform("linux/amd64");
    const auto other = puller_.pull(o, sink);
    EXPECT_EQ(other[0].image_id, images::sha256_digest(a.config));

    // A platform the index does not list fails before anything is stored.
    o.platform = registry::parse_platform("linux/s390x");
    try {
        puller_.prepare(o);
        ADD_FAILURE() << "pulling linux/s390x from an amd64+arm64 index succeeded";
    } catch (const std::exception &e) {
        EXPECT_NE(std::string(e.what()).find("no matching manifest for linux/s390x"), std::string::npos) << e.what();
    }
}

// The layer the driver was given is the uncompressed tar, whatever the
// blob's compression.
void expect_applied(LocalStore &store, const std::string &chain, const std::string &tar) {
    const auto record = store.service->layers().get(chain);
    ASSERT_TRUE(record) << chain;
    EXPECT_EQ(store.driver->content(record->cache_id), tar);
}

TEST_F(PullerTest, ZstdLayer) {
    const std::map<std::string, std::string> files{{"z.bin", random_content(150000, 9)}, {"z.txt", "zstd\n"}};
    const auto img = make_test_image({make_layer({{"g.bin", random_content(1000, 10)}}),
                                      make_layer(files, Compression::Zstd)});
    ASSERT_EQ(img.layers[1].media_type, registry::media_type::kOciLayerZstd);
    push_test_image(*client_, repo(), img, "latest");
    RecordingSink sink;
    const auto pulled = puller_.pull(options(repo()), sink);
    const auto image = store_.service->images().get(pulled[0].image_id);
    expect_applied(store_, image.chain_ids[1], make_tar(files));
    EXPECT_EQ(store_.service->layers().get(image.chain_ids[1])->descriptor->media_type,
              registry::media_type::kOciLayerZstd);
}

TEST_F(PullerTest, UncompressedLayer) {
    const std::map<std::string, std::string> files{{"plain.bin", random_content(120000, 11)}};
    const auto img = make_test_image({make_layer(files, Compression::None)});
    push_test_image(*client_, repo(), img, "latest");
    RecordingSink sink;
    const auto pulled = puller_.pull(options(repo()), sink);
    const auto image = store_.service->images().get(pulled[0].image_id);
    ASSERT_EQ(image.chain_ids.size(), 1u);
    EXPECT_EQ(image.chain_ids[0], make_layer(files).diff_id) << "a base layer's chain ID is its diff_id";
    expect_applied(store_, image.chain_ids[0], make_tar(files));
    EXPECT_EQ(sink.statuses_of(short_id(img.layers[0].digest)).back(), "Pull complete");
}

TEST_F(PullerTest, DiffIdMismatchNamesTheLayerAndLeavesNothing) {
    const auto good = make_layer({{"ok.bin", random_content(80000, 12)}});
    const auto bad = make_layer({{"bad.bin", random_content(80000, 13)}});
    const auto wrong = images::sha256_digest("not the tar of this layer");
    const auto img = make_test_image({good, bad}, "amd64", {good.diff_id, wrong});
    push_test_image(*client_, repo(), img, "latest");

    RecordingSink sink;
    try {
        puller_.pull(options(repo()), sink);
        ADD_FAILURE() << "a layer that does not match its diff_id was accepted";
    } catch (const std::exception &e) {
        const std::string what = e.what();
        EXPECT_NE(what.find(img.layers[1].digest), std::string::npos) << what;
        EXPECT_NE(what.find("diff_id"), std::string::npos) << what;
    }
    EXPECT_EQ(store_.leftovers(), "") << "a failed pull must leave nothing";
    EXPECT_EQ(store_.driver->count(), 0u);
}

// A client that goes away after N progress messages: whatever the pull was
// doing then, it stops and leaves nothing.
TEST_F(PullerTest, CancelledPullLeavesNothing) {
    const auto img = make_test_image({make_layer({{"c1", random_content(400000, 14)}}),
                                      make_layer({{"c2", random_content(300000, 15)}}),
                                      make_layer({{"c3", random_content(200000, 16)}})});
    push_test_image(*client_, repo(), img, "latest");

    const auto layer_id = [&](size_t i) { return short_id(img.layers[i].digest); };
    struct Case {
        std::string name;
        long throw_after = -1;
        std::function<bool(const ProgressMessage &)> when;
    };
    const std::vector<Case> cases = {
        {"first message", 0, {}},
        {"after Pulling from", 1, {}},
        {"amid Pulling fs layer", 3, {}},
        {"first Downloading", -1, [](const ProgressMessage &m) { return m.status == "Downloading"; }},
        {"layer 2 half downloaded", -1,
         [&](const ProgressMessage &m) {
             return m.id == layer_id(1) && m.status == "Downloading" && m.current * 2 >= m.total;
         }},
        {"Verifying Checksum", -1, [](const ProgressMessage &m) { return m.status == "Verifying Checksum"; }},
        {"first Extracting", -1, [](const ProgressMessage &m) { return m.status == "Extracting"; }},
        {"layer 1 Pull complete", -1,
         [&](const ProgressMessage &m) { return m.id == layer_id(0) && m.status == "Pull complete"; }},
        // The last layer is applied: only the image record is missing.
        {"last Pull complete", -1,
         [&](const ProgressMessage &m) { return m.id == layer_id(2) && m.status == "Pull complete"; }},
    };
    for (const auto &c : cases) {
        SCOPED_TRACE("sink throws at: " + c.name);
        LocalStore store;
        Puller p(*store.service, access_);
        RecordingSink sink;
        sink.throw_after = c.throw_after;
        sink.throw_when = c.when;
        EXPECT_THROW(p.pull(options(repo()), sink), std::runtime_error);
        EXPECT_EQ(store.leftovers(), "");
    }

    // The same through the stop token (the daemon shutting down), stopped
    // while the first layer downloads.
    LocalStore store;
    Puller p(*store.service, access_);
    std::stop_source stop;
    RecordingSink sink;
    sink.on_message = [&](const ProgressMessage &m) {
        if (m.status == "Downloading") stop.request_stop();
    };
    EXPECT_ANY_THROW(p.pull(options(repo()), sink, stop.get_token()));
    EXPECT_EQ(store.leftovers(), "");
}

} // namespace
