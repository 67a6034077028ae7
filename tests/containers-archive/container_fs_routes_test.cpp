// The HTTP side of cp, export, diff and commit, through the router with a
// provider over a plain directory and an image service over the in-memory
// fake layer driver.
#include "api/container_fs_routes.h"
#include "containers/archive/path_stat.h"
#include "images/image_service.h"
#include "registry/base64.h"
#include "rootfs_fixture.h"
#include "tar_fixture.h"

#include "../images/fake_layer_driver.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

namespace berth::containers::archive {
namespace {

namespace fs = std::filesystem;
using api::Request;
using api::Response;
using nlohmann::json;

class CollectingStream : public api::ResponseStream {
public:
    bool write(std::string_view data) override {
        out.append(data);
        return true;
    }
    size_t read_some(char *, size_t) override { return 0; }
    std::string out;
};

class ContainerFsRoutesTest : public ::testing::Test {
protected:
    test::RootfsFixture fx;
    images::test::TempDir data;
    std::shared_ptr<images::test::FakeLayerDriver> driver = std::make_shared<images::test::FakeLayerDriver>();
    images::ImageService images{data.path(), driver};
    api::Router router;
    ContainerFs ctr;
    std::string diff_tar = test::TarBuilder().file("added.txt", "new").bytes();
    std::vector<std::string> calls; // pause/resume, in order
    int provided = 0;
    std::shared_ptr<std::string> unread_body; // what the last streamed request left unread

    ContainerFsRoutesTest() {
        ctr.id = std::string(64, 'c');
        ctr.name = "/web";
        ctr.rootfs = fx.rootfs().string();
        ctr.config_json = R"({"Cmd":["sh","-c","echo hi"],"Env":["PATH=/bin","A=1"],"User":"app","WorkingDir":"/w"})";
        ctr.changes_json = [] {
            return R"([{"Path":"/tmp","Kind":0},{"Path":"/etc/x","Kind":1},{"Path":"/tmp/y","Kind":2}])";
        };
        ctr.write_diff_tar = [this](int fd) {
            if (::write(fd, diff_tar.data(), diff_tar.size()) != ssize_t(diff_tar.size()))
                throw std::runtime_error("short write");
        };
        ctr.pause = [this] { calls.push_back("pause"); };
        ctr.resume = [this] { calls.push_back("resume"); };
        api::add_container_fs_routes(router, images, [this](const std::string &ref) {
            if (ref != "web" && ref != ctr.id) throw api::ApiError(404, "No such container: " + ref);
            ++provided;
            return std::make_shared<ContainerFs>(ctr);
        });
    }

    Response call(const std::string &method, const std::string &target, const std::string &body = {},
                  bool stream_body = false) {
        Request req;
        req.method = method;
        req.target = target;
        if (stream_body) {
            auto left = std::make_shared<std::string>(body);
            unread_body = left;
            req.body_reader = [left](char *buf, size_t len) {
                const size_t n = std::min(len, left->size());
                std::memcpy(buf, left->data(), n);
                left->erase(0, n);
                return n;
            };
        } else {
            req.body = body;
        }
        return router.dispatch(req);
    }

    static std::string header(const Response &r, const std::string &name) {
        for (const auto &[k, v] : r.headers)
            if (k == name) return v;
        return {};
    }
    static json stat_of(const Response &r) {
        return json::parse(registry::detail::base64_decode(header(r, kPathStatHeader)).value_or("null"));
    }
    static std::string body_of(Response &r) {
        CollectingStream s;
        if (r.stream) r.stream(s);
        return r.stream ? s.out : r.body;
    }
    static std::string message(const Response &r) { return json::parse(r.body).value("message", ""); }

