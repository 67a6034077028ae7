#include "containers/store/container_id.h"
#include "containers/store/container_names.h"
#include "containers/store/container_store.h"
#include "containers/store/errors.h"
#include "store_test_support.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <algorithm>
#include <fstream>
#include <map>
#include <set>

using namespace berth::containers;
namespace fs = std::filesystem;

namespace {
using berth::containers::test::TempRoot;

NewContainer spec(std::string name = "") { return berth::containers::test::busybox_spec(std::move(name)); }

std::string read(const fs::path &p) {
    std::ifstream in(p);
    return std::string(std::istreambuf_iterator<char>(in), {});
}
} // namespace

TEST(ContainerStore, CreateWritesRecordAndReloads) {
    TempRoot root;
    std::string id;
    {
        ContainerStore store(root.path);
        Container c = store.create(spec("web"));
        id = c.id;
        EXPECT_TRUE(is_full_container_id(c.id));
        EXPECT_EQ(c.name, "/web");
        EXPECT_EQ(c.state.status(), "created");
        EXPECT_TRUE(fs::exists(root.path / "containers" / id / "config.v2.json"));
        c.set_running(99);
        store.save(c);
    }
    ContainerStore again(root.path);
    EXPECT_TRUE(again.load_errors().empty());
    Container c = again.resolve("web");
    EXPECT_EQ(c.id, id);
    EXPECT_EQ(c.state.pid, 99);
    EXPECT_EQ(c.image_name, "busybox");
}

TEST(ContainerStore, GeneratedNamesAreUniqueAndValid) {
    TempRoot root;
    ContainerStore store(root.path);
    std::set<std::string> names;
    for (int i = 0; i < 50; ++i) names.insert(store.create(spec()).name);
    EXPECT_EQ(names.size(), 50u);
    for (const auto &n : names) EXPECT_NO_THROW(canonical_container_name(n)) << n;
}

TEST(ContainerStore, TakenNameIsConflictWithDockersWording) {
    TempRoot root;
    ContainerStore store(root.path);
    Container web = store.create(spec("web"));
    try {
        store.create(spec("/web"));
        FAIL() << "second /web accepted";
    } catch (const Conflict &e) {
        EXPECT_EQ(std::string(e.what()), "Conflict. The container name \"/web\" is already in use by container \"" +
                                             web.id +
                                             "\". You have to remove (or rename) that container to be able to reuse that name.");
    }
    EXPECT_EQ(store.list().size(), 1u);
    EXPECT_THROW(store.create(spec("-bad")), InvalidArgument);
    EXPECT_EQ(store.list().size(), 1u);
    // Removing frees the name.
    store.remove(web.id);
    EXPECT_FALSE(fs::exists(root.path / "containers" / web.id));
    EXPECT_NO_THROW(store.create(spec("web")));
}

TEST(ContainerStore, RenameMovesTheName) {
    TempRoot root;
    ContainerStore store(root.path);
    Container a = store.create(spec("a1"));
    Container b = store.create(spec("b1"));
    EXPECT_THROW(store.rename(a.id, "b1"), Conflict);
    store.rename(a.id, "a2");
    EXPECT_EQ(store.resolve("a2").id, a.id);
    EXPECT_THROW(store.resolve("a1"), NotFound);
    EXPECT_EQ(store.create(spec("a1")).name, "/a1");
    // save() cannot change names behind rename()'s back.
    Container copy = store.resolve(b.id);
    copy.name = "/sneaky";
    store.save(copy);
    EXPECT_EQ(store.resolve(b.id).name, "/b1");
    ContainerStore again(root.path);
    EXPECT_EQ(again.resolve("a2").id, a.id);
}

