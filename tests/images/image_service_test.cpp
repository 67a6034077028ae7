// The image service: name resolution, tag, Docker's rmi conflict rules and
// output, gc, import, and state across restarts.
#include "images/digest.h"
#include "images/errors.h"
#include "images/image_service.h"
#include "images/time_format.h"

#include "fake_layer_driver.h"
#include "test_util.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

using namespace berth::images;
using berth::images::test::FakeLayerDriver;
using berth::images::test::TempDir;

namespace {

std::string untagged(const std::string &s) { return "Untagged: " + s; }
std::string deleted(const std::string &s) { return "Deleted: " + s; }

std::vector<std::string> lines(const std::vector<DeleteItem> &items) {
    std::vector<std::string> out;
    for (const auto &i : items) out.push_back(i.untagged.empty() ? deleted(i.deleted) : untagged(i.untagged));
    return out;
}

class ImageServiceTest : public testing::Test {
protected:
    ImageServiceTest() { reopen(); }

    void reopen() {
        service.reset();
        ImageServiceHooks hooks;
        hooks.containers_using = [this](const std::string &id) {
            std::vector<ContainerUse> out;
            for (const auto &[cid, c] : containers)
                if (c.first == id) out.push_back(ContainerUse{cid, c.second});
            return out;
        };
        hooks.layers_in_use = [this] { return container_layers; };
        hooks.event = [this](const std::string &action, const std::string &, const std::string &name) {
            events.push_back(action + " " + name);
        };
        service = std::make_unique<ImageService>(dir.path(), driver, hooks);
    }

    // An image of the given layer contents (base first); marker varies the
    // config so equal stacks still give distinct images.
    std::string make_image(const std::vector<std::string> &contents, const std::string &marker = "",
                           const std::string &parent = {}) {
        ImageConfig c;
        c.os = "linux";
        c.architecture = "amd64";
        c.comment = marker;
        std::string chain;
        for (const auto &bytes : contents) {
            auto fd = test::fd_with(bytes);
            RegisterOptions o;
            o.parent_chain = chain;
            const auto r = service->layers().register_layer(fd.get(), o);
            chain = r.layer.chain_id;
            c.diff_ids.push_back(r.layer.diff_id);
        }
        return service->images().create_from_config(serialize_image_config(c), parent).id;
    }

    void tag(const std::string &id, const std::string &name) { service->tag(id, name); }

