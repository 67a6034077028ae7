// The layer store over a fake driver: records, the tee'd diff_id, failures
// that must leave neither record nor storage layer, release order, and
// recovery of what a kill -9 interrupted.
#include "images/content_store.h"
#include "images/digest.h"
#include "images/errors.h"
#include "images/layer_store.h"
#include "images/random_id.h"

#include "fake_layer_driver.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <thread>
#include <unistd.h>

using namespace berth::images;
using berth::images::test::FakeLayerDriver;
using berth::images::test::TempDir;

namespace {

const std::string D1 = sha256_digest("layer-one");
const std::string D2 = sha256_digest("layer-two");
const std::string D3 = sha256_digest("layer-three");

class LayerStoreTest : public testing::Test {
protected:
    std::filesystem::path root() const { return dir.path() / "image"; }
    std::filesystem::path layerdb() const { return root() / "layerdb"; }
    std::unique_ptr<LayerStore> open() { return std::make_unique<LayerStore>(root(), driver, &content); }
    size_t entries(const std::string &sub) const {
        size_t n = 0;
        for ([[maybe_unused]] const auto &e : std::filesystem::directory_iterator(layerdb() / sub)) ++n;
        return n;
    }
    RegisterResult add(LayerStore &store, const std::string &bytes, const std::string &parent = {},
                       RegisterOptions options = {}) {
        auto fd = test::fd_with(bytes);
        options.parent_chain = parent;
        return store.register_layer(fd.get(), options);
    }

    TempDir dir;
    std::shared_ptr<FakeLayerDriver> driver = std::make_shared<FakeLayerDriver>();
    ContentStore content{dir.path() / "image"};
};

TEST_F(LayerStoreTest, RegistersAStackWithRecordsOnDisk) {
    auto store = open();
    const auto base = add(*store, "layer-one");
    EXPECT_FALSE(base.existed);
    EXPECT_EQ(base.layer.diff_id, D1);
    EXPECT_EQ(base.layer.chain_id, D1);
    EXPECT_EQ(base.layer.size, 9);
    EXPECT_TRUE(base.layer.parent.empty());
    EXPECT_TRUE(is_identifier(base.layer.cache_id));
    const auto child = add(*store, "layer-two", D1);
    EXPECT_EQ(child.layer.chain_id, chain_id(D1, D2));
    EXPECT_EQ(child.layer.parent, D1);

    const auto rec = layerdb() / "sha256" / std::string(digest_hex(child.layer.chain_id));
    EXPECT_EQ(test::read_all(rec / "diff"), D2);
    EXPECT_EQ(test::read_all(rec / "size"), "9");
    EXPECT_EQ(test::read_all(rec / "cache-id"), child.layer.cache_id);
    EXPECT_EQ(test::read_all(rec / "parent"), D1);
    EXPECT_FALSE(std::filesystem::exists(layerdb() / "sha256" / std::string(digest_hex(D1)) / "parent"));
    EXPECT_EQ(entries("pending"), 0u);
    EXPECT_EQ(entries("tmp"), 0u);

    EXPECT_EQ(driver->content(child.layer.cache_id), "layer-two");
    EXPECT_EQ(store->chain_size(child.layer.chain_id), 18);

    // A second store object reads the same records back.
    auto again = open();
    ASSERT_EQ(again->list().size(), 2u);
    const auto loaded = again->get(child.layer.chain_id);
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->cache_id, child.layer.cache_id);
    EXPECT_EQ(loaded->parent, D1);
    EXPECT_EQ(loaded->size, 9);
}

TEST_F(LayerStoreTest, KnownLayerIsNotReadAgain) {
    auto store = open();
    add(*store, "layer-one");
    auto fd = test::fd_with("layer-one");
    RegisterOptions o;
    o.expected_diff_id = D1;
    o.descriptor = LayerDescriptor{"application/vnd.docker.image.rootfs.diff.tar.gzip", sha256_digest("gz"), 2};
    const auto r = store->register_layer(fd.get(), o);
    EXPECT_TRUE(r.existed);
    EXPECT_EQ(::lseek(fd.get(), 0, SEEK_CUR), 0) << "the stream was not consumed";
    EXPECT_EQ(driver->count(), 1u);
    // The pull's descriptor was remembered for push, and survives a reload.
    ASSERT_TRUE(r.layer.descriptor);
    EXPECT_EQ(open()->get(D1)->descriptor, o.descriptor);
}

