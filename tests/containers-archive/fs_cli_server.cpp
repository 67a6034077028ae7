// fs_cli_server — a stand-in daemon for docker_cli_fs.sh: /_ping and the
// container filesystem routes only, for one container "web" whose rootfs is
// a plain directory, over an image service on the fake layer driver. Lets
// the stock docker CLI drive cp, export, diff and commit without a
// container runtime.
//   fs_cli_server <socket> <rootfs> <data-dir>
// Runs until SIGTERM or SIGINT.
#include "api/container_fs_routes.h"
#include "api/http_server.h"
#include "containers/archive/rootfs_path.h"
#include "containers/archive/tree_tar.h"
#include "images/image_service.h"

#include "../images/fake_layer_driver.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <memory>

using namespace berth;

int main(int argc, char **argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: %s <socket> <rootfs> <data-dir>\n", argv[0]);
        return 2;
    }
    const std::string socket = argv[1], rootfs = argv[2], data = argv[3];
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    auto driver = std::make_shared<images::test::FakeLayerDriver>();
    images::ImageService images(data, driver);
    // The container's image: one empty layer's worth of config.
    const auto empty = std::filesystem::path(data) / "empty.tar";
    {
        const int fd = ::open(empty.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0600);
        const std::string end(1024, '\0');
        if (fd < 0 || ::write(fd, end.data(), end.size()) != ssize_t(end.size())) return 1;
        ::lseek(fd, 0, SEEK_SET);
        images::ImportOptions o;
        o.cmd = {"sh"};
        const auto image_id = images.import_rootfs(fd, o);
        ::close(fd);

        api::Router router;
        router.add("GET", "/_ping", [](api::Request &) { return api::Response::text(200, "OK"); });
        api::add_container_fs_routes(router, images, [&](const std::string &ref) {
            if (ref != "web") throw api::ApiError(404, "No such container: " + ref);
            auto fs = std::make_shared<containers::ContainerFs>();
            fs->id = std::string(64, 'a');
            fs->name = "/web";
            fs->image_id = image_id;
            fs->config_json = R"({"Cmd":["sh","-c","sleep 1"],"Env":["PATH=/bin"]})";
            fs->rootfs = rootfs;
            fs->readonly_rootfs = std::filesystem::exists(rootfs + "/.readonly");
            // The "RW layer": everything under /new, as a layer tar.
            fs->write_diff_tar = [rootfs](int out) {
                const auto root = containers::archive::open_root(rootfs);
                containers::archive::write_tree_tar(root.get(), "new", containers::archive::rebase_naming("new"),
                                                    [out](const char *d, size_t n) {
                                                        if (::write(out, d, n) != ssize_t(n))
                                                            throw std::runtime_error("short write");
                                                    });
            };
            fs->changes_json = [] { return std::string(R"([{"Path":"/new","Kind":1},{"Path":"/etc","Kind":0}])"); };
            return fs;
        });
        api::HttpServer server(router, {});
        server.listen("unix://" + socket);
        server.start();
        int sig = 0;
        sigwait(&stop_signals, &sig);
        server.stop();
    }
    return 0;
}
