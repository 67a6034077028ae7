// POST /containers/create's body checked and merged over the image's config
// as dockerd's mergeAndVerifyConfig and verifyContainerSettings do. The
// images are real ImageService records (layerless, so no storage driver is
// ever asked for anything) in a scratch data root.
#include "containers/service/create_config.h"
#include "containers/store/errors.h"
#include "images/image_config.h"
#include "images/image_service.h"
#include "images/layer_driver.h"

#include "error_text.h"
#include "scratch_dir.h"

#include <gtest/gtest.h>

#include <stdexcept>

using namespace berth::containers;
using berth::test::error_text;
using berth::test::ScratchDir;
using json = nlohmann::json;
namespace images = berth::images;

namespace {

// Layerless images never reach the driver; any call is a test failure.
class NoLayersDriver : public images::LayerDriver {
public:
    std::string name() const override { return "nolayers"; }
    void create(const std::string &, const std::string &, bool, const images::LayerCreateOptions &) override {
        fail("create");
    }
    void remove(const std::string &) override { fail("remove"); }
    bool exists(const std::string &) override { return false; }
    int64_t apply_diff(const std::string &, const std::string &, int) override { fail("apply_diff"); }
    void diff(const std::string &, const std::string &, int) override { fail("diff"); }
    std::string get(const std::string &, const std::string &) override { fail("get"); }
    void put(const std::string &) override { fail("put"); }

private:
    [[noreturn]] static void fail(const char *what) {
        throw std::logic_error(std::string("unexpected layer driver call: ") + what);
    }
};

class CreateConfigTest : public testing::Test {
protected:
    CreateConfigTest() : service(dir.path(), std::make_shared<NoLayersDriver>()) {
        cfg.default_log_driver = "json-file";
        cfg.default_log_opts = {{"max-size", "10m"}};
        add_image("svctest/base:1", {{"Env", {"PATH=/usr/bin", "LANG=C"}},
                                     {"Cmd", {"sh"}},
                                     {"WorkingDir", "/app"},
                                     {"User", "nobody"},
                                     {"Labels", {{"a", "1"}, {"b", "2"}}},
                                     {"Volumes", {{"/data", json::object()}}},
                                     {"StopSignal", "SIGQUIT"},
                                     {"Healthcheck", {{"Test", {"CMD", "true"}}, {"Interval", 30000000000LL}, {"Retries", 3}}}});
        add_image("svctest/entry:1", {{"Entrypoint", {"/entry.sh"}}, {"Cmd", {"serve", "--port=80"}}});
        add_image("svctest/nocmd:1", json::object());
    }

    void add_image(const std::string &name, const json &container_config) {
        images::ImageConfig c;
        c.os = "linux";
        c.architecture = "amd64";
        c.comment = name; // distinct configs, distinct IDs
        c.config_json = container_config.dump();
        const auto id = service.images().create_from_config(images::serialize_image_config(c)).id;
        service.tag(id, name);
    }

    CreateRequest create(const json &body) { return parse_create_request(body.dump(), "", service, cfg); }

    std::string create_error(const std::string &body) {
        return error_text<InvalidArgument>([&] { parse_create_request(body, "", service, cfg); });
    }
    std::string create_error(const json &body) { return create_error(body.dump()); }

    ScratchDir dir;
    images::ImageService service;
    ContainerServiceConfig cfg;
};

} // namespace

TEST_F(CreateConfigTest, ImageConfigFillsAnEmptyRequest) {
    const auto r = create({{"Image", "svctest/base:1"}});
    EXPECT_EQ(r.image_name, "svctest/base:1");
    EXPECT_EQ(r.image.id, service.resolve("svctest/base:1").id);
    EXPECT_EQ(r.config["Image"], "svctest/base:1");
    EXPECT_EQ(r.config["Env"], json({"PATH=/usr/bin", "LANG=C"}));
    EXPECT_EQ(r.config["Cmd"], json({"sh"}));
    EXPECT_EQ(r.config["WorkingDir"], "/app");
    EXPECT_EQ(r.config["User"], "nobody");
    EXPECT_EQ(r.config["StopSignal"], "SIGQUIT");
    EXPECT_EQ(r.config["Labels"], json({{"a", "1"}, {"b", "2"}}));
    EXPECT_EQ(r.config["Healthcheck"]["Test"], json({"CMD", "true"}));
    EXPECT_EQ(r.path, "sh");
    EXPECT_TRUE(r.args.empty());
    EXPECT_TRUE(r.top_layer_cache_id.empty());
}