    TempDir dir;
    std::shared_ptr<FakeLayerDriver> driver = std::make_shared<FakeLayerDriver>();
    std::map<std::string, std::pair<std::string, bool>> containers; // id -> (image, running)
    std::set<std::string> container_layers;
    std::vector<std::string> events;
    std::unique_ptr<ImageService> service;
};

const std::string C1 = "c0ffee0000000000000000000000000000000000000000000000000000000001";

TEST_F(ImageServiceTest, ResolveByReferenceIdAndPrefix) {
    const auto id = make_image({"base"});
    tag(id, "busybox");
    for (const std::string &name : std::vector<std::string>{
             "busybox", "busybox:latest", "docker.io/library/busybox:latest", id, std::string(digest_hex(id)),
             std::string(digest_hex(id)).substr(0, 5), id.substr(0, 12)})
        EXPECT_EQ(service->resolve(name).id, id) << name;

    auto message = [this](const std::string &name) {
        try {
            service->resolve(name);
        } catch (const NotFound &e) {
            return std::string(e.what());
        }
        return std::string("found");
    };
    EXPECT_EQ(message("nope"), "No such image: nope:latest");
    EXPECT_EQ(message("me/app:v1"), "No such image: me/app:v1");
    EXPECT_EQ(message(std::string(64, 'f')), "No such image: sha256:" + std::string(64, 'f'));
    EXPECT_THROW(service->resolve("Bad"), InvalidReference);
}

TEST_F(ImageServiceTest, ReferenceWinsOverIdPrefix) {
    const auto x = make_image({"x"});
    const auto y = make_image({"y"});
    // "abc"-style names are both names and hex prefixes.
    const std::string prefix = std::string(digest_hex(x)).substr(0, 6);
    tag(y, prefix);
    EXPECT_EQ(service->resolve(prefix).id, y);
    EXPECT_EQ(service->resolve(std::string(digest_hex(x)).substr(0, 7)).id, x);
}

TEST_F(ImageServiceTest, AmbiguousPrefixIsNotFound) {
    std::map<char, int> first;
    char shared = 0;
    for (int i = 0; i < 17 && !shared; ++i) {
        const auto id = make_image({}, std::to_string(i));
        if (++first[id[7]] == 2) shared = id[7];
    }
    ASSERT_NE(shared, 0);
    EXPECT_THROW(service->resolve(std::string(1, shared)), NotFound);
}

TEST_F(ImageServiceTest, TagMovesAndRecordsTime) {
    const auto a = make_image({"a"});
    const auto b = make_image({"b"});
    tag(a, "app:v1");
    EXPECT_FALSE(service->images().get(a).last_updated.empty());
    tag(b, "app:v1");
    EXPECT_EQ(service->resolve("app:v1").id, b);
    service->tag("app:v1", "localhost:5000/app");
    EXPECT_EQ(service->references().references_of(b).size(), 2u);
    EXPECT_THROW(service->tag("app:v1", "app@" + sha256_digest("m")), InvalidArgument);
    EXPECT_THROW(service->tag("missing", "x"), NotFound);
    EXPECT_EQ(events.back(), "tag localhost:5000/app:latest");
}

TEST_F(ImageServiceTest, RemoveOneOfSeveralTagsOnlyUntags) {
    const auto id = make_image({"base", "top"});
    tag(id, "busybox");
    tag(id, "busybox:1");
    EXPECT_EQ(lines(service->remove("busybox:1", false, true)), std::vector<std::string>{untagged("busybox:1")});
    EXPECT_TRUE(service->images().has(id));
    EXPECT_EQ(driver->count(), 2u);
}

TEST_F(ImageServiceTest, RemoveLastTagDeletesImageAndLayersTopFirst) {
    const auto id = make_image({"base", "top"});
    const auto img = service->images().get(id);
    tag(id, "busybox");
    EXPECT_EQ(lines(service->remove("busybox", false, true)),
              (std::vector<std::string>{untagged("busybox:latest"), deleted(id), deleted(img.chain_ids[1]),
                                        deleted(img.chain_ids[0])}));
    EXPECT_FALSE(service->images().has(id));
    EXPECT_FALSE(service->content().has(id));
    EXPECT_EQ(driver->count(), 0u);
    EXPECT_TRUE(service->layers().list().empty());
    EXPECT_EQ(events, (std::vector<std::string>{"tag busybox:latest", "untag busybox:latest", "delete " + id}));
}

TEST_F(ImageServiceTest, LastTagTakesDigestReferencesOfItsRepository) {
    const auto id = make_image({"base"});
    const auto manifest = sha256_digest("manifest");
    tag(id, "busybox");
    service->references().add_digest(parse_normalized_named("busybox@" + manifest), id);
    service->references().add_digest(parse_normalized_named("other@" + manifest), id);
    EXPECT_EQ(lines(service->remove("busybox", false, true)),
              (std::vector<std::string>{untagged("busybox:latest"), untagged("busybox@" + manifest)}))
        << "other@ still names the image";
    EXPECT_TRUE(service->images().has(id));
}

TEST_F(ImageServiceTest, RemoveByIdTaggedInSeveralRepositoriesNeedsForce) {
    const auto id = make_image({"base"});
    const auto chain = service->images().get(id).top_chain();
    tag(id, "busybox");
    tag(id, "me/copy");
    try {
        service->remove(id.substr(7, 12), false, true);
        FAIL();
    } catch (const Conflict &e) {
        EXPECT_EQ(std::string(e.what()), "conflict: unable to delete " + short_id(id) +
                                             " (must be forced) - image is referenced in multiple repositories");
        EXPECT_EQ(e.kind(), ErrorKind::Conflict);
    }
    EXPECT_EQ(lines(service->remove(id.substr(7, 12), true, true)),
              (std::vector<std::string>{untagged("busybox:latest"), untagged("me/copy:latest"), deleted(id),
                                        deleted(chain)}));
}

TEST_F(ImageServiceTest, RemoveByIdWithOneRepositoryUntagsItsReferences) {
    const auto id = make_image({"base"});
    const auto manifest = sha256_digest("manifest");
    tag(id, "busybox");
    service->references().add_digest(parse_normalized_named("busybox@" + manifest), id);
    const auto chain = service->images().get(id).top_chain();
    EXPECT_EQ(lines(service->remove(id, false, true)),
              (std::vector<std::string>{untagged("busybox:latest"), untagged("busybox@" + manifest), deleted(id),
                                        deleted(chain)}));
}

TEST_F(ImageServiceTest, UntaggingTheLastReferenceOfAnImageInUseNeedsForce) {
    const auto id = make_image({"base"});
    tag(id, "busybox");
    containers[C1] = {id, false};
    try {
        service->remove("busybox", false, true);
        FAIL();
    } catch (const Conflict &e) {
        EXPECT_EQ(std::string(e.what()), "conflict: unable to remove repository reference \"busybox\" (must force) "
                                         "- container " +
                                             C1.substr(0, 12) + " is using its referenced image " + short_id(id));
    }
    // Forced: a stopped container is a soft conflict, so the image goes as
    // in dockerd; the container's layers stay.
    container_layers = {service->images().get(id).top_chain()};
    EXPECT_EQ(lines(service->remove("busybox", true, true)),
              (std::vector<std::string>{untagged("busybox:latest"), deleted(id)}));
    EXPECT_EQ(driver->count(), 1u);
}

TEST_F(ImageServiceTest, RunningContainerIsAHardConflict) {
    const auto id = make_image({"base"});
    tag(id, "busybox");
    containers[C1] = {id, true};
    // Forcing the last tag off untags only: the image stays for its container.
    EXPECT_EQ(lines(service->remove("busybox", true, true)), std::vector<std::string>{untagged("busybox:latest")});
    EXPECT_TRUE(service->images().has(id));
    for (bool force : {false, true}) {
        try {
            service->remove(id, force, true);
            FAIL();
        } catch (const Conflict &e) {
            EXPECT_EQ(std::string(e.what()), "conflict: unable to delete " + short_id(id) +
                                                 " (cannot be forced) - image is being used by running container " +
                                                 C1.substr(0, 12));
        }
    }
}

TEST_F(ImageServiceTest, StoppedContainerIsASoftConflictAndKeepsItsLayers) {
    const auto id = make_image({"base"});
    const auto chain = service->images().get(id).top_chain();
    containers[C1] = {id, false};
    container_layers = {chain}; // the container's rw layer sits on it
    try {
        service->remove(id, false, true);
        FAIL();
    } catch (const Conflict &e) {
        EXPECT_EQ(std::string(e.what()), "conflict: unable to delete " + short_id(id) +
                                             " (must be forced) - image is being used by stopped container " +
                                             C1.substr(0, 12));
    }
    EXPECT_EQ(lines(service->remove(id, true, true)), std::vector<std::string>{deleted(id)});
    EXPECT_TRUE(service->layers().has(chain));
    EXPECT_EQ(driver->count(), 1u);
    // Once the container is gone, gc collects the layer.
    containers.clear();
    container_layers.clear();
    const auto report = service->gc();
    EXPECT_EQ(report.layers_removed, std::vector<std::string>{chain});
    EXPECT_EQ(driver->count(), 0u);
}

TEST_F(ImageServiceTest, DependentChildrenAndParentPruning) {
    const auto parent = make_image({"base"}, "parent");
    const auto child = make_image({"base", "top"}, "child", parent);
    try {
        service->remove(parent, true, true);
        FAIL();
    } catch (const Conflict &e) {
        EXPECT_EQ(std::string(e.what()), "conflict: unable to delete " + short_id(parent) +
                                             " (cannot be forced) - image has dependent child images");
    }
    const auto chains = service->images().get(child).chain_ids;
    // Deleting the child prunes the now dangling parent, layers last-first.
    EXPECT_EQ(lines(service->remove(child, false, true)),
              (std::vector<std::string>{deleted(child), deleted(chains[1]), deleted(parent), deleted(chains[0])}));
    EXPECT_EQ(driver->count(), 0u);
}

TEST_F(ImageServiceTest, TaggedParentIsNotPrunedAndNoPruneKeepsParents) {
    const auto parent = make_image({"base"}, "parent");
    const auto child = make_image({"base", "top"}, "child", parent);
    tag(parent, "base");
    service->remove(child, false, true);
    EXPECT_TRUE(service->images().has(parent));
    const auto parent2 = make_image({"base"}, "parent2");
    const auto child2 = make_image({"base", "top2"}, "child2", parent2);
    service->remove(child2, false, false);
    EXPECT_TRUE(service->images().has(parent2));
}

TEST_F(ImageServiceTest, SharedBaseLayerSurvivesOneImage) {
    const auto a = make_image({"base", "a"});
    const auto b = make_image({"base", "b"});
    const auto a_top = service->images().get(a).top_chain();
    EXPECT_EQ(lines(service->remove(a, false, true)), (std::vector<std::string>{deleted(a), deleted(a_top)}));
    EXPECT_EQ(driver->count(), 2u);
    EXPECT_EQ(service->resolve(b).id, b);
}

TEST_F(ImageServiceTest, RemoveDuringAnIngestLeavesLayersToGc) {
    const auto id = make_image({"base"});
    const auto other = make_image({"other"});
    tag(other, "a");
    tag(other, "b");
    std::promise<void> held, done;
    std::thread pull([&] {
        auto hold = service->hold_for_ingest();
        held.set_value();
        done.get_future().wait();
    });
    held.get_future().wait();
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(lines(service->remove("a", false, true)), std::vector<std::string>{untagged("a:latest")});
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1)) << "untagging never waits";
    EXPECT_EQ(lines(service->remove(id, false, true)), std::vector<std::string>{deleted(id)});
    EXPECT_EQ(driver->count(), 2u) << "the layer waits for gc";
    done.set_value();
    pull.join();
    EXPECT_EQ(service->gc().layers_removed.size(), 1u);
    EXPECT_EQ(driver->count(), 1u);
}

