// push_image against a real docker-registry on 127.0.0.1: what lands in the
// registry (checked with the registry client and skopeo), the progress
// stream, what is recorded locally, mounts, push -a, concurrency, errors,
// cancellation, and that no temp files are left behind.
#include "distribution/push_gzip.h"
#include "distribution/pusher.h"
#include "images/digest.h"
#include "images/errors.h"
#include "push_test_support.h"
#include "real_registry.h"
#include "registry/errors.h"
#include "registry/manifest.h"
#include "registry/media_types.h"
#include "test_env.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>

using namespace berth;
using namespace berth::distribution;
namespace mt = berth::registry::media_type;
using registry::test::RealRegistry;

namespace {

class PushTest : public ::testing::Test {
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

    std::string repo(const std::string &path) const { return registry_->name() + "/" + path; }

    std::vector<PushedTag> push(const std::string &repository, std::optional<std::string> tag,
                                std::stop_token stop = {}) {
        PushOptions o;
        o.repository = repository;
        o.tag = std::move(tag);
        return push_image(*store_.service, access_, *store_.index, o, sink_, stop);
    }

    std::string layer_id(const std::string &image_id, size_t i) {
        return short_id(store_.service->images().get(image_id).config.diff_ids.at(i));
    }

    bool has_line(const std::string &line) const {
        const auto lines = sink_.lines();
        return std::find(lines.begin(), lines.end(), line) != lines.end();
    }

