// The volume service without mounts: create/ensure rules, records on disk
// across a restart (including kill -9 leftovers), references, remove and
// prune.
#include "volumes/volume_service.h"

#include "images/errors.h"
#include "test_dir.h"
#include "volumes/volume_record.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <fstream>
#include <thread>

using namespace berth::volumes;
namespace fs = std::filesystem;

namespace {

void write_text(const fs::path &p, const std::string &text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
}

std::string read_text(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), {}};
}

template <class Fn>
std::string error_of(Fn &&fn, berth::images::ErrorKind *kind = nullptr) {
    try {
        fn();
    } catch (const berth::images::Error &e) {
        if (kind) *kind = e.kind();
        return e.what();
    }
    return "(no error)";
}

} // namespace

TEST(VolumeService, CreatesDockerdsLayoutWithARecord) {
    TestDir dir;
    VolumeService svc(dir.path());
    const auto v = svc.ensure("data", "local", StringMap{{"team", "a"}}, StringMap{});
    EXPECT_EQ(v.mountpoint, dir.path() / "volumes" / "data" / "_data");
    EXPECT_TRUE(fs::is_directory(v.mountpoint));
    const auto rec = nlohmann::json::parse(read_text(dir.path() / "volumes" / "data" / kRecordFile));
    EXPECT_EQ(rec["Driver"], "local");
    EXPECT_EQ(rec["Labels"]["team"], "a");
    EXPECT_TRUE(rec["Options"].is_object());
    EXPECT_FALSE(v.anonymous());
}

TEST(VolumeService, MetadataSurvivesARestart) {
    TestDir dir;
    Volume before;
    {
        VolumeService svc(dir.path());
        before = svc.ensure("keep", "", StringMap{{"a", "1"}, {"b", ""}}, std::nullopt);
        svc.ensure("other");
    }
    VolumeService again(dir.path());
    EXPECT_TRUE(again.load_errors().empty());
    const auto after = again.get("keep");
    EXPECT_EQ(after.name, "keep");
    EXPECT_EQ(after.driver, "local");
    EXPECT_EQ(after.labels, before.labels);
    EXPECT_FALSE(after.options.has_value()); // null stays null, not {}
    EXPECT_EQ(after.created, before.created);
    EXPECT_EQ(after.mountpoint, before.mountpoint);
    EXPECT_EQ(again.list().size(), 2u);
}

TEST(VolumeService, EnsureReturnsAnExistingVolumeUnchanged) {
    TestDir dir;
    VolumeService svc(dir.path());
    const auto first = svc.ensure("same", "local", StringMap{{"x", "1"}});
    fs::create_directories(first.mountpoint / "payload");
    const auto second = svc.ensure("same", "local", StringMap{{"x", "2"}});
    EXPECT_EQ(second.labels->at("x"), "1");
    EXPECT_EQ(second.created, first.created);
    EXPECT_TRUE(fs::exists(first.mountpoint / "payload"));
}

TEST(VolumeService, AnonymousVolumesGetARandomNameAndTheLabel) {
    TestDir dir;
    VolumeService svc(dir.path());
    const auto v = svc.ensure("", "local", StringMap{{"mine", "yes"}});
    EXPECT_EQ(v.name.size(), 64u);
    ASSERT_TRUE(v.labels);
    EXPECT_EQ(v.labels->at("com.docker.volume.anonymous"), "");
    EXPECT_EQ(v.labels->at("mine"), "yes");
    EXPECT_TRUE(v.anonymous());
    EXPECT_NE(svc.ensure("").name, v.name);
}

