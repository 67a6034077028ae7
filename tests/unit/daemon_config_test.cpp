// daemon.json handling: unknown and mistyped keys refuse start and name the
// key; flags and file may not both set one directive.
#include "config/daemon_config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

using namespace berth::config;

namespace {

std::string error_of(const std::string &json) {
    DaemonConfig cfg;
    try {
        apply_json(cfg, json, "daemon.json");
    } catch (const ConfigError &e) {
        return e.what();
    }
    return {};
}

TEST(DaemonConfig, UnknownKeyIsNamed) {
    const auto e = error_of(R"({"log-levle": "debug"})");
    EXPECT_NE(e.find("the following directives don't match any configuration option: log-levle"),
              std::string::npos)
        << e;
}

TEST(DaemonConfig, SeveralUnknownKeysAreAllNamed) {
    const auto e = error_of(R"({"a": 1, "debug": true, "b": 2})");
    EXPECT_NE(e.find("a, b"), std::string::npos) << e;
}

TEST(DaemonConfig, WrongTypeNamesKeyAndTypes) {
    const auto e = error_of(R"({"debug": "yes"})");
    EXPECT_NE(e.find("\"debug\""), std::string::npos) << e;
    EXPECT_NE(e.find("expected a boolean, got a string"), std::string::npos) << e;
}

TEST(DaemonConfig, NestedWrongTypeNamesThePath) {
    const auto e = error_of(R"({"log-opts": {"max-size": 10}})");
    EXPECT_NE(e.find("log-opts.max-size"), std::string::npos) << e;
}

TEST(DaemonConfig, InvalidJsonIsRefused) {
    EXPECT_NE(error_of("{").find("invalid JSON"), std::string::npos);
    EXPECT_NE(error_of("[]").find("top level must be a JSON object"), std::string::npos);
}

TEST(DaemonConfig, BadLogLevelValueIsRefused) {
    EXPECT_NE(error_of(R"({"log-level": "loud"})").find("log-level"), std::string::npos);
}

TEST(DaemonConfig, ValidKeysAreApplied) {
    DaemonConfig cfg;
    apply_json(cfg,
               R"({"debug": true, "plugin-dirs": ["/opt/p"], "plugin-config": {"net-bridge": {"mtu": 9000}},
                   "storage-driver": "btrfs", "insecure-registries": ["127.0.0.1:5000"], "mtu": 1400,
                   "default-address-pools": [{"base": "10.10.0.0/16", "size": 24}]})",
               "daemon.json");
    EXPECT_TRUE(cfg.debug);
    ASSERT_EQ(cfg.plugin_dirs.size(), 1u);
    EXPECT_EQ(cfg.plugin_dirs[0], "/opt/p");
    EXPECT_EQ(cfg.plugin_config.at("net-bridge"), R"({"mtu":9000})");
    EXPECT_EQ(cfg.storage_driver, "btrfs");
    EXPECT_EQ(cfg.mtu, 1400);
}

TEST(DaemonConfig, RelativePluginDirIsRefused) {
    EXPECT_NE(error_of(R"({"plugin-dirs": ["relative"]})").find("absolute"), std::string::npos);
}

class DaemonConfigFile : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/berth-unit-cfg-XXXXXX";
        dir = mkdtemp(tmpl);
        file = dir / "daemon.json";
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
    void write(const std::string &text) { std::ofstream(file) << text; }
    std::filesystem::path dir, file;
};

TEST_F(DaemonConfigFile, FlagAndFileForTheSameDirectiveConflict) {
    write(R"({"data-root": "/a"})");
    FlagSettings flags;
    flags.config_file = file.string();
    flags.data_root = "/b";
    try {
        load(flags);
        FAIL() << "expected a conflict";
    } catch (const ConfigError &e) {
        EXPECT_NE(std::string(e.what()).find("specified both as a flag and in the configuration file: data-root"),
                  std::string::npos)
            << e.what();
    }
}

TEST_F(DaemonConfigFile, MissingExplicitFileIsAnError) {
    FlagSettings flags;
    flags.config_file = (dir / "absent.json").string();
    EXPECT_THROW(load(flags), ConfigError);
}

TEST_F(DaemonConfigFile, DefaultsDeriveFromExecRoot) {
    write("{}");
    FlagSettings flags;
    flags.config_file = file.string();
    flags.exec_root = "/run/xyz";
    const auto cfg = load(flags);
    ASSERT_EQ(cfg.hosts.size(), 1u);
    EXPECT_EQ(cfg.hosts[0], "unix:///run/xyz/berth.sock");
    EXPECT_EQ(cfg.pidfile, "/run/xyz/berthd.pid");
}

TEST_F(DaemonConfigFile, DebugImpliesDebugLogLevel) {
    write(R"({"debug": true})");
    FlagSettings flags;
    flags.config_file = file.string();
    EXPECT_EQ(load(flags).log_level, "debug");
}

} // namespace