    static inline std::string skip_reason_;
    static inline std::unique_ptr<RealRegistry> registry_;
    std::unique_ptr<registry::RegistryClient> client_;
    test::LocalStore store_;
    RegistryAccess access_{registry::test::fast_config()};
    test::RecordingSink sink_;
    const std::string tar_ = test::make_tar({{"etc/os-release", "ID=berth\n"}, {"bin/tool", std::string(200000, 't')}});
};

TEST_F(PushTest, ImportedImageLandsAsDockerSchema2WithMobysProgress) {
    const auto id = store_.import(tar_, repo("imported:latest"));
    const auto pushed = push(repo("imported"), "latest");
    ASSERT_EQ(pushed.size(), 1u);
    EXPECT_EQ(pushed[0].tag, "latest");

    // The registry has exactly what was reported.
    const auto m = client_->get_manifest("imported", "latest");
    EXPECT_EQ(m.digest, pushed[0].digest);
    EXPECT_EQ(int64_t(m.bytes.size()), pushed[0].size);
    EXPECT_EQ(m.media_type, mt::kDockerManifest);
    const auto manifest = registry::parse_image_manifest(m.bytes, m.media_type);
    EXPECT_EQ(manifest.config.digest, id);
    EXPECT_EQ(manifest.config.media_type, mt::kDockerConfig);
    EXPECT_EQ(client_->fetch_blob_bytes("imported", manifest.config), store_.service->images().config_bytes(id));
    ASSERT_EQ(manifest.layers.size(), 1u);
    EXPECT_EQ(manifest.layers[0].media_type, mt::kDockerLayer);
    std::string gz;
    client_->fetch_blob_verified("imported", manifest.layers[0], [&](std::string_view b) { gz.append(b); });
    EXPECT_EQ(test::gunzip(gz), tar_);

    // The stream, in moby's order and words.
    const auto layer = layer_id(id, 0);
    const std::vector<std::string> want{
        "The push refers to repository [" + repo("imported") + "]",
        layer + ": Preparing",
        layer + ": Pushing",
        layer + ": Pushed",
        "latest: digest: " + pushed[0].digest + " size: " + std::to_string(pushed[0].size),
    };
    EXPECT_EQ(sink_.lines(), want);
    const auto messages = sink_.messages();
    const auto last = messages.back();
    const auto aux = nlohmann::json::parse(last.aux_json);
    EXPECT_EQ(aux, (nlohmann::json{{"Tag", "latest"}, {"Digest", pushed[0].digest}, {"Size", pushed[0].size}}));
    // "Pushing" carries byte progress up to the blob's size.
    int64_t max_current = -1;
    for (const auto &msg : messages)
        if (msg.status == "Pushing") {
            EXPECT_EQ(msg.total, manifest.layers[0].size);
            max_current = std::max(max_current, msg.current);
        }
    EXPECT_EQ(max_current, manifest.layers[0].size);

    // Recorded locally as dockerd does: manifest on the image, RepoDigest.
    const auto img = store_.service->images().get(id);
    EXPECT_NE(std::find(img.manifests.begin(), img.manifests.end(), pushed[0].digest), img.manifests.end());
    EXPECT_TRUE(store_.service->content().has(pushed[0].digest));
    const auto digest_ref = images::parse_normalized_named(repo("imported@") + pushed[0].digest);
    EXPECT_EQ(store_.service->references().get(digest_ref), id);
    EXPECT_EQ(store_.ingest_files(), 0u);
}

TEST_F(PushTest, SecondPushFindsTheLayerAndKeepsTheDigest) {
    const auto id = store_.import(tar_, repo("again:latest"));
    const auto first = push(repo("again"), "latest");
    test::RecordingSink second_sink;
    PushOptions o{repo("again"), "latest", {}};
    const auto second = push_image(*store_.service, access_, *store_.index, o, second_sink);
    EXPECT_EQ(second[0].digest, first[0].digest);
    EXPECT_EQ(second_sink.statuses_of(layer_id(id, 0)), (std::vector<std::string>{"Preparing", "Layer already exists"}));
}

TEST_F(PushTest, PushToAnotherRepositoryOfTheRegistryMounts) {
    const auto id = store_.import(tar_, repo("source:latest"));
    push(repo("source"), "latest");
    store_.service->tag(repo("source:latest"), repo("team/copy:v1"));
    test::RecordingSink sink;
    PushOptions o{repo("team/copy"), "v1", {}};
    const auto pushed = push_image(*store_.service, access_, *store_.index, o, sink);
    EXPECT_EQ(sink.statuses_of(layer_id(id, 0)), (std::vector<std::string>{"Preparing", "Mounted from source"}));
    EXPECT_EQ(client_->get_manifest("team/copy", "v1").digest, pushed[0].digest);
    // Both places are now known for the blob.
    const auto layer = store_.service->layers().get(store_.service->images().get(id).chain_ids[0]);
    const auto where = store_.index->locations(layer->descriptor->digest);
    EXPECT_EQ(where.front(), (BlobLocation{registry_->name(), "team/copy"}));
}

TEST_F(PushTest, PushAllTagsPushesEveryTagOfTheRepository) {
    const auto a = store_.import(test::make_tar({{"a", "1"}}), repo("multi:one"));
    const auto b = store_.import(test::make_tar({{"b", "2"}}), repo("multi:two"));
    store_.service->tag(repo("multi:one"), repo("elsewhere:one")); // another repository: not pushed
    const auto pushed = push(repo("multi"), std::nullopt);
    ASSERT_EQ(pushed.size(), 2u);
    EXPECT_EQ(pushed[0].tag, "one");
    EXPECT_EQ(pushed[1].tag, "two");
    auto tags = client_->list_tags("multi");
    std::sort(tags.begin(), tags.end());
    EXPECT_EQ(tags, (std::vector<std::string>{"one", "two"}));
    EXPECT_EQ(registry::parse_image_manifest(client_->get_manifest("multi", "two").bytes, mt::kDockerManifest)
                  .config.digest,
              b);
    const auto lines = sink_.lines();
    EXPECT_EQ(std::count(lines.begin(), lines.end(), "The push refers to repository [" + repo("multi") + "]"), 1);
    (void)a;
    // The push added repo@digest references; -a again pushes tags only.
    EXPECT_EQ(push(repo("multi"), std::nullopt).size(), 2u);
}

TEST_F(PushTest, LayersUploadThreeAtATimeTopFirstAndTheManifestIsBaseFirst) {
    std::vector<std::string> tars;
    for (int i = 0; i < 5; ++i) tars.push_back(test::make_tar({{"layer" + std::to_string(i), std::string(5000 + i, 'a' + i)}}));
    const auto id = store_.make_image(tars, repo("layered:latest"));
    const auto pushed = push(repo("layered"), "latest");

    // Preparing lines come top layer first; the two base-most wait for a slot.
    const auto lines = sink_.lines();
    ASSERT_GE(lines.size(), 11u);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(lines[1 + i], layer_id(id, size_t(4 - i)) + ": Preparing");
    EXPECT_EQ(lines[6], layer_id(id, 1) + ": Waiting");
    EXPECT_EQ(lines[7], layer_id(id, 0) + ": Waiting");
    for (int i = 0; i < 5; ++i) EXPECT_TRUE(has_line(layer_id(id, size_t(i)) + ": Pushed"));

    const auto m = client_->get_manifest("layered", "latest");
    const auto manifest = registry::parse_image_manifest(m.bytes, m.media_type);
    ASSERT_EQ(manifest.layers.size(), 5u);
    for (size_t i = 0; i < 5; ++i) {
        std::string gz;
        client_->fetch_blob_verified("layered", manifest.layers[i], [&](std::string_view b) { gz.append(b); });
        EXPECT_EQ(test::gunzip(gz), tars[i]) << "layer " << i;
    }
    EXPECT_EQ(m.digest, pushed[0].digest);
}

TEST_F(PushTest, RecordedManifestIsPushedByteForByteSoTheDigestSurvives) {
    // An image as a pull leaves it: gzip'd layer blob on the layer and the
    // OCI manifest it came with recorded on the image.
    const auto id = store_.import(tar_, repo("pulled:latest"));
    // Some other gzip of the same tar (here: a non-zero mtime in the header).
    auto gz = gzip_bytes(tar_);
    gz[4] = 1;
    const auto layer_digest = store_.service->content().put(gz);
    const auto chain = store_.service->images().get(id).chain_ids[0];
    store_.service->layers().set_descriptor(chain, {std::string(mt::kOciLayerGzip), layer_digest, int64_t(gz.size())});
    registry::ImageManifest m;
    m.media_type = std::string(mt::kOciManifest);
    m.config = {.media_type = std::string(mt::kOciConfig), .digest = id,
                .size = int64_t(store_.service->images().config_bytes(id).size())};
    m.layers = {{.media_type = std::string(mt::kOciLayerGzip), .digest = layer_digest, .size = int64_t(gz.size())}};
    m.annotations = {{"org.example.origin", "pulled"}};
    const auto bytes = registry::write_image_manifest(m);
    const auto manifest_digest = store_.service->content().put(bytes);
    store_.service->images().add_manifest(id, manifest_digest);

    const auto pushed = push(repo("pulled"), "latest");
    EXPECT_EQ(pushed[0].digest, manifest_digest);
    const auto served = client_->get_manifest("pulled", "latest");
    EXPECT_EQ(served.bytes, bytes);
    EXPECT_EQ(served.media_type, mt::kOciManifest);
    std::string got;
    client_->fetch_blob_verified("pulled", m.layers[0], [&](std::string_view b) { got.append(b); });
    EXPECT_EQ(got, gz);
}

TEST_F(PushTest, SkopeoAcceptsWhatWasPushed) {
    if (!registry::test::find_program("skopeo")) GTEST_SKIP() << "skopeo not installed";
    store_.import(tar_, repo("skopeo-check:v1"));
    const auto pushed = push(repo("skopeo-check"), "v1");
    registry::test::TempDir tmp("berth-push-skopeo");
    const auto log = tmp.path() / "skopeo.log";
    const int rc = registry::test::run_program(
        {"skopeo", "inspect", "--tls-verify=false", "docker://" + repo("skopeo-check:v1")}, log);
    const auto out = registry::test::read_file(log);
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find(pushed[0].digest), std::string::npos) << out;
    EXPECT_NE(out.find("\"Architecture\": \"amd64\""), std::string::npos) << out;
}