TEST_F(LayerStoreTest, DiffIdMismatchLeavesNothing) {
    auto store = open();
    RegisterOptions o;
    o.expected_diff_id = D2;
    try {
        add(*store, "layer-one", {}, o);
        FAIL();
    } catch (const DigestMismatch &e) {
        EXPECT_NE(std::string(e.what()).find(D1), std::string::npos);
    }
    EXPECT_EQ(driver->count(), 0u);
    EXPECT_TRUE(store->list().empty());
    EXPECT_EQ(entries("sha256"), 0u);
    EXPECT_EQ(entries("pending"), 0u);
    EXPECT_EQ(entries("tmp"), 0u);
}

TEST_F(LayerStoreTest, ApplyFailureLeavesNoRecordAndNoStorageLayer) {
    auto store = open();
    add(*store, "layer-one");
    driver->fail_apply_after(1000);
    try {
        add(*store, std::string(1 << 20, 'x'), D1); // far more than a socket buffer
        FAIL();
    } catch (const StorageError &e) {
        EXPECT_EQ(e.code(), BERTH_E_INVAL);
        EXPECT_EQ(e.kind(), ErrorKind::InvalidArgument);
    }
    EXPECT_EQ(driver->count(), 1u) << "only the base layer is left";
    EXPECT_EQ(store->list().size(), 1u);
    EXPECT_EQ(entries("sha256"), 1u);
    EXPECT_EQ(entries("pending"), 0u);
    EXPECT_EQ(entries("tmp"), 0u);
    // The parent is no longer pinned: it can be released.
    EXPECT_EQ(store->release(D1, {}), std::vector<std::string>{D1});
}

TEST_F(LayerStoreTest, CreateFailureLeavesNothing) {
    auto store = open();
    driver->fail_create(true);
    EXPECT_THROW(add(*store, "layer-one"), StorageError);
    EXPECT_EQ(driver->count(), 0u);
    EXPECT_EQ(entries("pending"), 0u);
    EXPECT_TRUE(store->list().empty());
}

TEST_F(LayerStoreTest, UnknownParentIsNotFound) {
    auto store = open();
    EXPECT_THROW(add(*store, "layer-two", D1), NotFound);
    EXPECT_EQ(driver->count(), 0u);
}

TEST_F(LayerStoreTest, BytesAfterWhatTheDriverReadsAreStillHashed) {
    auto store = open();
    driver->stop_reading_after(5);
    const auto r = add(*store, "layer-one");
    EXPECT_EQ(r.layer.diff_id, D1);
    EXPECT_EQ(driver->content(r.layer.cache_id), "layer");
    const std::string big(3 << 20, 'z'); // the driver stops long before the end
    const auto r2 = add(*store, big);
    EXPECT_EQ(r2.layer.diff_id, sha256_digest(big));
}

TEST_F(LayerStoreTest, KeepTarBlobStoresTheExactStream) {
    auto store = open();
    RegisterOptions o;
    o.keep_tar_blob = true;
    uint64_t progress = 0;
    o.progress = [&progress](uint64_t n) { progress = n; };
    const auto r = add(*store, "layer-one", {}, o);
    EXPECT_EQ(progress, 9u);
    ASSERT_TRUE(r.layer.descriptor);
    EXPECT_EQ(r.layer.descriptor->digest, D1);
    EXPECT_EQ(r.layer.descriptor->media_type, kLayerTarMediaType);
    EXPECT_EQ(r.layer.descriptor->size, 9);
    EXPECT_EQ(content.read(D1), "layer-one");
}

TEST_F(LayerStoreTest, ThrowingProgressCancelsCleanly) {
    auto store = open();
    RegisterOptions o;
    o.keep_tar_blob = true;
    o.progress = [](uint64_t n) {
        if (n > 300000) throw std::runtime_error("client went away");
    };
    EXPECT_THROW(add(*store, std::string(1 << 20, 'c'), {}, o), std::runtime_error);
    EXPECT_EQ(driver->count(), 0u);
    EXPECT_TRUE(store->list().empty());
    EXPECT_EQ(entries("pending"), 0u);
    EXPECT_TRUE(content.list().empty());
    EXPECT_TRUE(std::filesystem::is_empty(content.ingest_dir()));
}

