// Which registries may be reached without verified TLS.
#include "registry/errors.h"
#include "registry/insecure_registries.h"

#include <gtest/gtest.h>

using namespace berth::registry;

TEST(InsecureRegistries, LoopbackIsAlwaysInsecure) {
    for (const char *h : {"localhost", "LOCALHOST", "127.0.0.1", "127.1.2.3", "::1", "[::1]", "::ffff:127.0.0.1"})
        EXPECT_TRUE(is_loopback_host(h)) << h;
    for (const char *h : {"128.0.0.1", "10.0.0.1", "::2", "localhost.example", "example.com", ""})
        EXPECT_FALSE(is_loopback_host(h)) << h;
    const InsecureRegistries none;
    EXPECT_TRUE(none.is_insecure("localhost:5000"));
    EXPECT_TRUE(none.is_insecure("127.0.0.1:5000"));
    EXPECT_TRUE(none.is_insecure("[::1]:5000"));
    EXPECT_FALSE(none.is_insecure("10.1.2.3:5000"));
    EXPECT_FALSE(none.is_insecure("docker.io"));
}

TEST(InsecureRegistries, CidrEntries) {
    const InsecureRegistries r({"10.0.0.0/8", "192.168.1.0/24", "fd00::/8"});
    EXPECT_TRUE(r.is_insecure("10.200.0.1:5000"));
    EXPECT_TRUE(r.is_insecure("192.168.1.77"));
    EXPECT_FALSE(r.is_insecure("192.168.2.1"));
    EXPECT_TRUE(r.is_insecure("[fd12::1]:5000"));
    EXPECT_FALSE(r.is_insecure("[fe80::1]:5000"));
    EXPECT_TRUE(r.in_insecure_cidr("10.0.0.1"));
    EXPECT_FALSE(r.in_insecure_cidr("not-an-ip"));
}

TEST(InsecureRegistries, NameEntriesMatchExactly) {
    const InsecureRegistries r({"myreg.example:5000", "http://other.example", "Upper.Example:443/"});
    EXPECT_TRUE(r.is_insecure("myreg.example:5000"));
    EXPECT_TRUE(r.is_insecure("MYREG.example:5000"));
    EXPECT_FALSE(r.is_insecure("myreg.example")); // port is part of the name
    EXPECT_FALSE(r.is_insecure("myreg.example:5001"));
    EXPECT_TRUE(r.is_insecure("other.example")); // scheme prefix dropped, as dockerd does
    EXPECT_TRUE(r.is_insecure("upper.example:443"));
}

TEST(InsecureRegistries, MalformedEntriesAreRefused) {
    for (const char *bad : {"10.0.0.0/33", "10.0.0.0/x", "nonsense/8", "::/129", "host:notaport"}) {
        try {
            InsecureRegistries r({bad});
            ADD_FAILURE() << "accepted " << bad;
        } catch (const RegistryError &e) {
            EXPECT_EQ(e.category(), ErrorCategory::Invalid);
            EXPECT_NE(std::string(e.what()).find(bad), std::string::npos) << e.what();
        }
    }
}