TEST_F(PushTest, UnknownImageOrTagIsRefusedBeforeAnyProgress) {
    try {
        push(repo("nothing-here"), "latest");
        FAIL();
    } catch (const images::NotFound &e) {
        EXPECT_EQ(std::string(e.what()), "An image does not exist locally with the tag: " + repo("nothing-here"));
    }
    store_.import(tar_, repo("known:v1"));
    try {
        push(repo("known"), "v2");
        FAIL();
    } catch (const images::NotFound &e) {
        EXPECT_EQ(std::string(e.what()), "tag does not exist: " + repo("known:v2"));
    }
    EXPECT_THROW(push(repo("known@") + images::sha256_digest("x"), std::nullopt), images::InvalidArgument);
    EXPECT_THROW(push("UPPER/case!", "latest"), images::InvalidReference);
    EXPECT_THROW(push(repo("known"), "bad tag!"), images::InvalidReference);
    EXPECT_TRUE(sink_.messages().empty());
}

TEST_F(PushTest, UnreachableRegistryFailsClearlyAndLeavesNothing) {
    const int port = registry::test::free_loopback_port(); // nothing listens there
    const std::string name = "127.0.0.1:" + std::to_string(port) + "/app";
    const auto id = store_.import(tar_, name + ":latest");
    const auto blobs_before = store_.service->content().list();
    try {
        push(name, "latest");
        FAIL() << "expected a failure";
    } catch (const registry::RegistryError &e) {
        EXPECT_EQ(e.category(), registry::ErrorCategory::Transient);
        EXPECT_NE(std::string(e.what()).find(std::to_string(port)), std::string::npos) << e.what();
    }
    EXPECT_EQ(sink_.lines(), std::vector<std::string>{"The push refers to repository [" + name + "]"});
    EXPECT_EQ(store_.service->content().list(), blobs_before);
    EXPECT_TRUE(store_.service->images().get(id).manifests.empty());
    EXPECT_EQ(store_.ingest_files(), 0u);
}