TEST_F(ImageServiceTest, GcRemovesOnlyUnreferencedBlobsAndLayers) {
    const auto id = make_image({"base"});
    const auto manifest = service->content().put("manifest");
    const auto index = service->content().put("index");
    const auto orphan = service->content().put("orphan-blob");
    service->images().add_manifest(id, manifest);
    tag(id, "busybox");
    service->references().add_digest(parse_normalized_named("busybox@" + index), id);
    // A layer no image uses (a pull that died before its image existed).
    auto fd = test::fd_with("stray-layer");
    const auto stray = service->layers().register_layer(fd.get(), RegisterOptions{}).layer;

    const auto report = service->gc();
    EXPECT_EQ(report.layers_removed, std::vector<std::string>{stray.chain_id});
    EXPECT_EQ(report.blobs_removed, std::vector<std::string>{orphan});
    EXPECT_EQ(report.bytes_reclaimed, int64_t(std::string("orphan-blob").size() + std::string("stray-layer").size()));
    EXPECT_TRUE(service->content().has(manifest));
    EXPECT_TRUE(service->content().has(index));
    EXPECT_TRUE(service->content().has(id));
    EXPECT_EQ(driver->count(), 1u);
    EXPECT_TRUE(service->gc().blobs_removed.empty());
}

TEST_F(ImageServiceTest, ImportRootfs) {
    const std::string tar = std::string(10000, 't') + "tar-bytes";
    auto fd = test::fd_with(tar);
    ImportOptions o;
    o.cmd = {"sh"};
    o.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"};
    o.comment = "imported";
    o.platform = Platform{"linux", "amd64", ""};
    o.tag = parse_normalized_named("busybox");
    const auto id = service->import_rootfs(fd.get(), o);
    const auto img = service->resolve("busybox");
    EXPECT_EQ(img.id, id);
    EXPECT_EQ(img.config.os, "linux");
    EXPECT_EQ(img.config.architecture, "amd64");
    EXPECT_EQ(img.config.config_json,
              R"({"Cmd":["sh"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]})");
    EXPECT_EQ(img.config.diff_ids, std::vector<std::string>{sha256_digest(tar)});
    ASSERT_EQ(img.config.history.size(), 1u);
    EXPECT_EQ(img.config.history[0].comment, "imported");
    EXPECT_EQ(img.config.history[0].created, img.config.created);
    EXPECT_TRUE(parse_rfc3339_ns(img.config.created));
    EXPECT_EQ(id, sha256_digest(service->images().config_bytes(id)));
    EXPECT_EQ(service->size(img), int64_t(tar.size()));
    // The exact tar is kept for push, and gc leaves it alone.
    EXPECT_EQ(service->content().read(sha256_digest(tar), 1 << 20), tar);
    service->gc();
    EXPECT_TRUE(service->content().has(sha256_digest(tar)));
    EXPECT_EQ(events, (std::vector<std::string>{"import " + id, "tag busybox:latest"}));
}

