// Records of `run --rm` containers (HostConfig.AutoRemove): which records
// count as auto-removed (Container::auto_remove, whatever the HostConfig
// text holds), and that such a record, which the store writes without
// fsyncs, is still written, replaced atomically and reloaded like any other.
#include "containers/store/container_store.h"
#include "store_test_support.h"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace berth::containers;
namespace fs = std::filesystem;

namespace {

using berth::containers::test::TempRoot;

// The container runs `sh -c 'exit 3'`: its record goes through an exit.
NewContainer spec(std::string name, std::string host_config_json) {
    NewContainer s = berth::containers::test::busybox_spec(std::move(name), std::move(host_config_json));
    s.args = {"-c", "exit 3"};
    return s;
}

bool auto_remove_of(const std::string &host_config_json) {
    Container c;
    c.host_config_json = host_config_json;
    return c.auto_remove();
}

// The regular files in dir: only the record once a save is done.
std::vector<std::string> files_in(const fs::path &dir) {
    std::vector<std::string> out;
    for (const auto &e : fs::directory_iterator(dir))
        if (e.is_regular_file()) out.push_back(e.path().filename().string());
    return out;
}

mode_t mode_of(const fs::path &p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st.st_mode & 07777;
}

} // namespace

TEST(ContainerAutoRemove, OnlyABooleanTrueAutoRemoveCounts) {
    EXPECT_TRUE(auto_remove_of(R"({"AutoRemove":true})"));
    EXPECT_TRUE(auto_remove_of(R"({"NetworkMode":"bridge","AutoRemove":true,"Privileged":false})"));
    EXPECT_FALSE(auto_remove_of(R"({"AutoRemove":false})"));
    EXPECT_FALSE(auto_remove_of(R"({})")) << "absent";
    EXPECT_FALSE(auto_remove_of("")) << "no HostConfig at all";
    EXPECT_FALSE(auto_remove_of(R"({"AutoRemove":null})"));
    EXPECT_FALSE(auto_remove_of(R"({"AutoRemove":"true"})")) << "a string is not the flag";
    EXPECT_FALSE(auto_remove_of(R"({"AutoRemove":1})"));
    EXPECT_FALSE(auto_remove_of(R"({"autoremove":true})")) << "the key is case-sensitive in records";
    EXPECT_FALSE(auto_remove_of(R"({"AutoRemove":tru)")) << "malformed JSON";
    EXPECT_FALSE(auto_remove_of(R"([{"AutoRemove":true}])")) << "not an object";
    EXPECT_FALSE(auto_remove_of("null"));
    EXPECT_FALSE(auto_remove_of(R"({"HostConfig":{"AutoRemove":true}})")) << "only the top level counts";
}

// A record's HostConfig survives the round trip to disk, so a reloaded
// record still says whether it is auto-removed.
TEST(ContainerAutoRemove, TheFlagSurvivesAReload) {
    TempRoot root;
    std::string rm_id, keep_id;
    {
        ContainerStore store(root.path);
        rm_id = store.create(spec("rm", R"({"AutoRemove":true})")).id;
        keep_id = store.create(spec("keep", R"({"AutoRemove":false})")).id;
    }
    ContainerStore again(root.path);
    EXPECT_TRUE(again.load_errors().empty());
    EXPECT_TRUE(again.resolve("rm").auto_remove());
    EXPECT_FALSE(again.resolve("keep").auto_remove());
}

// Every save of a `run --rm` container's life (create, start, exit,
// removal begun) lands on disk and reloads, with nothing left beside the
// record, as for a container without AutoRemove.
TEST(ContainerAutoRemove, AnAutoRemovedRecordIsWrittenAndReloadsLikeAnyOther) {
    for (const char *host_config : {R"({"AutoRemove":true})", R"({"AutoRemove":false})"}) {
        SCOPED_TRACE(host_config);
        TempRoot root;
        std::string id;
        const auto reload = [&] {
            ContainerStore fresh(root.path);
            EXPECT_TRUE(fresh.load_errors().empty());
            return fresh.resolve("run-rm");
        };
        {
            ContainerStore store(root.path);
            Container c = store.create(spec("run-rm", host_config));
            id = c.id;
            const fs::path dir = root.path / "containers" / id;
            const fs::path record = dir / "config.v2.json";
            ASSERT_TRUE(fs::exists(record));
            EXPECT_EQ(mode_of(record), 0600u) << "the record holds the container's environment";
            EXPECT_EQ(reload().state.status(), "created");

            c.set_running(4242);
            store.save(c);
            EXPECT_EQ(files_in(dir), std::vector<std::string>{"config.v2.json"});
            Container running = reload();
            EXPECT_EQ(running.state.status(), "running");
            EXPECT_EQ(running.state.pid, 4242);

            c.set_stopped(3);
            store.save(c);
            Container stopped = reload();
            EXPECT_EQ(stopped.state.status(), "exited");
            EXPECT_EQ(stopped.state.exit_code, 3);
            EXPECT_EQ(stopped.host_config_json, c.host_config_json);

            c.begin_removal(false);
            store.save(c);
            EXPECT_EQ(reload().state.status(), "removing");
            EXPECT_EQ(files_in(dir), std::vector<std::string>{"config.v2.json"});
            EXPECT_EQ(mode_of(record), 0600u);

            store.remove(id);
            EXPECT_FALSE(fs::exists(dir));
        }
        ContainerStore after(root.path);
        EXPECT_FALSE(after.get(id).has_value());
    }
}