TEST_F(PushTest, SinkThatThrowsStopsThePushAndLeavesNoTempFiles) {
    std::vector<std::string> tars;
    for (int i = 0; i < 4; ++i) tars.push_back(test::make_tar({{"f" + std::to_string(i), std::string(300000, 'a' + i)}}));
    const auto id = store_.make_image(tars, repo("gone:latest"));
    sink_.throw_after = 7; // after the Preparing/Waiting lines, mid-upload
    EXPECT_THROW(push(repo("gone"), "latest"), std::runtime_error);
    EXPECT_FALSE(client_->head_manifest("gone", "latest"));
    EXPECT_TRUE(store_.service->images().get(id).manifests.empty());
    EXPECT_EQ(store_.ingest_files(), 0u);
}

TEST_F(PushTest, StopTokenCancelsThePush) {
    store_.import(tar_, repo("stopped:latest"));
    std::stop_source stop;
    struct StoppingSink : test::RecordingSink {
        std::stop_source *stop = nullptr;
        void send(const ProgressMessage &m) override {
            test::RecordingSink::send(m);
            if (m.status == "Preparing") stop->request_stop();
        }
    } sink;
    sink.stop = &stop;
    PushOptions o{repo("stopped"), "latest", {}};
    try {
        push_image(*store_.service, access_, *store_.index, o, sink, stop.get_token());
        FAIL() << "expected cancellation";
    } catch (const registry::RegistryError &e) {
        EXPECT_STREQ(e.what(), "context canceled");
    }
    EXPECT_FALSE(client_->head_manifest("stopped", "latest"));
    EXPECT_EQ(store_.ingest_files(), 0u);
}

} // namespace