    std::string base_image() {
        images::ImportOptions o;
        o.cmd = {"sh"};
        o.env = {"PATH=/usr/bin"};
        auto fd = images::test::fd_with(test::TarBuilder().file("base.txt", "base").bytes());
        return images.import_rootfs(fd.get(), o);
    }
};

TEST_F(ContainerFsRoutesTest, HeadReportsTheStatOfASymlinkWithItsResolvedTarget) {
    auto r = call("HEAD", "/v1.44/containers/web/archive?path=/abslink");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto s = stat_of(r);
    EXPECT_EQ(s["name"], "abslink");
    EXPECT_EQ(s["mode"], (1u << 27) | 0777);
    EXPECT_EQ(s["linkTarget"], "/dir");
    EXPECT_EQ(s["size"], 4);
}

TEST_F(ContainerFsRoutesTest, HeadOfADirectory) {
    auto r = call("HEAD", "/containers/web/archive?path=/dir/");
    ASSERT_EQ(r.status, 200);
    const auto s = stat_of(r);
    EXPECT_EQ(s["name"], "dir");
    EXPECT_EQ(s["mode"].get<uint32_t>() & (1u << 31), 1u << 31);
    EXPECT_EQ(s["linkTarget"], "");
}

TEST_F(ContainerFsRoutesTest, MissingPathsAre404WithMobysText) {
    for (const char *m : {"HEAD", "GET"}) {
        auto r = call(m, "/containers/web/archive?path=/nope/x");
        EXPECT_EQ(r.status, 404) << m;
        EXPECT_EQ(message(r), "Could not find the file /nope/x in container web") << m;
    }
    // Through a symlink that points out of the rootfs: not found either.
    EXPECT_EQ(call("GET", "/containers/web/archive?path=/up/secret").status, 404);
    EXPECT_EQ(call("GET", "/containers/web/archive").status, 400);
    EXPECT_EQ(call("GET", "/containers/nobody/archive?path=/").status, 404);
}

TEST_F(ContainerFsRoutesTest, GetSendsTheRebasedTarAndTheStat) {
    auto r = call("GET", "/containers/web/archive?path=/link/");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.content_type, "application/x-tar");
    EXPECT_EQ(stat_of(r)["name"], "link");
    EXPECT_EQ(test::names(test::read_tar(body_of(r))),
              (std::vector<std::string>{"link/", "link/a", "link/sub/", "link/sub/b"}));
}

TEST_F(ContainerFsRoutesTest, PutExtractsIntoTheDirectory) {
    auto r = call("PUT", "/containers/web/archive?path=/dir&noOverwriteDirNonDir=true",
                  test::TarBuilder().file("copied", "data").bytes(), true);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(fx.read(fx.rootfs() / "dir/copied"), "data");
}

TEST_F(ContainerFsRoutesTest, PutThroughEvilSymlinksStaysInside) {
    auto r = call("PUT", "/containers/web/archive?path=/evil", test::TarBuilder().file("top", "t").bytes(), true);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(fx.read(fx.rootfs() / "top"), "t");
    r = call("PUT", "/containers/web/archive?path=/up", test::TarBuilder().file("secret", "x").bytes(), true);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(fx.read(fx.host() / "secret"), "host secret");
    r = call("PUT", "/containers/web/archive?path=/dir", test::TarBuilder().file("../../host/secret", "x").bytes(),
             true);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(fx.read(fx.host() / "secret"), "host secret");
}

TEST_F(ContainerFsRoutesTest, PutErrors) {
    const auto tar = test::TarBuilder().file("f", "f").bytes();
    auto r = call("PUT", "/containers/web/archive?path=/dir/a", tar, true);
    EXPECT_EQ(r.status, 400);
    EXPECT_EQ(message(r), "extraction point is not a directory");
    r = call("PUT", "/containers/web/archive?path=/missing", tar, true);
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(message(r), "Could not find the file /missing in container web");
    r = call("PUT", "/containers/web/archive?path=/&noOverwriteDirNonDir=1",
             test::TarBuilder().file("etc", "x").bytes(), true);
    EXPECT_EQ(r.status, 400);
    EXPECT_TRUE(fs::is_directory(fx.rootfs() / "etc"));
    ctr.readonly_rootfs = true;
    r = call("PUT", "/containers/web/archive?path=/dir", tar, true);
    EXPECT_EQ(r.status, 403);
    EXPECT_EQ(message(r), "container rootfs is marked read-only");
    // The refused tar was read anyway, so the client, still sending it,
    // gets to read the refusal.
    EXPECT_TRUE(unread_body->empty());
}

TEST_F(ContainerFsRoutesTest, CopyUidGidOwnsFilesByTheContainersUser) {
    if (::geteuid() != 0) GTEST_SKIP() << "chown to another user needs root";
    ctr.config_json = R"({"User":"app:staff"})";
    auto r =
        call("PUT", "/containers/web/archive?path=/dir&copyUIDGID=1", test::TarBuilder().file("o", "o").bytes(), true);
    ASSERT_EQ(r.status, 200) << r.body;
    struct stat st {};
    ASSERT_EQ(::stat((fx.rootfs() / "dir/o").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 1000u);
    EXPECT_EQ(st.st_gid, 50u);
}

TEST_F(ContainerFsRoutesTest, ExportIsTheWholeRootfs) {
    auto r = call("GET", "/containers/web/export");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.content_type, "application/x-tar");
    const auto entries = test::read_tar(body_of(r));
    const auto n = test::names(entries);
    EXPECT_NE(std::find(n.begin(), n.end(), "etc/passwd"), n.end());
    EXPECT_NE(std::find(n.begin(), n.end(), "dir/sub/b"), n.end());
    EXPECT_EQ(std::find(n.begin(), n.end(), "./"), n.end());
    for (const auto &e : entries) EXPECT_EQ(e.content.find("host secret"), std::string::npos);
}

// The rootfs holds empty mount points at /etc/hosts and /etc/hostname (an
// image's shared init layer); cp reads the container's own files instead,
// as they are bound over those paths when it runs.
class EtcFilesTest : public ContainerFsRoutesTest {
protected:
    EtcFilesTest() {
        images::test::write_all(fx.rootfs() / "etc/hosts", "");
        images::test::write_all(fx.rootfs() / "etc/hostname", "");
        fs::create_directories(fx.host() / "ctr");
        images::test::write_all(fx.host() / "ctr/hosts", "127.0.0.1\tlocalhost\n172.17.0.2\tweb\n");
        images::test::write_all(fx.host() / "ctr/hostname", "0123456789ab\n");
        ctr.etc_files = {{"/etc/hosts", (fx.host() / "ctr/hosts").string()},
                         {"/etc/hostname", (fx.host() / "ctr/hostname").string()},
                         {"/etc/resolv.conf", (fx.host() / "ctr/resolv.conf").string()}}; // not in this rootfs
    }
    static const test::TarEntry *entry(const std::vector<test::TarEntry> &entries, const std::string &name) {
        for (const auto &e : entries)
            if (e.name == name) return &e;
        return nullptr;
    }
};

TEST_F(EtcFilesTest, GetAndHeadOfAnEtcFileGiveTheContainersOwnFile) {
    auto r = call("GET", "/containers/web/archive?path=/etc/hostname");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(stat_of(r)["size"], 13) << "the stat is the container's file's";
    const auto entries = test::read_tar(body_of(r));
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].name, "hostname");
    EXPECT_EQ(entries[0].content, "0123456789ab\n");

    auto h = call("HEAD", "/containers/web/archive?path=/etc/hosts");
    ASSERT_EQ(h.status, 200);
    EXPECT_EQ(stat_of(h)["size"], 35);
}

