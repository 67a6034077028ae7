// moby's commit config rules: body or container config, --change lines,
// then merge() with the container's config.
#include "containers/archive/commit_config.h"
#include "images/errors.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace berth::containers::archive {
namespace {

using nlohmann::json;

json commit(const std::string &ctr, const std::string &body, const std::vector<std::string> &changes = {}) {
    return json::parse(commit_image_config(ctr, body, changes));
}

const std::string kContainer = R"({"User":"app","Env":["PATH=/bin","A=1"],"Cmd":["sh"],"Entrypoint":["/init"],)"
                               R"("ExposedPorts":{"22/tcp":{}},"Labels":{"l":"c","k":"c"},"WorkingDir":"/w",)"
                               R"("Volumes":{"/data":{}},"StopSignal":"SIGINT",)"
                               R"("Healthcheck":{"Test":["CMD","true"],"Interval":5,"Retries":3}})";

TEST(CommitConfig, WithoutABodyTheContainersConfigIsKept) {
    EXPECT_EQ(commit(kContainer, ""), json::parse(kContainer));
    EXPECT_EQ(commit(kContainer, "null"), json::parse(kContainer));
}

TEST(CommitConfig, ChangesApplyOnTopOfTheContainersConfig) {
    const auto c = commit(kContainer, "", {"CMD [\"top\"]", "LABEL k=v", "WORKDIR /x"});
    EXPECT_EQ(c["Cmd"], json({"top"}));
    EXPECT_EQ(c["Labels"], json({{"l", "c"}, {"k", "v"}}));
    EXPECT_EQ(c["WorkingDir"], "/x");
    EXPECT_EQ(c["Entrypoint"], json({"/init"}));
}

TEST(CommitConfig, ABodyIsMergedWithTheContainersConfig) {
    const auto c = commit(kContainer, R"({"Env":["A=2","B=3"],"ExposedPorts":{"80/tcp":{}},)"
                                      R"("Healthcheck":{"Interval":9},"Volumes":{"/v":{}}})");
    EXPECT_EQ(c["User"], "app");
    EXPECT_EQ(c["Env"], json({"A=2", "B=3", "PATH=/bin"}));
    EXPECT_EQ(c["ExposedPorts"], json({{"80/tcp", json::object()}, {"22/tcp", json::object()}}));
    EXPECT_EQ(c["Labels"], json({{"l", "c"}, {"k", "c"}}));
    EXPECT_EQ(c["Cmd"], json({"sh"}));
    EXPECT_EQ(c["Entrypoint"], json({"/init"}));
    EXPECT_EQ(c["Healthcheck"], json({{"Test", {"CMD", "true"}}, {"Interval", 9}, {"Retries", 3}}));
    EXPECT_EQ(c["WorkingDir"], "/w");
    EXPECT_EQ(c["Volumes"], json({{"/v", json::object()}, {"/data", json::object()}}));
    EXPECT_EQ(c["StopSignal"], "SIGINT");
}

TEST(CommitConfig, AnEntrypointInTheBodyKeepsItsOwnCmd) {
    const auto c = commit(kContainer, R"({"Entrypoint":["/other"]})");
    EXPECT_EQ(c["Entrypoint"], json({"/other"}));
    EXPECT_FALSE(c.contains("Cmd"));
    // An explicit empty Entrypoint clears it but still takes the Cmd.
    const auto d = commit(kContainer, R"({"Entrypoint":[]})");
    EXPECT_EQ(d["Entrypoint"], json::array());
    EXPECT_EQ(d["Cmd"], json({"sh"}));
}

TEST(CommitConfig, BadInput) {
    EXPECT_THROW(commit(kContainer, "", {"RUN make"}), images::InvalidArgument);
    EXPECT_THROW(commit(kContainer, "[]"), json::exception);
    EXPECT_THROW(commit(kContainer, "{"), json::exception);
}

} // namespace
} // namespace berth::containers::archive