TEST(VolumeService, RefusesBadNamesOptionsAndDriversWithDockersText) {
    TestDir dir;
    VolumeService svc(dir.path());
    berth::images::ErrorKind kind{};
    EXPECT_EQ(error_of([&] { svc.ensure("a"); }, &kind),
              "create a: volume name is too short, names should be at least two alphanumeric characters");
    EXPECT_EQ(kind, berth::images::ErrorKind::InvalidArgument);
    EXPECT_NE(error_of([&] { svc.ensure("../etc"); }).find("create ../etc: \"../etc\" includes invalid characters"),
              std::string::npos);
    EXPECT_EQ(error_of([&] { svc.ensure("vol", "local", std::nullopt, StringMap{{"bogus", "1"}}); }, &kind),
              "create vol: invalid option: \"bogus\"");
    EXPECT_EQ(kind, berth::images::ErrorKind::InvalidArgument);
    EXPECT_EQ(error_of([&] { svc.ensure("vol", "nfs-plugin"); }, &kind),
              "create vol: error looking up volume plugin nfs-plugin: plugin \"nfs-plugin\" not found");
    EXPECT_EQ(kind, berth::images::ErrorKind::NotFound);
    // Nothing was left behind by the refusals.
    EXPECT_TRUE(svc.list().empty());
    EXPECT_TRUE(fs::is_empty(dir.path() / "volumes"));
}

TEST(VolumeService, GetOfAMissingVolume) {
    TestDir dir;
    VolumeService svc(dir.path());
    berth::images::ErrorKind kind{};
    EXPECT_EQ(error_of([&] { svc.get("nope"); }, &kind), "get nope: no such volume");
    EXPECT_EQ(kind, berth::images::ErrorKind::NotFound);
    EXPECT_FALSE(svc.find("nope"));
}

TEST(VolumeService, ReferencesBlockRemovalUntilDereferenced) {
    TestDir dir;
    VolumeService svc(dir.path());
    svc.ensure("shared");
    svc.reference("shared", "cccc");
    svc.reference("shared", "aaaa");
    svc.reference("shared", "aaaa"); // counted once
    EXPECT_EQ(svc.users("shared"), (std::vector<std::string>{"aaaa", "cccc"}));
    berth::images::ErrorKind kind{};
    EXPECT_EQ(error_of([&] { svc.remove("shared", false); }, &kind),
              "remove shared: volume is in use - [aaaa, cccc]");
    EXPECT_EQ(kind, berth::images::ErrorKind::Conflict);
    // force does not override "in use", as with dockerd.
    EXPECT_EQ(error_of([&] { svc.remove("shared", true); }), "remove shared: volume is in use - [aaaa, cccc]");
    svc.dereference("shared", "aaaa");
    svc.dereference("shared", "cccc");
    EXPECT_TRUE(svc.users("shared").empty());
    svc.remove("shared", false);
    EXPECT_FALSE(svc.find("shared"));
    EXPECT_FALSE(fs::exists(dir.path() / "volumes" / "shared"));
}

TEST(VolumeService, AcquireAndReleaseTrackActiveUsersAndKeepTheReference) {
    TestDir dir;
    VolumeService svc(dir.path());
    const auto v = svc.ensure("plain");
    EXPECT_EQ(svc.acquire("plain", "c1"), v.mountpoint);
    EXPECT_EQ(svc.acquire("plain", "c2"), v.mountpoint);
    EXPECT_EQ(svc.active_users("plain"), (std::vector<std::string>{"c1", "c2"}));
    svc.release("plain", "c1");
    EXPECT_EQ(svc.active_users("plain"), (std::vector<std::string>{"c2"}));
    // A stopped container still has its volume "in use".
    EXPECT_EQ(svc.users("plain"), (std::vector<std::string>{"c1", "c2"}));
    svc.dereference("plain", "c2"); // removal of a running container's record
    EXPECT_TRUE(svc.active_users("plain").empty());
    EXPECT_EQ(svc.users("plain"), (std::vector<std::string>{"c1"}));
    svc.release("unknown-volume", "c1"); // ignored
    EXPECT_EQ(error_of([&] { svc.acquire("unknown-volume", "c1"); }), "get unknown-volume: no such volume");
}