TEST_F(CreateConfigTest, HostConfigDefaults) {
    const auto r = create({{"Image", "svctest/base:1"}});
    EXPECT_EQ(r.host_config["NetworkMode"], "default");
    EXPECT_EQ(r.host_config["RestartPolicy"], json({{"Name", "no"}, {"MaximumRetryCount", 0}}));
    EXPECT_EQ(r.host_config["LogConfig"], json({{"Type", "json-file"}, {"Config", {{"max-size", "10m"}}}}));
    EXPECT_EQ(r.host_config["Runtime"], "runc");
    EXPECT_EQ(r.log_driver, "json-file");
    EXPECT_EQ(json::parse(r.log_opts_json), json({{"max-size", "10m"}}));
    // The image's VOLUME gets an anonymous volume.
    ASSERT_EQ(r.mounts.points.size(), 1u);
    EXPECT_EQ(r.mounts.points[0].destination, "/data");
    EXPECT_EQ(r.mounts.points[0].type, "volume");
    EXPECT_TRUE(r.mounts.points[0].name.empty());
}

TEST_F(CreateConfigTest, ExplicitLogDriverDoesNotTakeTheDaemonsOptions) {
    const auto r = create({{"Image", "svctest/base:1"}, {"HostConfig", {{"LogConfig", {{"Type", "none"}}}}}});
    EXPECT_EQ(r.log_driver, "none");
    EXPECT_EQ(json::parse(r.log_opts_json), json::object());
}

TEST_F(CreateConfigTest, EnvMergesByKey) {
    const auto r = create({{"Image", "svctest/base:1"}, {"Env", {"LANG=en_US.UTF-8", "NEW=1"}}});
    EXPECT_EQ(r.config["Env"], json({"PATH=/usr/bin", "LANG=en_US.UTF-8", "NEW=1"}));
}

TEST_F(CreateConfigTest, LabelsAndVolumesMerge) {
    const auto r = create({{"Image", "svctest/base:1"},
                           {"Labels", {{"b", "x"}, {"c", "3"}}},
                           {"Volumes", {{"/more", json::object()}}}});
    EXPECT_EQ(r.config["Labels"], json({{"a", "1"}, {"b", "x"}, {"c", "3"}}));
    EXPECT_EQ(r.config["Volumes"], json({{"/data", json::object()}, {"/more", json::object()}}));
    EXPECT_EQ(r.mounts.points.size(), 2u);
}

TEST_F(CreateConfigTest, RequestFieldsWinOverTheImages) {
    const auto r = create({{"Image", "svctest/base:1"},
                           {"Cmd", {"echo", "hi"}},
                           {"WorkingDir", "/w"},
                           {"User", "0:0"},
                           {"StopSignal", "SIGUSR1"}});
    EXPECT_EQ(r.path, "echo");
    EXPECT_EQ(r.args, std::vector<std::string>{"hi"});
    EXPECT_EQ(r.config["WorkingDir"], "/w");
    EXPECT_EQ(r.config["User"], "0:0");
    EXPECT_EQ(r.config["StopSignal"], "SIGUSR1");
}

TEST_F(CreateConfigTest, EntrypointAndCmd) {
    auto r = create({{"Image", "svctest/entry:1"}});
    EXPECT_EQ(r.path, "/entry.sh");
    EXPECT_EQ(r.args, (std::vector<std::string>{"serve", "--port=80"}));
    r = create({{"Image", "svctest/entry:1"}, {"Cmd", {"debug"}}});
    EXPECT_EQ(r.path, "/entry.sh");
    EXPECT_EQ(r.args, std::vector<std::string>{"debug"});
    // A new entrypoint drops the image's Cmd (moby's merge).
    r = create({{"Image", "svctest/entry:1"}, {"Entrypoint", {"/other"}}});
    EXPECT_EQ(r.path, "/other");
    EXPECT_TRUE(r.args.empty());
}