TEST_F(LayerStoreTest, ReleaseRemovesChildrenFirstAndStopsAtUsedLayers) {
    auto store = open();
    add(*store, "layer-one");
    const auto c2 = add(*store, "layer-two", D1).layer.chain_id;
    const auto c3 = add(*store, "layer-three", c2).layer.chain_id;
    EXPECT_TRUE(store->release(c2, {}).empty()) << "c2 still has a child";
    // Walking down from c3: c2 is unused once c3 is gone, D1 is in use.
    EXPECT_EQ(store->release(c3, {D1}), (std::vector<std::string>{c3, c2}));
    EXPECT_FALSE(store->has(c2));
    EXPECT_TRUE(store->has(D1));
    EXPECT_EQ(driver->count(), 1u);
    EXPECT_THROW(store->release(c3, {}), NotFound);
}

TEST_F(LayerStoreTest, ReleaseWholeStack) {
    auto store = open();
    add(*store, "layer-one");
    const auto c2 = add(*store, "layer-two", D1).layer.chain_id;
    const auto removed = store->release(c2, {});
    EXPECT_EQ(removed, (std::vector<std::string>{c2, D1}));
    EXPECT_EQ(driver->count(), 0u); // the fake refuses parents first: order was right
    EXPECT_EQ(entries("sha256"), 0u);
    EXPECT_EQ(entries("pending"), 0u);
}

// The container service's shared init layers sit on an image's top layer:
// the hook removes such a child before its parent goes, and a failing hook
// keeps the layer (and its record).
TEST_F(LayerStoreTest, TheRemovalHookRunsBeforeEachStorageLayerGoesAndCanStopIt) {
    auto store = open();
    add(*store, "layer-one");
    const auto top = add(*store, "layer-two", D1).layer;
    // A child only the hook knows of: the fake refuses to remove its parent.
    driver->create(top.cache_id + "-child", top.cache_id, false);
    std::vector<std::string> hooked;
    store->set_removal_hook([&](const std::string &cache_id) {
        hooked.push_back(cache_id);
        if (driver->exists(cache_id + "-child")) driver->remove(cache_id + "-child");
    });
    const auto removed = store->release(top.chain_id, {});
    EXPECT_EQ(removed, (std::vector<std::string>{top.chain_id, D1}));
    ASSERT_EQ(hooked.size(), 2u);
    EXPECT_EQ(hooked[0], top.cache_id) << "the top layer's cache id first";
    EXPECT_EQ(driver->count(), 0u);

    const auto again = add(*store, "layer-three").layer;
    store->set_removal_hook([](const std::string &) { throw std::runtime_error("init layer busy"); });
    EXPECT_THROW(store->release(again.chain_id, {}), std::runtime_error);
    EXPECT_TRUE(store->has(again.chain_id)) << "a failed hook removed the record";
    EXPECT_TRUE(driver->exists(again.cache_id)) << "a failed hook removed the storage layer";
    EXPECT_EQ(entries("pending"), 0u) << "a failed hook left its release journaled";
    store->set_removal_hook(nullptr);
    EXPECT_EQ(store->release(again.chain_id, {}).size(), 1u);
}

TEST_F(LayerStoreTest, PruneKeepsWhatIsInUse) {
    auto store = open();
    add(*store, "layer-one");
    const auto c2 = add(*store, "layer-two", D1).layer.chain_id;
    const auto other = add(*store, "layer-three").layer.chain_id;
    const auto c4 = add(*store, "layer-four", c2).layer.chain_id;
    auto removed = store->prune({c2});
    std::sort(removed.begin(), removed.end());
    auto expected = std::vector<std::string>{other, c4};
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(removed, expected);
    EXPECT_TRUE(store->has(D1));
    EXPECT_TRUE(store->has(c2));
    EXPECT_EQ(driver->count(), 2u);
    EXPECT_EQ(store->prune({}).size(), 2u);
    EXPECT_EQ(driver->count(), 0u);
}

