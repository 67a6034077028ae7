// store_test_support.h — what the container store's tests share: a data root
// that disappears with the test, and the specification of a busybox
// container to create in it.
#pragma once

#include "containers/store/container_store.h"

#include <cstdlib>
#include <filesystem>
#include <string>
#include <system_error>

namespace berth::containers::test {

// A data root under the temp directory, removed with its content when the
// test ends, pass or fail.
struct TempRoot {
    std::filesystem::path path;
    TempRoot() {
        std::string tmpl = (std::filesystem::temp_directory_path() / "berth-test-store-XXXXXX").string();
        path = ::mkdtemp(tmpl.data());
    }
    ~TempRoot() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    TempRoot(const TempRoot &) = delete;
    TempRoot &operator=(const TempRoot &) = delete;
};

// A busybox container running `sh -c true` on overlay2, named `name` ("" for
// a generated name), with the given HostConfig text.
inline NewContainer busybox_spec(std::string name = "", std::string host_config_json = "{}") {
    NewContainer s;
    s.name = std::move(name);
    s.path = "sh";
    s.args = {"-c", "true"};
    s.config_json = R"({"Image":"busybox"})";
    s.host_config_json = std::move(host_config_json);
    s.image = "sha256:" + std::string(64, 'e');
    s.image_name = "busybox";
    s.driver = "overlay2";
    return s;
}

} // namespace berth::containers::test