TEST(VolumeService, AdoptRebuildsReferencesAfterARestart) {
    TestDir dir;
    {
        VolumeService svc(dir.path());
        svc.ensure("db");
        svc.acquire("db", "running1");
    }
    VolumeService svc(dir.path());
    EXPECT_TRUE(svc.users("db").empty()); // references live in container records
    svc.adopt("db", "running1", true);
    svc.adopt("db", "stopped1", false);
    svc.adopt("gone", "x", true); // a record naming a missing volume is logged, not fatal
    EXPECT_EQ(svc.users("db"), (std::vector<std::string>{"running1", "stopped1"}));
    EXPECT_EQ(svc.active_users("db"), (std::vector<std::string>{"running1"}));
    EXPECT_NE(error_of([&] { svc.remove("db", false); }).find("volume is in use"), std::string::npos);
}

TEST(VolumeService, ForceRemoveOfAMissingVolumeSucceeds) {
    TestDir dir;
    VolumeService svc(dir.path());
    EXPECT_NO_THROW(svc.remove("ghost", true));
    EXPECT_EQ(error_of([&] { svc.remove("ghost", false); }), "get ghost: no such volume");
}

TEST(VolumeService, PruneTakesUnusedSelectedVolumesAndCountsTheirBytes) {
    TestDir dir;
    VolumeService svc(dir.path());
    const auto anon = svc.ensure("");
    const auto named = svc.ensure("named");
    const auto used = svc.ensure("");
    svc.reference(used.name, "c1");
    write_text(anon.mountpoint / "f", std::string(1000, 'x'));
    fs::create_directories(anon.mountpoint / "sub");
    write_text(anon.mountpoint / "sub" / "g", std::string(24, 'y'));
    fs::create_hard_link(anon.mountpoint / "f", anon.mountpoint / "f-link"); // counted once

    const auto report = svc.prune([](const Volume &v) { return v.anonymous(); });
    EXPECT_EQ(report.deleted, (std::vector<std::string>{anon.name}));
    EXPECT_EQ(report.space_reclaimed, 1024u);
    EXPECT_TRUE(svc.find("named"));
    EXPECT_TRUE(svc.find(used.name));
    EXPECT_FALSE(fs::exists(anon.mountpoint));

    const auto all = svc.prune([](const Volume &) { return true; });
    EXPECT_EQ(all.deleted, (std::vector<std::string>{"named"}));
    EXPECT_TRUE(svc.find(used.name));
}

TEST(VolumeService, ATornTempRecordFromKill9IsIgnoredAndSwept) {
    TestDir dir;
    {
        VolumeService svc(dir.path());
        svc.ensure("steady", "local", StringMap{{"v", "1"}});
    }
    // What a kill -9 inside write_file_atomic leaves: the old record intact
    // and a half-written temp file beside it.
    const fs::path vdir = dir.path() / "volumes" / "steady";
    const fs::path torn = vdir / ".volume.json.tmp-AbC123";
    write_text(torn, "{\"Driver\":\"loc");
    VolumeService svc(dir.path());
    EXPECT_TRUE(svc.load_errors().empty());
    EXPECT_EQ(svc.get("steady").labels->at("v"), "1");
    EXPECT_FALSE(fs::exists(torn));
}