TEST_F(EtcFilesTest, ATarOfTheirDirectoryHoldsTheContainersOwnFiles) {
    auto r = call("GET", "/containers/web/archive?path=/etc");
    ASSERT_EQ(r.status, 200) << r.body;
    const auto entries = test::read_tar(body_of(r));
    const auto *hosts = entry(entries, "etc/hosts");
    ASSERT_NE(hosts, nullptr) << "etc/hosts missing from the tar";
    EXPECT_EQ(hosts->content, "127.0.0.1\tlocalhost\n172.17.0.2\tweb\n");
    const auto *passwd = entry(entries, "etc/passwd");
    ASSERT_NE(passwd, nullptr);
    EXPECT_NE(passwd->content.find("root:x:0:0"), std::string::npos) << "other files stay the rootfs's";
}

TEST_F(EtcFilesTest, OnlyTheFileAtThatPathIsReplacedNotALinkToIt) {
    // A symlink to /etc/hosts elsewhere in the rootfs is archived as the link
    // it is; a regular file elsewhere with other content stays itself.
    fs::create_symlink("/etc/hosts", fx.rootfs() / "hosts-link");
    images::test::write_all(fx.rootfs() / "dir/hosts", "mine\n");
    auto l = call("GET", "/containers/web/archive?path=/hosts-link");
    const auto link = test::read_tar(body_of(l));
    ASSERT_EQ(link.size(), 1u);
    EXPECT_EQ(link[0].type, 'l');
    auto r = call("GET", "/containers/web/archive?path=/dir/hosts");
    EXPECT_EQ(test::read_tar(body_of(r))[0].content, "mine\n");
}

TEST_F(EtcFilesTest, ExportKeepsTheLayersEmptyMountPointsAsDockerDoes) {
    auto r = call("GET", "/containers/web/export");
    ASSERT_EQ(r.status, 200);
    const auto entries = test::read_tar(body_of(r));
    const auto *hosts = entry(entries, "etc/hosts");
    ASSERT_NE(hosts, nullptr);
    EXPECT_EQ(hosts->content, "");
}

TEST_F(ContainerFsRoutesTest, ChangesAreSortedAndNullWhenNone) {
    auto r = call("GET", "/containers/web/changes");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"([{"Kind":1,"Path":"/etc/x"},{"Kind":0,"Path":"/tmp"},{"Kind":2,"Path":"/tmp/y"}])");
    ctr.changes_json = [] { return std::string("[]"); };
    EXPECT_EQ(call("GET", "/containers/web/changes").body, "null");
}

