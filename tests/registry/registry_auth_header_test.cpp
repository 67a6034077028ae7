// X-Registry-Auth as the docker CLI and docker-py send it.
#include "registry/errors.h"
#include "registry/registry_auth_header.h"

#include <gtest/gtest.h>

using namespace berth::registry;

TEST(RegistryAuthHeader, EmptyObjectIsAnonymous) {
    EXPECT_TRUE(decode_registry_auth("e30=").credentials.empty());
    EXPECT_TRUE(decode_registry_auth("e30").credentials.empty()); // padding missing
    EXPECT_TRUE(decode_registry_auth("").credentials.empty());
}

TEST(RegistryAuthHeader, PasswordAndServer) {
    // {"username":"alice","password":"p?>~","serveraddress":"localhost:5000"}, URL-safe alphabet, no padding.
    const auto a = decode_registry_auth(
        "eyJ1c2VybmFtZSI6ImFsaWNlIiwicGFzc3dvcmQiOiJwPz5-Iiwic2VydmVyYWRkcmVzcyI6ImxvY2FsaG9zdDo1MDAwIn0");
    EXPECT_EQ(a.credentials.username, "alice");
    EXPECT_EQ(a.credentials.password, "p?>~");
    EXPECT_EQ(a.server_address, "localhost:5000");
}

TEST(RegistryAuthHeader, IdentityTokenAndAuthField) {
    // {"identitytoken":"tok"}
    EXPECT_EQ(decode_registry_auth("eyJpZGVudGl0eXRva2VuIjoidG9rIn0=").credentials.identity_token, "tok");
    // {"auth":"dXNlcjpwYXNz"}  (user:pass)
    const auto a = decode_registry_auth("eyJhdXRoIjoiZFhObGNqcHdZWE56In0=");
    EXPECT_EQ(a.credentials.username, "user");
    EXPECT_EQ(a.credentials.password, "pass");
}

TEST(RegistryAuthHeader, GarbageIsInvalid) {
    for (const char *bad : {"!!!", "bm90IGpzb24="}) { // not base64; "not json"
        try {
            decode_registry_auth(bad);
            ADD_FAILURE() << bad;
        } catch (const RegistryError &e) {
            EXPECT_EQ(e.category(), ErrorCategory::Invalid);
        }
    }
}