TEST(VolumeService, LoadSkipsBrokenRecordsAndSweepsInterruptedWork) {
    TestDir dir;
    const fs::path root = dir.path() / "volumes";
    {
        VolumeService svc(dir.path());
        svc.ensure("good");
    }
    // A record someone damaged: logged and skipped, data left alone.
    fs::create_directories(root / "broken" / "_data");
    write_text(root / "broken" / kRecordFile, "not json");
    write_text(root / "broken" / "_data" / "keep", "precious");
    // A create cut short before its record: swept.
    fs::create_directories(root / "halfmade");
    // Neither record nor _data but content: not ours to delete.
    fs::create_directories(root / "stranger");
    write_text(root / "stranger" / "notes", "someone's");
    // A create cut short after its record: completed.
    fs::create_directories(root / "norecorddata");
    write_text(root / "norecorddata" / kRecordFile,
               R"({"Driver":"local","Labels":null,"Options":null,"CreatedAt":"2024-05-01T12:00:00Z"})");
    fs::remove(root / "norecorddata" / "_data");
    // dockerd's layout: a plain volume without our record.
    fs::create_directories(root / "fromdockerd" / "_data");
    // A delete cut short: finished.
    fs::create_directories(root / ".trash-0123" / "_data");
    // dockerd's bolt database is a file, not a volume.
    write_text(root / "metadata.db", "bolt");
    // A symlink would make a volume of a directory outside the data root.
    fs::create_directories(dir.path() / "elsewhere" / "_data");
    fs::create_directory_symlink(dir.path() / "elsewhere", root / "linked");

    VolumeService svc(dir.path());
    ASSERT_EQ(svc.load_errors().size(), 1u);
    EXPECT_NE(svc.load_errors()[0].find("broken"), std::string::npos);
    EXPECT_FALSE(svc.find("broken"));
    EXPECT_EQ(read_text(root / "broken" / "_data" / "keep"), "precious");
    EXPECT_FALSE(svc.find("halfmade"));
    EXPECT_FALSE(fs::exists(root / "halfmade"));
    EXPECT_FALSE(svc.find("stranger"));
    EXPECT_EQ(read_text(root / "stranger" / "notes"), "someone's");
    ASSERT_TRUE(svc.find("norecorddata"));
    EXPECT_TRUE(fs::is_directory(root / "norecorddata" / "_data"));
    EXPECT_EQ(svc.get("norecorddata").created, std::chrono::system_clock::time_point(std::chrono::seconds(1714564800)));
    ASSERT_TRUE(svc.find("fromdockerd"));
    EXPECT_FALSE(svc.get("fromdockerd").labels);
    EXPECT_FALSE(fs::exists(root / ".trash-0123"));
    EXPECT_TRUE(svc.find("good"));
    EXPECT_FALSE(svc.find("linked"));
    EXPECT_EQ(svc.list().size(), 3u);
}

TEST(VolumeService, ConcurrentEnsureOfOneNameMakesOneVolume) {
    TestDir dir;
    VolumeService svc(dir.path());
    std::vector<std::thread> threads;
    std::vector<Volume> got(8);
    for (int i = 0; i < 8; ++i)
        threads.emplace_back([&, i] { got[size_t(i)] = svc.ensure("race", "local", StringMap{{"i", std::to_string(i)}}); });
    for (auto &t : threads) t.join();
    for (const auto &v : got) EXPECT_EQ(v.labels, got[0].labels);
    EXPECT_EQ(svc.list().size(), 1u);
}

TEST(VolumeService, SizeCountsTheDataDirectory) {
    TestDir dir;
    VolumeService svc(dir.path());
    const auto v = svc.ensure("sized");
    EXPECT_EQ(svc.size("sized"), 0);
    write_text(v.mountpoint / "a", "12345");
    EXPECT_EQ(svc.size("sized"), 5);
}

TEST(VolumeService, EnsureSaysWhetherItCreated) {
    TestDir dir;
    VolumeService svc(dir.path());
    bool created = false;
    svc.ensure("fresh", "local", std::nullopt, std::nullopt, &created);
    EXPECT_TRUE(created);
    svc.ensure("fresh", "local", std::nullopt, std::nullopt, &created);
    EXPECT_FALSE(created);
}

TEST(VolumeService, RmDashVRemovesOnlyUnsharedAnonymousVolumes) {
    TestDir dir;
    VolumeService svc(dir.path());
    const auto anon = svc.ensure("");
    const auto shared_anon = svc.ensure("");
    svc.ensure("named");
    for (const auto &n : {anon.name, shared_anon.name, std::string("named")}) svc.reference(n, "c1");
    svc.reference(shared_anon.name, "c2");
    for (const auto &n : {anon.name, shared_anon.name, std::string("named")}) svc.dereference(n, "c1", true);
    EXPECT_FALSE(svc.find(anon.name));
    EXPECT_FALSE(fs::exists(anon.mountpoint));
    EXPECT_TRUE(svc.find(shared_anon.name)); // c2 still uses it
    EXPECT_TRUE(svc.find("named"));          // named volumes outlive rm -v
    svc.dereference(shared_anon.name, "c2", false);
    EXPECT_TRUE(svc.find(shared_anon.name)); // plain rm keeps anonymous volumes
}
