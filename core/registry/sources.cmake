# core/registry: the Docker Registry HTTP API V2 client (pull/push transport).
# Included from core/CMakeLists.txt; paths are relative to core/.
#
# cpp-httplib: Debian ships it as a shared library (libcpp-httplib.so) plus a
# header whose class layouts depend on CPPHTTPLIB_OPENSSL/ZLIB/BROTLI_SUPPORT.
# The imported pkg-config target carries exactly the macros the library was
# built with, so every file that includes httplib.h must link it.
find_package(PkgConfig REQUIRED)
pkg_check_modules(CPPHTTPLIB REQUIRED IMPORTED_TARGET GLOBAL cpp-httplib)

# (credentials_store.cpp and base64.cpp are in berth_shared_objs, shared
# with the CLI; see core/CMakeLists.txt.)
set(BERTH_REGISTRY_SOURCES
  registry/errors.cpp
  registry/digest.cpp
  registry/url.cpp
  registry/names.cpp
  registry/platform.cpp
  registry/manifest_parse.cpp
  registry/manifest_write.cpp
  registry/auth_challenge.cpp
  registry/registry_auth_header.cpp
  registry/insecure_registries.cpp
  registry/endpoint.cpp
  registry/retry_policy.cpp
  registry/token_cache.cpp
  registry/link_header.cpp
  registry/blob_verifier.cpp
  registry/blob_source.cpp
  registry/http_transport.cpp
  registry/authenticator.cpp
  registry/registry_client.cpp
  registry/client_manifests.cpp
  registry/client_blob_fetch.cpp
  registry/client_blob_push.cpp
  registry/client_tags.cpp
)

# What berth_core must link privately for these sources.
set(BERTH_REGISTRY_LIBS PkgConfig::CPPHTTPLIB)