TEST_F(LayerStoreTest, RecoverRemovesOrphansOfAKilledPull) {
    std::string kept;
    {
        auto store = open();
        kept = add(*store, "layer-one").layer.cache_id;
    }
    // A pull killed after creating its storage layer, and a record write
    // killed before its rename.
    const std::string orphan = random_hex(32);
    driver->add_layer(orphan, kept);
    test::write_all(layerdb() / "pending" / orphan, "register");
    std::filesystem::create_directories(layerdb() / "tmp" / "write-dead");
    test::write_all(layerdb() / "tmp" / "write-dead" / "diff", D2);
    // A journal entry whose record did get committed.
    test::write_all(layerdb() / "pending" / kept, "register");
    test::write_all(layerdb() / "pending" / "not-a-cache-id", "register");

    auto store = open();
    const auto report = store->recover();
    EXPECT_EQ(report.storage_layers_removed, std::vector<std::string>{orphan});
    EXPECT_EQ(report.temp_dirs_removed, 1u);
    EXPECT_TRUE(report.failures.empty());
    EXPECT_EQ(driver->ids(), std::set<std::string>{kept});
    EXPECT_TRUE(store->has(D1));
    EXPECT_EQ(entries("pending"), 0u);
    EXPECT_EQ(entries("tmp"), 0u);
}

TEST_F(LayerStoreTest, RecoverFinishesAnInterruptedRelease) {
    std::string cache;
    {
        auto store = open();
        cache = add(*store, "layer-one").layer.cache_id;
    }
    // Killed after the storage layer went, before the record did.
    test::write_all(layerdb() / "pending" / cache, "release");
    driver->remove(cache);
    auto store = open();
    const auto report = store->recover();
    EXPECT_EQ(report.records_removed, std::vector<std::string>{D1});
    EXPECT_FALSE(store->has(D1));
    EXPECT_EQ(entries("sha256"), 0u);
    EXPECT_EQ(entries("pending"), 0u);
}

TEST_F(LayerStoreTest, StorageLayerThatCannotBeRemovedIsRetriedAtRecovery) {
    auto store = open();
    driver->fail_apply_after(2);
    driver->fail_remove(true);
    EXPECT_THROW(add(*store, "layer-one"), StorageError);
    EXPECT_EQ(driver->count(), 1u);
    EXPECT_EQ(entries("pending"), 1u) << "the journal keeps the orphan's name";
    EXPECT_TRUE(store->list().empty());

    auto failed = open()->recover();
    EXPECT_EQ(failed.failures.size(), 1u);
    driver->fail_remove(false);
    auto report = open()->recover();
    EXPECT_EQ(report.storage_layers_removed.size(), 1u);
    EXPECT_EQ(driver->count(), 0u);
    EXPECT_EQ(entries("pending"), 0u);
}

TEST_F(LayerStoreTest, ConcurrentRegistrationsOfOneLayerKeepOne) {
    auto store = open();
    std::vector<std::thread> threads;
    std::vector<RegisterResult> results(4);
    for (size_t i = 0; i < results.size(); ++i)
        threads.emplace_back([&, i] { results[i] = add(*store, std::string(200000, 'q')); });
    for (auto &t : threads) t.join();
    for (const auto &r : results) EXPECT_EQ(r.layer.cache_id, results[0].layer.cache_id);
    EXPECT_EQ(store->list().size(), 1u);
    EXPECT_EQ(driver->count(), 1u);
    EXPECT_EQ(entries("pending"), 0u);
}

TEST_F(LayerStoreTest, CustomApplyStep) {
    auto store = open();
    const auto r = store->register_layer_with(
        [](LayerDriver &, const std::string &cache_id, const std::string &parent) {
            EXPECT_TRUE(parent.empty());
            EXPECT_EQ(cache_id.size(), 64u);
            return ApplyResult{D3, 42, std::nullopt};
        },
        RegisterOptions{});
    EXPECT_EQ(r.layer.chain_id, D3);
    EXPECT_EQ(r.layer.size, 42);
    EXPECT_THROW(store->register_layer_with(
                     [](LayerDriver &, const std::string &, const std::string &) {
                         return ApplyResult{"not-a-digest", 0, std::nullopt};
                     },
                     RegisterOptions{}),
                 InvalidArgument);
    EXPECT_EQ(driver->count(), 1u);
}

} // namespace