TEST_F(ContainerFsRoutesTest, CommitMakesAChildImageWithTheDiffAsItsTopLayer) {
    const auto base = base_image();
    ctr.image_id = base;
    ctr.running = true;
    auto r = call("POST", "/v1.44/commit?container=web&repo=example/snap&tag=v1&comment=snapshot&author=Ann"
                          "&changes=ENV%20B%3D2&changes=EXPOSE%2080");
    ASSERT_EQ(r.status, 201) << r.body;
    const auto id = json::parse(r.body)["Id"].get<std::string>();
    EXPECT_EQ(images.resolve("example/snap:v1").id, id);
    EXPECT_EQ(calls, (std::vector<std::string>{"pause", "resume"})); // pause is the default

    const auto img = images.images().get(id);
    const auto parent = images.images().get(base);
    EXPECT_EQ(img.parent, base);
    ASSERT_EQ(img.config.diff_ids.size(), 2u);
    EXPECT_EQ(img.config.diff_ids[0], parent.config.diff_ids[0]);
    ASSERT_EQ(img.config.history.size(), 2u);
    EXPECT_EQ(img.config.history[1].created_by, "sh -c echo hi");
    EXPECT_EQ(img.config.history[1].comment, "snapshot");
    EXPECT_EQ(img.config.history[1].author, "Ann");
    EXPECT_FALSE(img.config.history[1].empty_layer);
    EXPECT_EQ(img.config.author, "Ann");

    const auto cfg = json::parse(img.config.config_json);
    EXPECT_EQ(cfg["Env"], json({"PATH=/bin", "A=1", "B=2"}));
    EXPECT_TRUE(cfg["ExposedPorts"].contains("80/tcp"));
    EXPECT_EQ(cfg["User"], "app");
    EXPECT_EQ(cfg["Cmd"], json({"sh", "-c", "echo hi"}));
    const auto raw = json::parse(images.images().config_bytes(id));
    EXPECT_EQ(raw["container"], ctr.id);
    EXPECT_EQ(raw["container_config"]["WorkingDir"], "/w");

    // The new top layer is the container's diff, with the added file.
    const auto top = images.layers().get(img.top_chain());
    ASSERT_TRUE(top);
    EXPECT_EQ(top->parent, parent.top_chain());
    const auto layer = test::read_tar(driver->content(top->cache_id));
    ASSERT_EQ(layer.size(), 1u);
    EXPECT_EQ(layer[0].name, "added.txt");
    EXPECT_EQ(layer[0].content, "new");
}

TEST_F(ContainerFsRoutesTest, CommitWithoutChangesAddsNoLayer) {
    ctr.image_id = base_image();
    diff_tar = test::TarBuilder().bytes();
    const size_t layers_before = images.layers().list().size();
    auto r = call("POST", "/commit?container=web&pause=0");
    ASSERT_EQ(r.status, 201) << r.body;
    const auto img = images.images().get(json::parse(r.body)["Id"].get<std::string>());
    EXPECT_EQ(img.config.diff_ids.size(), 1u);
    ASSERT_EQ(img.config.history.size(), 2u);
    EXPECT_TRUE(img.config.history[1].empty_layer);
    EXPECT_EQ(images.layers().list().size(), layers_before);
    EXPECT_TRUE(calls.empty());
}

TEST_F(ContainerFsRoutesTest, ABodyConfigReplacesTheContainersAndIsMerged) {
    ctr.image_id = base_image();
    auto r = call("POST", "/commit?container=web&pause=0", R"({"Cmd":["top"],"Env":["A=9"],"HostConfig":{}})");
    ASSERT_EQ(r.status, 201) << r.body;
    const auto cfg = json::parse(images.images().get(json::parse(r.body)["Id"].get<std::string>()).config.config_json);
    EXPECT_EQ(cfg["Cmd"], json({"top"}));
    EXPECT_EQ(cfg["Env"], json({"A=9", "PATH=/bin"}));
    EXPECT_FALSE(cfg.contains("HostConfig"));
    EXPECT_EQ(call("POST", "/commit?container=web", "[1]").status, 400);
    EXPECT_EQ(call("POST", "/commit?container=web&changes=RUN%20x").status, 400);
}

TEST_F(ContainerFsRoutesTest, AFailedDiffLeavesNoImageAndResumes) {
    ctr.image_id = base_image();
    ctr.running = true;
    ctr.write_diff_tar = [](int) { throw std::runtime_error("driver diff failed"); };
    const auto images_before = images.images().list().size();
    const auto layers_before = images.layers().list().size();
    auto r = call("POST", "/commit?container=web&repo=never");
    EXPECT_EQ(r.status, 500);
    EXPECT_EQ(message(r), "driver diff failed");
    EXPECT_EQ(images.images().list().size(), images_before);
    EXPECT_EQ(images.layers().list().size(), layers_before);
    EXPECT_EQ(calls, (std::vector<std::string>{"pause", "resume"}));
}

TEST_F(ContainerFsRoutesTest, CommitErrors) {
    EXPECT_EQ(call("POST", "/commit?container=nobody").status, 404);
    EXPECT_EQ(call("POST", "/commit?container=web&repo=UPPER").status, 400);
}

} // namespace
} // namespace berth::containers::archive
