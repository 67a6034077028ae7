// The ordered descriptor checks: each failure gets its own reason, and the
// first failing check wins.
#include "plugins/descriptor_check.h"

#include <berth/authz.h>

#include <gtest/gtest.h>

namespace {

using berth::plugins::check_descriptor;
using berth::plugins::HostAbi;

int32_t noop_init(const berth_host *, const char *, berth_instance **, berth_call *) { return 0; }
void noop_fini(berth_instance *) {}

berth_authz_ops ops = {sizeof(berth_authz_ops), 0, nullptr, nullptr};
berth_driver_entry driver = {sizeof(berth_driver_entry), BERTH_KIND_AUTHZ, "allow", &ops,
                             sizeof(berth_authz_ops), 0, 0, nullptr};

berth_plugin_descriptor good() {
    berth_plugin_descriptor d{BERTH_DESCRIPTOR_HEADER};
    d.name = "authz-allow";
    d.version = "1.2.3";
    d.n_drivers = 1;
    d.drivers = &driver;
    d.init = noop_init;
    d.fini = noop_fini;
    return d;
}

TEST(DescriptorCheck, AcceptsAWellFormedDescriptor) {
    auto d = good();
    EXPECT_FALSE(check_descriptor(&d, HostAbi{}).has_value());
}

TEST(DescriptorCheck, RefusesBadMagic) {
    auto d = good();
    d.magic = 42;
    EXPECT_EQ(check_descriptor(&d, HostAbi{}).value_or(""), "bad magic: not a Berth plugin descriptor");
}

TEST(DescriptorCheck, RefusesATooSmallDescriptor) {
    auto d = good();
    d.struct_size = 16;
    EXPECT_NE(check_descriptor(&d, HostAbi{}).value_or("").find("descriptor too small"), std::string::npos);
}

TEST(DescriptorCheck, RefusesAnotherMajorNamingBoth) {
    auto d = good();
    d.abi_major = 2;
    EXPECT_EQ(check_descriptor(&d, HostAbi{1, 0}).value_or(""), "ABI major differs: plugin 2, host 1");
}

TEST(DescriptorCheck, RefusesAPluginThatNeedsANewerHostMinor) {
    auto d = good();
    d.min_host_minor = 3;
    EXPECT_EQ(check_descriptor(&d, HostAbi{1, 2}).value_or(""),
              "requires a newer host: plugin needs ABI 1.3, host has 1.2");
    EXPECT_FALSE(check_descriptor(&d, HostAbi{1, 3}).has_value());
}

TEST(DescriptorCheck, APluginBuiltAgainstANewerMinorStillLoadsWhenItNeedsNothingNew) {
    auto d = good();
    d.abi_minor = 9; // built with newer headers, relies on nothing new
    EXPECT_FALSE(check_descriptor(&d, HostAbi{1, 0}).has_value());
}

TEST(DescriptorCheck, MajorIsCheckedBeforeMinor) {
    auto d = good();
    d.abi_major = 2;
    d.min_host_minor = 7;
    EXPECT_NE(check_descriptor(&d, HostAbi{}).value_or("").find("ABI major differs"), std::string::npos);
}

TEST(DescriptorCheck, RefusesAnotherPlatform) {
    auto d = good();
    d.pointer_size = 4;
    EXPECT_NE(check_descriptor(&d, HostAbi{}).value_or("").find("built for another platform"),
              std::string::npos);
}

TEST(DescriptorCheck, RefusesEmptyNameOrVersion) {
    auto d = good();
    d.name = "";
    EXPECT_EQ(check_descriptor(&d, HostAbi{}).value_or(""), "malformed descriptor: empty name");
    d = good();
    d.version = nullptr;
    EXPECT_EQ(check_descriptor(&d, HostAbi{}).value_or(""), "malformed descriptor: empty version");
}

TEST(DescriptorCheck, RefusesMissingInitOrDrivers) {
    auto d = good();
    d.init = nullptr;
    EXPECT_NE(check_descriptor(&d, HostAbi{}).value_or("").find("init or fini"), std::string::npos);
    d = good();
    d.n_drivers = 0;
    EXPECT_NE(check_descriptor(&d, HostAbi{}).value_or("").find("no drivers"), std::string::npos);
}

TEST(DescriptorCheck, RefusesAnOpsTableSmallerThanV1_0) {
    auto d = good();
    berth_driver_entry small = driver;
    small.ops_size = 8;
    d.drivers = &small;
    EXPECT_NE(check_descriptor(&d, HostAbi{}).value_or("").find("operation table of 8 bytes"),
              std::string::npos);
}

TEST(DescriptorCheck, RefusesBadDriverNames) {
    auto d = good();
    berth_driver_entry bad = driver;
    bad.name = "Has Spaces";
    d.drivers = &bad;
    EXPECT_NE(check_descriptor(&d, HostAbi{}).value_or("").find("invalid name"), std::string::npos);
}

TEST(DescriptorCheck, IgnoresDriversOfKindsTheHostDoesNotKnow) {
    auto d = good();
    berth_driver_entry future = driver;
    future.kind = 99;
    future.ops = nullptr;
    future.ops_size = 0;
    d.drivers = &future;
    EXPECT_FALSE(check_descriptor(&d, HostAbi{}).has_value());
    EXPECT_EQ(berth::plugins::kind_name(99), "kind-99");
}

TEST(DescriptorCheck, CopyKeepsStringsAfterTheSourceChanges) {
    auto d = good();
    char name[] = "authz-copy";
    d.name = name;
    const auto info = berth::plugins::copy_descriptor(&d);
    name[0] = 'X';
    EXPECT_EQ(info.name, "authz-copy");
    ASSERT_EQ(info.drivers.size(), 1u);
    EXPECT_EQ(info.drivers[0].name, "allow");
}

} // namespace