TEST_F(ImageServiceTest, RemovingTheLastReferenceFreesItsBlobs) {
    auto fd = test::fd_with(std::string(5000, 'r'));
    ImportOptions o;
    o.tag = parse_normalized_named("gone");
    service->import_rootfs(fd.get(), o);
    ASSERT_EQ(service->content().list().size(), 2u); // config + kept tar
    service->remove("gone", false, true);
    // As dockerd frees them: no gc needed for the config and the layer blob.
    EXPECT_TRUE(service->content().list().empty());
    EXPECT_TRUE(service->layers().list().empty());
}

TEST_F(ImageServiceTest, FailedImportLeavesNothing) {
    driver->fail_apply_after(100);
    auto fd = test::fd_with(std::string(1 << 20, 'x'));
    EXPECT_THROW(service->import_rootfs(fd.get(), ImportOptions{}), StorageError);
    EXPECT_TRUE(service->images().list().empty());
    EXPECT_TRUE(service->layers().list().empty());
    EXPECT_EQ(driver->count(), 0u);
    EXPECT_TRUE(service->content().list().empty());
    EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "image/fake/ingest"));
    EXPECT_TRUE(std::filesystem::is_empty(dir.path() / "image/fake/layerdb/pending"));
}

TEST_F(ImageServiceTest, StateSurvivesRestartAndStaleReferencesGo) {
    auto fd = test::fd_with("rootfs");
    ImportOptions o;
    o.tag = parse_normalized_named("base:1");
    const auto id = service->import_rootfs(fd.get(), o);
    // A reference to an image that is not there (e.g. a record removed by hand).
    service->references().add_tag(parse_normalized_named("ghost"), sha256_digest("no such config"));
    reopen();
    EXPECT_EQ(service->resolve("base:1").id, id);
    EXPECT_FALSE(service->references().get(parse_normalized_named("ghost")));
    EXPECT_TRUE(service->recovery().failures.empty());
}

} // namespace
