// What may go into a registry URL path.
#include "registry/errors.h"
#include "registry/names.h"

#include <gtest/gtest.h>

using namespace berth::registry;

TEST(Names, Repositories) {
    for (const char *ok : {"busybox", "library/busybox", "a/b/c", "my-app", "my__app", "my.app", "a--b", "x0/y_1"})
        EXPECT_TRUE(is_valid_repository(ok)) << ok;
    for (const char *bad : {"", "Busybox", "a//b", "/a", "a/", "-a", "a-", "a___b", "../x", "a?b", "a%2f", "a b"})
        EXPECT_FALSE(is_valid_repository(bad)) << bad;
    EXPECT_THROW(check_repository("../../etc"), RegistryError);
}

TEST(Names, References) {
    EXPECT_TRUE(is_valid_tag("latest"));
    EXPECT_TRUE(is_valid_tag("v1.2_3-rc"));
    EXPECT_FALSE(is_valid_tag(".hidden"));
    EXPECT_FALSE(is_valid_tag(std::string(129, 'a')));
    EXPECT_NO_THROW(check_reference("sha256:" + std::string(64, 'a')));
    EXPECT_THROW(check_reference("a/b"), RegistryError);
    EXPECT_THROW(check_digest("latest"), RegistryError);
}
