// authz-policy's file handling: a bad file refuses start, an edited file
// takes effect on the next request, a file broken or removed after start
// denies everything (naming the problem) until it is fixed.
#include "plugin_config.hpp"
#include "policy_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <unistd.h>

namespace ap = berth::authz_policy;
namespace fs = std::filesystem;

namespace {

class AuthzPolicyFile : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("authz-policy-file-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
        path_ = (dir_ / "authz.json").string();
    }
    void TearDown() override { fs::remove_all(dir_); }

    // Replace the file by rename, as editors and config managers do.
    void write(const std::string &text) {
        const auto tmp = path_ + ".tmp";
        std::ofstream(tmp) << text;
        fs::rename(tmp, path_);
    }

    fs::path dir_;
    std::string path_;
};

const char *kAliceReads = R"({"rules": [{"users": ["alice"], "allow": [{"method": "GET", "path": "/**"}]}]})";
const char *kAliceWrites = R"({"rules": [{"users": ["alice"], "allow": [{"method": "*", "path": "/**"}]}]})";

} // namespace

TEST_F(AuthzPolicyFile, MissingOrMalformedFileRefusesStart) {
    try {
        ap::PolicyFile p(path_);
        FAIL() << "a missing policy file was accepted";
    } catch (const ap::PolicyError &e) {
        EXPECT_NE(std::string(e.what()).find("policy " + path_ + ": cannot read it: No such file"), std::string::npos) << e.what();
    }
    write(R"({"rules": [{"users": ["alice"]}]})");
    try {
        ap::PolicyFile p(path_);
        FAIL() << "a malformed policy was accepted";
    } catch (const ap::PolicyError &e) {
        EXPECT_EQ("policy " + path_ + ": rules[0]: \"allow\" is required", std::string(e.what()));
    }
}

TEST_F(AuthzPolicyFile, EditsTakeEffectOnTheNextDecision) {
    write(kAliceReads);
    ap::PolicyFile p(path_);
    EXPECT_FALSE(p.decide("alice", "DELETE", "/v1.44/containers/x").allow);
    write(kAliceWrites);
    EXPECT_TRUE(p.decide("alice", "DELETE", "/v1.44/containers/x").allow);
    write(kAliceReads);
    EXPECT_FALSE(p.decide("alice", "DELETE", "/v1.44/containers/x").allow);
}

TEST_F(AuthzPolicyFile, InPlaceRewriteIsNoticedToo) {
    write(kAliceReads);
    ap::PolicyFile p(path_);
    EXPECT_FALSE(p.decide("alice", "POST", "/containers/create").allow);
    std::ofstream(path_, std::ios::trunc) << kAliceWrites; // same inode, new size and times
    EXPECT_TRUE(p.decide("alice", "POST", "/containers/create").allow);
}

TEST_F(AuthzPolicyFile, BrokenOrRemovedFileDeniesUntilFixed) {
    write(kAliceWrites);
    ap::PolicyFile p(path_);
    write("{not json");
    auto d = p.decide("alice", "GET", "/_ping");
    EXPECT_FALSE(d.allow);
    EXPECT_NE(d.message.find("policy " + path_ + ": invalid JSON"), std::string::npos) << d.message;
    EXPECT_NE(d.message.find("every request is denied until it is fixed"), std::string::npos) << d.message;
    fs::remove(path_);
    d = p.decide("alice", "GET", "/_ping");
    EXPECT_FALSE(d.allow);
    EXPECT_NE(d.message.find("No such file"), std::string::npos) << d.message;
    write(kAliceWrites);
    EXPECT_TRUE(p.decide("alice", "GET", "/_ping").allow);
}

TEST(AuthzPolicyConfig, PolicyPathIsOptionalAbsoluteAndAlone) {
    EXPECT_EQ("/etc/berth/authz.json", ap::parse_plugin_config(R"({"policy": "/etc/berth/authz.json"})").policy_path);
    // None configured: the plugin loads and denies everything (kNoPolicyMessage).
    EXPECT_EQ("", ap::parse_plugin_config("{}").policy_path);
    EXPECT_EQ("", ap::parse_plugin_config(nullptr).policy_path);
    auto message = [](const char *cfg) {
        try {
            ap::parse_plugin_config(cfg);
        } catch (const std::invalid_argument &e) {
            return std::string(e.what());
        }
        return std::string("(accepted)");
    };
    EXPECT_NE(message(R"({"policy": "authz.json"})").find("must be an absolute path"), std::string::npos);
    EXPECT_NE(message(R"({"policy": "/p", "reload": true})").find("unknown key \"reload\""), std::string::npos);
    EXPECT_NE(message("[").find("invalid JSON"), std::string::npos);
}
