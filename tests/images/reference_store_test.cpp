// The reference store: dockerd's repositories.json shape, normalised keys,
// tag/digest overwrite rules, atomic persistence.
#include "images/digest.h"
#include "images/errors.h"
#include "images/reference_store.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <thread>

using namespace berth::images;
using berth::images::test::TempDir;

namespace {

const std::string A = sha256_digest("image-a");
const std::string B = sha256_digest("image-b");
const std::string M = sha256_digest("manifest");

Reference named(const std::string &s) { return parse_normalized_named(s); }

TEST(ReferenceStore, TagsAreNormalisedAndPersistedLikeDockerd) {
    TempDir dir;
    const auto file = dir.path() / "repositories.json";
    {
        ReferenceStore store(file);
        store.add_tag(named("busybox"), A);
        store.add_digest(named("busybox@" + M), A);
        store.add_tag(named("localhost:5000/app:v1"), B);
        EXPECT_EQ(store.get(named("busybox:latest")), A);
        EXPECT_EQ(store.get(named("docker.io/library/busybox")), A);
        EXPECT_EQ(store.get(named("busybox@" + M)), A);
        EXPECT_EQ(store.get(named("busybox:other@" + M)), A) << "the digest wins over the tag";
        EXPECT_FALSE(store.get(named("busybox:1")));
    }
    EXPECT_EQ(test::read_all(file), R"({"Repositories":{"busybox":{"busybox:latest":")" + A + R"(","busybox@)" + M +
                                        R"(":")" + A + R"("},"localhost:5000/app":{"localhost:5000/app:v1":")" + B +
                                        R"("}}})");
    ReferenceStore reopened(file);
    EXPECT_EQ(reopened.get(named("busybox")), A);
    EXPECT_EQ(reopened.get(named("localhost:5000/app:v1")), B);
    EXPECT_EQ(reopened.list().size(), 3u);
}

TEST(ReferenceStore, OverwriteRules) {
    TempDir dir;
    ReferenceStore store(dir.path() / "repositories.json");
    store.add_tag(named("app:v1"), A);
    store.add_tag(named("app:v1"), A, false); // same image: fine
    try {
        store.add_tag(named("app:v1"), B, false);
        FAIL();
    } catch (const Conflict &e) {
        EXPECT_EQ(std::string(e.what()), "Conflict: Tag app:v1 is already set to image " + A +
                                             ", if you want to replace it, please use the force option");
    }
    store.add_tag(named("app:v1"), B);
    EXPECT_EQ(store.get(named("app:v1")), B);
    store.add_digest(named("app@" + M), A);
    try {
        store.add_digest(named("app@" + M), B);
        FAIL();
    } catch (const Conflict &e) {
        EXPECT_EQ(std::string(e.what()), "Cannot overwrite digest " + M);
    }
    EXPECT_THROW(store.add_tag(named("app@" + M), A), InvalidArgument);
    EXPECT_THROW(store.add_digest(named("app:v2"), A), InvalidArgument);
    EXPECT_THROW(store.add_tag(named("sha256:abc"), A), InvalidArgument);
    EXPECT_THROW(store.add_tag(named("app:v3"), "sha256:short"), InvalidArgument);
}

TEST(ReferenceStore, ReferencesOfAreSortedAndRemovable) {
    TempDir dir;
    ReferenceStore store(dir.path() / "repositories.json");
    store.add_tag(named("zeta"), A);
    store.add_tag(named("alpha:2"), A);
    store.add_digest(named("alpha@" + M), A);
    store.add_tag(named("other"), B);
    std::vector<std::string> names;
    for (const auto &r : store.references_of(A)) names.push_back(r.familiar_string());
    EXPECT_EQ(names, (std::vector<std::string>{"alpha:2", "alpha@" + M, "zeta:latest"}));
    EXPECT_TRUE(store.remove(named("zeta")));
    EXPECT_FALSE(store.remove(named("zeta")));
    EXPECT_EQ(store.remove_image(A).size(), 2u);
    EXPECT_TRUE(store.references_of(A).empty());
    EXPECT_EQ(ReferenceStore(dir.path() / "repositories.json").list().size(), 1u);
}

TEST(ReferenceStore, BadEntriesAreDroppedOnLoad) {
    TempDir dir;
    const auto file = dir.path() / "repositories.json";
    test::write_all(file, R"({"Repositories":{"x":{"Bad Name":")" + A + R"(","ok:1":"notadigest","fine:2":")" + B +
                              R"("}}})");
    ReferenceStore store(file);
    ASSERT_EQ(store.list().size(), 1u);
    EXPECT_EQ(store.get(named("fine:2")), B);
    test::write_all(file, "garbage");
    EXPECT_TRUE(ReferenceStore(file).list().empty());
}

TEST(ReferenceStore, ConcurrentWritersLoseNothing) {
    TempDir dir;
    const auto file = dir.path() / "repositories.json";
    ReferenceStore store(file);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&store, t] {
            for (int i = 0; i < 25; ++i) store.add_tag(named("repo" + std::to_string(t) + ":" + std::to_string(i)), A);
        });
    for (auto &th : threads) th.join();
    EXPECT_EQ(ReferenceStore(file).list().size(), 100u);
}

} // namespace
