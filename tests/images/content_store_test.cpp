// The content store: verified ingest, nothing left behind on a mismatch,
// resumable keyed ingests, and the sweep of a crashed daemon's leftovers.
#include "images/content_store.h"
#include "images/errors.h"

#include "test_util.h"

#include <gtest/gtest.h>

#include <unistd.h>

using namespace berth::images;
using berth::images::test::TempDir;

namespace {

size_t count_entries(const std::filesystem::path &dir) {
    size_t n = 0;
    for ([[maybe_unused]] const auto &e : std::filesystem::directory_iterator(dir)) ++n;
    return n;
}

TEST(ContentStore, IngestVerifiesAndStores) {
    TempDir dir;
    ContentStore store(dir.path() / "image");
    auto w = store.writer();
    w->write("hello ");
    w->write(std::string_view("world"));
    EXPECT_EQ(w->offset(), 11u);
    const std::string expected = sha256_digest("hello world");
    EXPECT_EQ(w->digest(), expected);
    EXPECT_EQ(w->commit(expected, 11), expected);
    EXPECT_TRUE(store.has(expected));
    EXPECT_EQ(store.size(expected), 11);
    EXPECT_EQ(store.read(expected), "hello world");
    EXPECT_EQ(store.list(), std::vector<std::string>{expected});
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "image/blobs/sha256" / std::string(digest_hex(expected))));
    EXPECT_EQ(count_entries(store.ingest_dir()), 0u) << "the ingest file was renamed away";
    auto fd = store.open(expected);
    char buf[32];
    EXPECT_EQ(::read(fd.get(), buf, sizeof buf), 11);
}

TEST(ContentStore, PutIsIdempotentAndRemoveWorks) {
    TempDir dir;
    ContentStore store(dir.path());
    const auto d = store.put("blob");
    EXPECT_EQ(store.put("blob", d), d);
    EXPECT_TRUE(store.remove(d));
    EXPECT_FALSE(store.remove(d));
    EXPECT_FALSE(store.has(d));
    EXPECT_THROW(store.read(d), NotFound);
    EXPECT_THROW(store.size(d), NotFound);
    EXPECT_THROW(store.open(d), NotFound);
}

TEST(ContentStore, DigestMismatchLeavesNothing) {
    TempDir dir;
    ContentStore store(dir.path());
    const std::string wrong = sha256_digest("something else");
    auto w = store.writer(wrong); // keyed: a mismatch must still clean up
    w->write("actual bytes");
    try {
        w->commit(wrong);
        FAIL() << "commit accepted the wrong digest";
    } catch (const DigestMismatch &e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find(wrong), std::string::npos) << msg;
        EXPECT_NE(msg.find(sha256_digest("actual bytes")), std::string::npos) << msg;
    }
    EXPECT_EQ(count_entries(store.ingest_dir()), 0u);
    EXPECT_TRUE(store.list().empty());
    EXPECT_THROW(w->write("more"), InternalError);
}

TEST(ContentStore, SizeMismatchLeavesNothing) {
    TempDir dir;
    ContentStore store(dir.path());
    auto w = store.writer();
    w->write("12345");
    EXPECT_THROW(w->commit({}, 4), DigestMismatch);
    EXPECT_EQ(count_entries(store.ingest_dir()), 0u);
    EXPECT_TRUE(store.list().empty());
}

TEST(ContentStore, KeyedIngestResumes) {
    TempDir dir;
    ContentStore store(dir.path());
    const std::string full = std::string(100000, 'a') + std::string(50000, 'b');
    const std::string digest = sha256_digest(full);
    {
        auto w = store.writer(digest);
        EXPECT_EQ(w->resume_offset(), 0u);
        w->write(full.substr(0, 70000));
        // Dropped without commit: a broken download.
    }
    EXPECT_EQ(count_entries(store.ingest_dir()), 1u);
    auto w = store.writer(digest);
    EXPECT_EQ(w->resume_offset(), 70000u);
    EXPECT_EQ(w->offset(), 70000u);
    w->write(full.substr(70000));
    EXPECT_EQ(w->commit(digest, int64_t(full.size())), digest);
    EXPECT_EQ(store.read(digest), full);
}

TEST(ContentStore, RestartDiscardsPartialData) {
    TempDir dir;
    ContentStore store(dir.path());
    const std::string digest = sha256_digest("fresh");
    {
        auto w = store.writer(digest);
        w->write("garbage");
    }
    auto w = store.writer(digest);
    EXPECT_EQ(w->resume_offset(), 7u);
    w->restart(); // the server ignored our Range header
    EXPECT_EQ(w->resume_offset(), 0u);
    w->write("fresh");
    EXPECT_EQ(w->commit(digest), digest);
}

TEST(ContentStore, TwoLiveWritersOnOneKeyConflict) {
    TempDir dir;
    ContentStore store(dir.path());
    auto a = store.writer("key");
    EXPECT_THROW(store.writer("key"), Conflict);
    a->abort();
    EXPECT_NO_THROW(store.writer("key"));
}

TEST(ContentStore, UnkeyedWriterDroppedOrAbortedLeavesNothing) {
    TempDir dir;
    ContentStore store(dir.path());
    {
        auto w = store.writer();
        w->write("partial");
    }
    auto w = store.writer("k");
    w->write("x");
    w->abort();
    EXPECT_EQ(count_entries(store.ingest_dir()), 0u);
}

TEST(ContentStore, OpenSweepsCrashLeftovers) {
    TempDir dir;
    const auto root = dir.path() / "image";
    std::filesystem::path fresh_keyed, stale_keyed;
    {
        ContentStore store(root);
        {
            auto w = store.writer("fresh");
            w->write("f");
        }
        {
            auto w = store.writer("stale");
            w->write("s");
        }
        for (const auto &e : std::filesystem::directory_iterator(store.ingest_dir()))
            (test::read_all(e.path()) == "f" ? fresh_keyed : stale_keyed) = e.path();
    }
    // What a kill -9 leaves: an unkeyed temp, a stray file, an old partial.
    test::write_all(root / "ingest" / "r-0123", "orphan");
    test::write_all(root / "ingest" / "junk", "junk");
    test::age_file(root / "ingest" / "junk", 2 * 86400);
    test::age_file(stale_keyed, 2 * 86400);
    ContentStore reopened(root);
    EXPECT_TRUE(std::filesystem::exists(fresh_keyed)) << "a recent partial is kept for resume";
    EXPECT_FALSE(std::filesystem::exists(stale_keyed));
    EXPECT_FALSE(std::filesystem::exists(root / "ingest" / "r-0123"));
    EXPECT_FALSE(std::filesystem::exists(root / "ingest" / "junk"));
    auto w = reopened.writer("fresh");
    EXPECT_EQ(w->resume_offset(), 1u);
}

TEST(ContentStore, RejectsMalformedDigests) {
    TempDir dir;
    ContentStore store(dir.path());
    EXPECT_THROW(store.has("sha256:../../x"), InvalidArgument);
    EXPECT_THROW(store.read("md5:abc"), InvalidArgument);
    EXPECT_THROW(store.put("x", "sha256:abc"), InvalidArgument);
    // A stray file in the blob directory is not listed as a blob.
    test::write_all(store.blob_dir() / "not-a-digest", "x");
    EXPECT_TRUE(store.list().empty());
}

} // namespace
