// check_userns_conflicts: what a container in the remap user namespace
// cannot have, refused with dockerd's messages; UsernsMode "host" opts out.
#include "config/id_map.h"
#include "containers/service/create_config.h"
#include "images/errors.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

using berth::config::IdMap;
using berth::containers::check_userns_conflicts;
using json = nlohmann::json;

namespace {

const IdMap kMap{100000, 100000, 65536};
const char *kPrivileged = "privileged mode is incompatible with user namespaces.  You must run the container in "
                          "the host namespace when running privileged mode";
const char *kHostNet = "cannot share the host's network namespace when user namespaces are enabled";
const char *kHostPid = "cannot share the host PID namespace when user namespaces are enabled";

// The InvalidArgument's text, or "" when nothing was thrown.
std::string refusal(const std::string &host_config, const IdMap &map = kMap) {
    try {
        check_userns_conflicts(json::parse(host_config), map);
    } catch (const berth::images::InvalidArgument &e) {
        return e.what();
    }
    return "";
}

TEST(UsernsConflicts, PrivilegedHostNetworkAndHostPidAreRefusedUnderAMap) {
    EXPECT_EQ(refusal(R"({"Privileged":true})"), kPrivileged);
    EXPECT_EQ(refusal(R"({"NetworkMode":"host"})"), kHostNet);
    EXPECT_EQ(refusal(R"({"PidMode":"host"})"), kHostPid);
    EXPECT_EQ(refusal(R"({"UsernsMode":"","Privileged":true,"NetworkMode":"host","PidMode":"host"})"), kPrivileged);
}

TEST(UsernsConflicts, OrdinaryContainersPass) {
    EXPECT_EQ(refusal("{}"), "");
    EXPECT_EQ(refusal(R"({"Privileged":false,"NetworkMode":"default","PidMode":""})"), "");
    EXPECT_EQ(refusal(R"({"NetworkMode":"none","IpcMode":"host","UTSMode":"host"})"), "");
    EXPECT_EQ(refusal(R"({"NetworkMode":"bridge","PidMode":"container:abc"})"), "");
}

TEST(UsernsConflicts, UsernsModeHostAllowsThem) {
    EXPECT_EQ(refusal(R"({"UsernsMode":"host","Privileged":true})"), "");
    EXPECT_EQ(refusal(R"({"UsernsMode":"host","NetworkMode":"host"})"), "");
    EXPECT_EQ(refusal(R"({"UsernsMode":"host","PidMode":"host"})"), "");
    EXPECT_EQ(refusal(R"({"UsernsMode":"host","Privileged":true,"NetworkMode":"host","PidMode":"host"})"), "");
}

TEST(UsernsConflicts, WithoutAMapNothingIsRefused) {
    const IdMap off;
    EXPECT_EQ(refusal(R"({"Privileged":true,"NetworkMode":"host","PidMode":"host"})", off), "");
    EXPECT_EQ(refusal(R"({"UsernsMode":"host","Privileged":true})", off), "");
}

TEST(UsernsConflicts, AnUnknownUsernsModeIsInvalid) {
    EXPECT_EQ(refusal(R"({"UsernsMode":"x"})"), "invalid UsernsMode: x");
    EXPECT_EQ(refusal(R"({"UsernsMode":"x"})", IdMap{}), "invalid UsernsMode: x");
    EXPECT_EQ(refusal(R"({"UsernsMode":"private","Privileged":true})"), "invalid UsernsMode: private");
}

} // namespace
