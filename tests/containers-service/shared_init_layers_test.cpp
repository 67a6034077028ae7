// One init layer per image top layer (core/containers/service/
// shared_init_layers.h), over the in-memory fake layer driver: made and
// filled once however many creates ask, made again when a crash left it
// without its marker, removed before its marker.
#include "containers/service/shared_init_layers.h"

#include "../images/fake_layer_driver.h"
#include "../images/test_util.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <stdexcept>
#include <thread>
#include <vector>

namespace berth::containers {
namespace {

namespace fs = std::filesystem;

class SharedInitLayersTest : public ::testing::Test {
protected:
    images::test::TempDir tmp;
    images::test::FakeLayerDriver driver;
    fs::path markers = tmp.path() / "init-layers";
    std::atomic<int> fills{0};
    bool fail_fill = false;
    const std::string top = std::string(64, 'a');
    const std::string init = shared_init_layer_id(top);

    SharedInitLayersTest() { driver.create(top, "", false); }

    SharedInitLayers make() {
        return SharedInitLayers(markers, [this](images::LayerDriver &d, const std::string &id, const std::string &parent) {
            ++fills;
            if (fail_fill) throw std::runtime_error("fill failed");
            auto fd = images::test::fd_with("init entries on " + parent);
            d.apply_diff(id, parent, fd.get());
        });
    }
};

TEST_F(SharedInitLayersTest, TheLayerIsMadeOnTheTopAndFilledOnce) {
    auto layers = make();
    EXPECT_EQ(layers.ensure(driver, top), init);
    EXPECT_EQ(layers.ensure(driver, top), init);
    EXPECT_EQ(fills.load(), 1);
    EXPECT_EQ(driver.content(init), "init entries on " + top);
    EXPECT_TRUE(fs::exists(markers / init));
    // Another daemon life finds it complete.
    auto after_restart = make();
    EXPECT_EQ(after_restart.ensure(driver, top), init);
    EXPECT_EQ(fills.load(), 1);
    EXPECT_EQ(after_restart.marked_tops(), (std::set<std::string>{top}));
}

TEST_F(SharedInitLayersTest, ConcurrentCreatesOfOneImageMakeItOnce) {
    auto layers = make();
    std::vector<std::thread> creates;
    std::atomic<int> ok{0};
    for (int i = 0; i < 8; ++i)
        creates.emplace_back([&] {
            if (layers.ensure(driver, top) == init) ++ok;
        });
    for (auto &t : creates) t.join();
    EXPECT_EQ(ok.load(), 8);
    EXPECT_EQ(fills.load(), 1);
    EXPECT_EQ(driver.count(), 2u) << "the top and one init layer";
}

TEST_F(SharedInitLayersTest, ALayerLeftWithoutItsMarkerIsMadeAgain) {
    // A crash between the create and the marker: the layer is there, maybe
    // half filled, and nothing was made on it.
    driver.add_layer(init, top);
    auto layers = make();
    EXPECT_EQ(layers.ensure(driver, top), init);
    EXPECT_EQ(fills.load(), 1);
    EXPECT_EQ(driver.content(init), "init entries on " + top);
    EXPECT_TRUE(fs::exists(markers / init));
}

TEST_F(SharedInitLayersTest, AMarkerWithoutItsLayerIsNotTrusted) {
    fs::create_directories(markers);
    images::test::write_all(markers / init, "");
    auto layers = make();
    EXPECT_EQ(layers.ensure(driver, top), init);
    EXPECT_EQ(fills.load(), 1);
    EXPECT_TRUE(driver.exists(init));
}

TEST_F(SharedInitLayersTest, AFailedFillLeavesNeitherLayerNorMarkerAndTheNextCreateRetries) {
    auto layers = make();
    fail_fill = true;
    EXPECT_THROW(layers.ensure(driver, top), std::runtime_error);
    EXPECT_FALSE(driver.exists(init));
    EXPECT_FALSE(fs::exists(markers / init));
    fail_fill = false;
    EXPECT_EQ(layers.ensure(driver, top), init);
    EXPECT_TRUE(driver.exists(init));
}

TEST_F(SharedInitLayersTest, ForgetRemovesTheLayerBeforeItsMarker) {
    auto layers = make();
    layers.ensure(driver, top);
    // A container's RW layer still on it: the fake refuses to remove a
    // parent, and the marker must outlive the failed removal.
    driver.create("rw", init, true);
    EXPECT_THROW(layers.forget(driver, top), std::exception);
    EXPECT_TRUE(fs::exists(markers / init)) << "the marker went before the layer";
    driver.remove("rw");
    layers.forget(driver, top);
    EXPECT_FALSE(driver.exists(init));
    EXPECT_FALSE(fs::exists(markers / init));
    EXPECT_TRUE(layers.marked_tops().empty());
    layers.forget(driver, top); // nothing left: no error
    // And it is made again when the image comes back with the same top.
    EXPECT_EQ(layers.ensure(driver, top), init);
    EXPECT_EQ(fills.load(), 2);
}

} // namespace
} // namespace berth::containers