TEST(ContainerStore, ResolutionOrderLikeGetContainer) {
    TempRoot root;
    ContainerStore store(root.path);
    Container a = store.create(spec("first"));
    Container b = store.create(spec());
    EXPECT_EQ(store.resolve(a.id).id, a.id);
    EXPECT_EQ(store.resolve("first").id, a.id);
    EXPECT_EQ(store.resolve("/first").id, a.id);
    EXPECT_EQ(store.resolve(b.name).id, b.id);
    EXPECT_EQ(store.resolve(b.name.substr(1)).id, b.id);
    // Unique prefix: the shortest that tells them apart.
    size_t common = 0;
    while (a.id[common] == b.id[common]) ++common;
    EXPECT_EQ(store.resolve(a.id.substr(0, common + 1)).id, a.id);
    EXPECT_EQ(store.resolve(short_id(b.id)).id, b.id);
    // A name wins over an ID prefix: name a container after the other's prefix.
    const std::string prefix = a.id.substr(0, common + 3);
    store.rename(b.id, prefix);
    EXPECT_EQ(store.resolve(prefix).id, b.id);
    try {
        store.resolve("nope");
        FAIL();
    } catch (const NotFound &e) {
        EXPECT_EQ(std::string(e.what()), "No such container: nope");
    }
    EXPECT_THROW(store.resolve(""), NotFound);
}

TEST(ContainerStore, AmbiguousPrefixIsNotFound) {
    TempRoot root;
    ContainerStore store(root.path);
    // 40 random IDs: some pair shares a first hex digit (pigeonhole over 16).
    std::vector<Container> all;
    for (int i = 0; i < 40; ++i) all.push_back(store.create(spec()));
    std::map<char, int> first;
    for (const auto &c : all) ++first[c.id[0]];
    auto it = std::find_if(first.begin(), first.end(), [](auto &kv) { return kv.second > 1; });
    ASSERT_NE(it, first.end());
    try {
        store.resolve(std::string(1, it->first));
        FAIL() << "ambiguous prefix resolved";
    } catch (const NotFound &e) {
        EXPECT_EQ(std::string(e.what()), "No such container: " + std::string(1, it->first));
    }
}

TEST(ContainerStore, LeftoverTempFileAndBrokenRecordsAreSkipped) {
    TempRoot root;
    std::string id;
    {
        ContainerStore store(root.path);
        Container c = store.create(spec("keep"));
        id = c.id;
    }
    const fs::path dir = root.path / "containers" / id;
    const std::string before = read(dir / "config.v2.json");
    // What a kill -9 during a save leaves: a half-written temp file next to the record.
    {
        std::ofstream(dir / ".config.v2.json.tmp-a1B2c3") << "{\"ID\":\"trunc";
    }
    // A torn record in another container's directory, and one with no record at all.
    fs::create_directories(root.path / "containers" / std::string(64, '1'));
    std::ofstream(root.path / "containers" / std::string(64, '1') / "config.v2.json") << "{\"ID\":";
    fs::create_directories(root.path / "containers" / std::string(64, '2'));
    // A record whose ID does not match its directory.
    fs::create_directories(root.path / "containers" / std::string(64, '3'));
    fs::copy_file(dir / "config.v2.json", root.path / "containers" / std::string(64, '3') / "config.v2.json");

    ContainerStore store(root.path);
    EXPECT_EQ(store.list().size(), 1u);
    EXPECT_EQ(store.load_errors().size(), 3u);
    EXPECT_EQ(store.resolve("keep").id, id);
    EXPECT_EQ(read(dir / "config.v2.json"), before);
    EXPECT_FALSE(fs::exists(dir / ".config.v2.json.tmp-a1B2c3")) << "leftover temp file not swept";
}

TEST(ContainerStore, SaveIsAtomicReplacement) {
    TempRoot root;
    ContainerStore store(root.path);
    Container c = store.create(spec("x1"));
    const fs::path rec = root.path / "containers" / c.id / "config.v2.json";
    auto inode_before = fs::status(rec).permissions();
    c.set_running(5);
    store.save(c);
    EXPECT_EQ(fs::status(rec).permissions(), inode_before);
    // Only the record remains: the temp file was renamed over it.
    int files = 0;
    for (auto &e : fs::directory_iterator(rec.parent_path())) files += e.is_regular_file();
    EXPECT_EQ(files, 1);
    EXPECT_EQ(container_from_json(read(rec)).state.pid, 5);
}

TEST(ContainerStore, UnknownContainerOperations) {
    TempRoot root;
    ContainerStore store(root.path);
    Container ghost;
    ghost.id = std::string(64, 'f');
    EXPECT_THROW(store.save(ghost), NotFound);
    EXPECT_THROW(store.remove(ghost.id), NotFound);
    EXPECT_THROW(store.rename(ghost.id, "x1"), NotFound);
    EXPECT_FALSE(store.get(ghost.id));
}