// dockerd resets an Entrypoint of [""] (docker run --entrypoint "") to none after the merge, so the
// request's Cmd runs.
TEST_F(CreateConfigTest, EmptyEntrypointIsReset) {
    const auto r = create({{"Image", "svctest/entry:1"}, {"Entrypoint", {""}}, {"Cmd", {"sh", "-c", "true"}}});
    EXPECT_EQ(r.path, "sh");
    EXPECT_EQ(r.args, (std::vector<std::string>{"-c", "true"}));
    EXPECT_EQ(create_error(json{{"Image", "svctest/entry:1"}, {"Entrypoint", {""}}}), "no command specified");
}

TEST_F(CreateConfigTest, HealthcheckInheritsUnsetFields) {
    const auto r = create({{"Image", "svctest/base:1"}, {"Healthcheck", {{"Interval", 5000000000LL}}}});
    EXPECT_EQ(r.config["Healthcheck"]["Test"], json({"CMD", "true"}));
    EXPECT_EQ(r.config["Healthcheck"]["Interval"], 5000000000LL);
    EXPECT_EQ(r.config["Healthcheck"]["Retries"], 3);
}

TEST_F(CreateConfigTest, UserBindCoversTheImageVolume) {
    const auto r = create({{"Image", "svctest/base:1"}, {"HostConfig", {{"Binds", {"named:/data"}}}}});
    ASSERT_EQ(r.mounts.points.size(), 1u);
    EXPECT_EQ(r.mounts.points[0].name, "named");
}

TEST_F(CreateConfigTest, BodyErrors) {
    EXPECT_EQ(create_error(std::string()), "invalid JSON: got EOF while reading request body");
    EXPECT_EQ(create_error(std::string("{")).rfind("invalid JSON: ", 0), 0u);
    EXPECT_EQ(create_error(std::string("[1]")).rfind("invalid JSON: ", 0), 0u);
    EXPECT_NE(create_error(json::object()), "<no error>"); // no image
    EXPECT_EQ(error_text<NotFound>([&] { create({{"Image", "svctest/nope"}}); }),
              "No such image: svctest/nope:latest");
    EXPECT_EQ(create_error(json{{"Image", "svctest/nocmd:1"}}), "no command specified");
}

TEST_F(CreateConfigTest, ConfigErrorsUseDockerWording) {
    EXPECT_EQ(create_error(json{{"Image", "svctest/base:1"}, {"Env", {"=x"}}}), "invalid environment variable: =x");
    EXPECT_EQ(create_error(json{{"Image", "svctest/base:1"},
                                {"HostConfig", {{"AutoRemove", true}, {"RestartPolicy", {{"Name", "always"}}}}}}),
              "can't create 'AutoRemove' container with restart policy");
    EXPECT_EQ(create_error(json{{"Image", "svctest/base:1"}, {"HostConfig", {{"RestartPolicy", {{"Name", "x"}}}}}}),
              "invalid restart policy: unknown policy 'x'; use one of 'no', 'always', 'on-failure', or "
              "'unless-stopped'");
    EXPECT_EQ(create_error(json{{"Image", "svctest/base:1"}, {"HostConfig", {{"Memory", 1024 * 1024}}}}),
              "Minimum memory limit allowed is 6MB");
    EXPECT_EQ(create_error(json{{"Image", "svctest/base:1"}, {"HostConfig", {{"Runtime", "kata"}}}}),
              "unknown or invalid runtime name: kata");
    EXPECT_NE(create_error(json{{"Image", "svctest/base:1"}, {"StopSignal", "SIGNOPE"}}), "<no error>");
    EXPECT_EQ(create_error(json{{"Image", "svctest/base:1"}, {"HostConfig", {{"Binds", {"v:rel"}}}}}),
              "invalid volume specification: 'v:rel': invalid mount config for type \"volume\": invalid mount "
              "path: 'rel' mount path must be absolute");
}
