// The image, login and logout commands run in-process against a fake daemon
// on a unix socket: the exact requests they send and the exact output.
#include "cli_context.h"
#include "commands/image_commands.h"
#include "errors.h"
#include "registry_login.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "fake_daemon.h"
#include "temp_dir.h"

using namespace berth::cli;

namespace {

const std::string kId = "sha256:beae173ccac6ad749f76713cf4440fe3d21d1043fe616dfbe30775815d1d0f6a";

std::int64_t now_unix() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

FakeResponse json_response(std::string body, int status = 200) {
    FakeResponse r;
    r.status = status;
    r.chunks = {std::move(body)};
    return r;
}

// Routes by "METHOD /path" (query stripped, API version prefix removed).
class ImageCommands : public ::testing::Test {
protected:
    ImageCommands()
        : config_env_("BERTH_CONFIG", dir_.path().string()),
          daemon_(dir_.path() / "d.sock", [this](const FakeRequest& req) { return route(req); }) {
        ctx_.global.host = daemon_.host();
        ctx_.console.out = &out_;
        ctx_.console.err = &err_;
        ctx_.console.in = &in_;
        ctx_.console.in_fd = -1;
        ctx_.console.out_is_terminal = false;
        ctx_.console.in_is_terminal = false;
    }

    FakeResponse route(const FakeRequest& req) {
        std::string path = req.target.substr(0, req.target.find('?'));
        const std::string prefix = "/v1.44";
        if (path.rfind(prefix, 0) == 0) path.erase(0, prefix.size());
        std::lock_guard lock(routes_mutex_);
        const auto it = routes_.find(req.method + " " + path);
        if (it == routes_.end()) return json_response(R"({"message":"page not found"})", 404);
        return it->second;
    }

    void on(const std::string& key, FakeResponse response) {
        std::lock_guard lock(routes_mutex_);
        routes_[key] = std::move(response);
    }

    FakeRequest only_request() const {
        const auto all = daemon_.requests();
        EXPECT_EQ(all.size(), 1u);
        return all.empty() ? FakeRequest{} : all.front();
    }

    // Runs a command the way main() does: a thrown CliError becomes its
    // message on stderr and its exit status.
    template <class Fn>
    int run(Fn&& fn) {
        try {
            return fn();
        } catch (const CliError& e) {
            err_ << e.what() << '\n';
            return e.exit_status();
        }
    }

    TempDir dir_;
    ScopedEnv config_env_;
    std::mutex routes_mutex_;
    std::map<std::string, FakeResponse> routes_;
    FakeDaemon daemon_;
    CliContext ctx_;
    std::ostringstream out_;
    std::ostringstream err_;
    std::istringstream in_;
};

const std::vector<std::string> kPullChunks = {
    "{\"status\":\"Pulling from library/busybox\",\"id\":\"latest\"}\r\n{\"status\":\"Pulling fs",
    " layer\",\"progressDetail\":{},\"id\":\"9ad63333ebc9\"}\r\n",
    "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1,\"total\":9},\"id\":\"9ad63333ebc9\"}\r\n"
    "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":5,\"total\":9},\"id\":\"9ad63333ebc9\"}\r\n"
    "{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"9ad63333ebc9\"}\r\n{\"status\":\"Digest: sha256:",
    "abc\"}\r\n{\"status\":\"Status: Downloaded newer image for busybox:latest\"}\r\n",
};

}  // namespace

TEST_F(ImageCommands, PullShowsProgressThenTheReference) {
    FakeResponse r;
    r.chunks = kPullChunks;
    on("POST /images/create", r);
    EXPECT_EQ(run([&] { return run_pull(ctx_, {"busybox", false, false, ""}); }), 0);
    EXPECT_EQ(out_.str(),
              "Using default tag: latest\n"
              "latest: Pulling from library/busybox\n"
              "9ad63333ebc9: Pulling fs layer\n"
              "9ad63333ebc9: Downloading\n"
              "9ad63333ebc9: Pull complete\n"
              "Digest: sha256:abc\n"
              "Status: Downloaded newer image for busybox:latest\n"
              "docker.io/library/busybox:latest\n");
    EXPECT_EQ(err_.str(), "");
    const auto req = only_request();
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.target, "/v1.44/images/create?fromImage=docker.io%2Flibrary%2Fbusybox&tag=latest");
    EXPECT_EQ(req.header("X-Registry-Auth"), "e30=");
}

TEST_F(ImageCommands, PullByDigestAllTagsAndPlatformQueries) {
    on("POST /images/create", json_response("{\"status\":\"ok\"}\r\n"));
    const std::string digest = "sha256:" + std::string(64, 'b');
    EXPECT_EQ(run([&] { return run_pull(ctx_, {"busybox@" + digest, false, true, ""}); }), 0);
    EXPECT_EQ(run([&] { return run_pull(ctx_, {"localhost:5000/app", true, false, "linux/arm64"}); }), 0);
    const auto reqs = daemon_.requests();
    ASSERT_EQ(reqs.size(), 2u);
    EXPECT_EQ(reqs[0].target, "/v1.44/images/create?fromImage=docker.io%2Flibrary%2Fbusybox&tag=sha256%3A" +
                                  std::string(64, 'b'));
    EXPECT_EQ(reqs[1].target, "/v1.44/images/create?fromImage=localhost%3A5000%2Fapp&platform=linux%2Farm64");
    // -q hides the stream but still prints what was pulled.
    EXPECT_EQ(out_.str(), "docker.io/library/busybox@" + digest + "\nok\nlocalhost:5000/app\n");
}

TEST_F(ImageCommands, PullSendsTheStoredLogin) {
    store_login(credentials_file(), {"localhost:5000", "bob", "pw", ""});
    on("POST /images/create", json_response("{\"status\":\"ok\"}\r\n"));
    EXPECT_EQ(run([&] { return run_pull(ctx_, {"localhost:5000/app:1", false, true, ""}); }), 0);
    EXPECT_EQ(only_request().header("X-Registry-Auth"),
              base64url(R"({"username":"bob","password":"pw","serveraddress":"localhost:5000"})"));
}

TEST_F(ImageCommands, PullErrorInTheStreamExitsOne) {
    FakeResponse r;
    r.chunks = {"{\"status\":\"Pulling from library/nope\",\"id\":\"latest\"}\r\n",
                "{\"errorDetail\":{\"message\":\"manifest unknown\"},\"error\":\"manifest unknown\"}\r\n"};
    on("POST /images/create", r);
    EXPECT_EQ(run([&] { return run_pull(ctx_, {"nope", false, false, ""}); }), 1);
    EXPECT_EQ(out_.str(), "Using default tag: latest\nlatest: Pulling from library/nope\n");
    EXPECT_EQ(err_.str(), "manifest unknown\n");
}

TEST_F(ImageCommands, PullHttpErrorIsADaemonError) {
    on("POST /images/create",
       json_response(R"({"message":"pull access denied for nope, repository does not exist"})", 404));
    EXPECT_EQ(run([&] { return run_pull(ctx_, {"nope:1", false, false, ""}); }), 1);
    EXPECT_EQ(out_.str(), "");
    EXPECT_EQ(err_.str(), "Error response from daemon: pull access denied for nope, repository does not exist\n");
}

TEST_F(ImageCommands, PushUsesTheFamiliarNameAndRefusesDigests) {
    on("POST /images/localhost:5000/app/push",
       json_response("{\"status\":\"The push refers to repository [localhost:5000/app]\"}\r\n"
                     "{\"status\":\"Pushed\",\"progressDetail\":{},\"id\":\"0123456789ab\"}\r\n"
                     "{\"status\":\"v1: digest: sha256:abc size: 527\"}\r\n"
                     "{\"progressDetail\":{},\"aux\":{\"Tag\":\"v1\",\"Digest\":\"sha256:abc\",\"Size\":527}}\r\n"));
    EXPECT_EQ(run([&] { return run_push(ctx_, {"localhost:5000/app:v1", false, false}); }), 0);
    EXPECT_EQ(out_.str(),
              "The push refers to repository [localhost:5000/app]\n"
              "0123456789ab: Pushed\n"
              "v1: digest: sha256:abc size: 527\n");
    EXPECT_EQ(only_request().target, "/v1.44/images/localhost:5000/app/push?tag=v1");
    EXPECT_EQ(run([&] { return run_push(ctx_, {"app@sha256:" + std::string(64, 'c'), false, false}); }), 1);
    EXPECT_EQ(err_.str(), "cannot push a digest reference\n");
}

TEST_F(ImageCommands, ImagesPrintsDockersTable) {
    const auto created = now_unix() - 2 * 3600;
    on("GET /images/json",
       json_response(nlohmann::json::array(
                         {{{"Id", kId}, {"RepoTags", {"busybox:latest"}}, {"RepoDigests", nlohmann::json::array()},
                           {"Created", created}, {"Size", 4264316}},
                          {{"Id", "sha256:0123456789abcdef"}, {"RepoTags", nlohmann::json::array()},
                           {"RepoDigests", nlohmann::json::array()}, {"Created", created}, {"Size", 1500}}})
                         .dump()));
    EXPECT_EQ(run([&] { return run_images(ctx_, {"busybox", false, false, false, false, {}, ""}); }), 0);
    EXPECT_EQ(out_.str(),
              "REPOSITORY   TAG       IMAGE ID       CREATED       SIZE\n"
              "busybox      latest    beae173ccac6   2 hours ago   4.26MB\n"
              "<none>       <none>    0123456789ab   2 hours ago   1.5kB\n");
    EXPECT_EQ(only_request().target, "/v1.44/images/json?filters=%7B%22reference%22%3A%7B%22busybox%22%3Atrue%7D%7D");
}

TEST_F(ImageCommands, ImagesQuietAllAndFilters) {
    on("GET /images/json", json_response(R"([{"Id":")" + kId + R"(","RepoTags":["a:1","a:2"],"Created":0}])"));
    EXPECT_EQ(run([&] { return run_images(ctx_, {"", true, true, false, false, {"dangling=false"}, ""}); }), 0);
    EXPECT_EQ(out_.str(), "beae173ccac6\nbeae173ccac6\n");
    EXPECT_EQ(only_request().target,
              "/v1.44/images/json?all=1&filters=%7B%22dangling%22%3A%7B%22false%22%3Atrue%7D%7D");
}

TEST_F(ImageCommands, ImagesBadFilterAndBadTemplateFailBeforeAnyRequest) {
    EXPECT_EQ(run([&] { return run_images(ctx_, {"", false, false, false, false, {"nope"}, ""}); }), 1);
    EXPECT_EQ(err_.str(), "bad format of filter (expected name=value)\n");
    EXPECT_EQ(run([&] { return run_images(ctx_, {"", false, false, false, false, {}, "{{if .X}}"}); }), 1);
    EXPECT_TRUE(daemon_.requests().empty());
}

TEST_F(ImageCommands, InspectPrintsAnArrayAndReportsMissingImages) {
    on("GET /images/busybox:latest/json", json_response(R"({"Id":")" + kId + R"(","RepoTags":["busybox:latest"]})"));
    EXPECT_EQ(run([&] { return run_image_inspect(ctx_, {{"busybox:latest", "nope"}, ""}); }), 1);
    EXPECT_EQ(out_.str(),
              "[\n    {\n        \"Id\": \"" + kId +
                  "\",\n        \"RepoTags\": [\n            \"busybox:latest\"\n        ]\n    }\n]\n");
    EXPECT_EQ(err_.str(), "Error response from daemon: page not found\n");

    out_.str("");
    EXPECT_EQ(run([&] { return run_image_inspect(ctx_, {{"busybox:latest"}, "{{.Id}} {{json .RepoTags}}"}); }), 0);
    EXPECT_EQ(out_.str(), kId + " [\"busybox:latest\"]\n");
}

TEST_F(ImageCommands, HistoryTable) {
    const auto created = now_unix() - 3 * 86400;
    on("GET /images/busybox/history",
       json_response(nlohmann::json::array(
                         {{{"Id", kId}, {"Created", created}, {"CreatedBy", "/bin/sh -c #(nop)  CMD [\"sh\"]"},
                           {"Size", 0}, {"Comment", ""}},
                          {{"Id", "<missing>"}, {"Created", created},
                           {"CreatedBy", "/bin/sh -c #(nop) ADD file:7e9002edaafd4e4579b65c8f0aaabde1aeb7fd3f8d95579f7"},
                           {"Size", 4261550}, {"Comment", "imported"}}})
                         .dump()));
    EXPECT_EQ(run([&] { return run_history(ctx_, {"busybox", false, false, true, ""}); }), 0);
    EXPECT_EQ(out_.str(),
              "IMAGE          CREATED      CREATED BY                                      SIZE      COMMENT\n"
              "beae173ccac6   3 days ago   /bin/sh -c #(nop)  CMD [\"sh\"]                   0B        \n"
              "<missing>      3 days ago   /bin/sh -c #(nop) ADD file:7e9002edaafd4e457\u2026   4.26MB    imported\n");
}

TEST_F(ImageCommands, TagNormalisesTheTarget) {
    on("POST /images/busybox:latest/tag", json_response("", 201));
    EXPECT_EQ(run([&] { return run_tag(ctx_, {"busybox:latest", "localhost:5000/mine"}); }), 0);
    EXPECT_EQ(only_request().target, "/v1.44/images/busybox:latest/tag?repo=localhost%3A5000%2Fmine&tag=latest");
    EXPECT_EQ(out_.str(), "");
}

TEST_F(ImageCommands, RmiPrintsUntaggedAndDeletedAndContinuesPastErrors) {
    on("DELETE /images/busybox",
       json_response(R"([{"Untagged":"busybox:latest"},{"Untagged":"busybox@sha256:abc"},{"Deleted":")" + kId +
                     R"("}])"));
    on("DELETE /images/used",
       json_response(R"x({"message":"conflict: unable to remove repository reference \"used\" (must force)"})x", 409));
    EXPECT_EQ(run([&] { return run_rmi(ctx_, {{"used", "busybox", "gone"}, true, false}); }), 1);
    EXPECT_EQ(out_.str(), "Untagged: busybox:latest\nUntagged: busybox@sha256:abc\nDeleted: " + kId + "\n");
    EXPECT_EQ(err_.str(),
              "Error response from daemon: conflict: unable to remove repository reference \"used\" (must force)\n"
              "Error response from daemon: page not found\n");
    EXPECT_EQ(daemon_.requests().at(1).target, "/v1.44/images/busybox?force=1");
}

TEST_F(ImageCommands, SaveWritesTheArchiveToAFileAndRefusesATerminal) {
    FakeResponse tar;
    tar.content_type = "application/x-tar";
    tar.chunks = {std::string(5000, 'a'), std::string(7000, 'b')};
    on("GET /images/get", tar);
    const auto file = dir_.path() / "out.tar";
    EXPECT_EQ(run([&] { return run_save(ctx_, {{"busybox", "me/app:1"}, file.string()}); }), 0);
    EXPECT_EQ(only_request().target, "/v1.44/images/get?names=busybox&names=me%2Fapp%3A1");
    std::ifstream in(file, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    EXPECT_EQ(content.str(), std::string(5000, 'a') + std::string(7000, 'b'));
    // Only the archive is left behind, no temporary file.
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.path()), {}), 2);  // d.sock, out.tar

    ctx_.console.out_is_terminal = true;
    EXPECT_EQ(run([&] { return run_save(ctx_, {{"busybox"}, ""}); }), 1);
    EXPECT_EQ(err_.str(), "Cowardly refusing to save to a terminal. Use the -o flag or redirect\n");
}

TEST_F(ImageCommands, SaveFailureLeavesNoFile) {
    on("GET /images/get", json_response(R"({"message":"No such image: nope:latest"})", 404));
    const auto file = dir_.path() / "out.tar";
    EXPECT_EQ(run([&] { return run_save(ctx_, {{"nope"}, file.string()}); }), 1);
    EXPECT_FALSE(std::filesystem::exists(file));
    EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_.path()), {}), 1);
}

TEST_F(ImageCommands, LoadStreamsTheFileAsAChunkedBody) {
    const auto archive = dir_.path() / "image.tar";
    std::string content;
    for (int i = 0; i < 300000; ++i) content += static_cast<char>(i * 7);
    std::ofstream(archive, std::ios::binary) << content;
    on("POST /images/load", json_response("{\"stream\":\"Loaded image: busybox:latest\\n\"}\r\n"));
    EXPECT_EQ(run([&] { return run_load(ctx_, {archive.string(), false}); }), 0);
    EXPECT_EQ(out_.str(), "Loaded image: busybox:latest\n");
    const auto req = only_request();
    EXPECT_EQ(req.target, "/v1.44/images/load?quiet=0");
    EXPECT_TRUE(req.chunked);
    EXPECT_EQ(req.header("Content-Type"), "application/x-tar");
    EXPECT_EQ(req.body, content);
}

TEST_F(ImageCommands, LoadFromStdinFdAndRefusedTerminal) {
    const auto archive = dir_.path() / "image.tar";
    std::ofstream(archive, std::ios::binary) << "tar bytes";
    on("POST /images/load", json_response("{\"stream\":\"Loaded image ID: sha256:1\\n\"}\r\n"));
    const int fd = ::open(archive.c_str(), O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    ctx_.console.in_fd = fd;
    EXPECT_EQ(run([&] { return run_load(ctx_, {"", true}); }), 0);
    ::close(fd);
    EXPECT_EQ(only_request().body, "tar bytes");
    EXPECT_EQ(only_request().target, "/v1.44/images/load?quiet=1");
    ctx_.console.in_is_terminal = true;
    EXPECT_EQ(run([&] { return run_load(ctx_, {"", false}); }), 1);
    EXPECT_EQ(err_.str(), "requested load from stdin, but stdin is empty\n");
}

TEST_F(ImageCommands, ImportSendsDockersQueryAndPrintsTheId) {
    const auto rootfs = dir_.path() / "rootfs.tar";
    std::ofstream(rootfs, std::ios::binary) << "rootfs";
    on("POST /images/create", json_response("{\"status\":\"" + kId + "\"}\r\n"));
    EXPECT_EQ(run([&] {
                  return run_import(ctx_, {rootfs.string(), "me/app:v1", {"CMD [\"sh\"]", "ENV A=b"}, "hi", ""});
              }),
              0);
    EXPECT_EQ(out_.str(), kId + "\n");
    const auto req = only_request();
    EXPECT_EQ(req.target,
              "/v1.44/images/create?changes=CMD%20%5B%22sh%22%5D&changes=ENV%20A%3Db&fromSrc=-&message=hi"
              "&repo=me%2Fapp%3Av1&tag=");
    EXPECT_EQ(req.body, "rootfs");
    EXPECT_EQ(run([&] { return run_import(ctx_, {rootfs.string(), "Bad Name", {}, "", ""}); }), 1);
}

TEST_F(ImageCommands, PruneWithForcePrintsDeletedAndSpace) {
    on("POST /images/prune",
       json_response(R"({"ImagesDeleted":[{"Untagged":"x:1"},{"Deleted":")" + kId +
                     R"("}],"SpaceReclaimed":1200000})"));
    EXPECT_EQ(run([&] { return run_image_prune(ctx_, {true, true, {}}); }), 0);
    EXPECT_EQ(out_.str(),
              "Deleted Images:\nuntagged: x:1\ndeleted: " + kId + "\n\nTotal reclaimed space: 1.2MB\n");
    EXPECT_EQ(only_request().target, "/v1.44/images/prune?filters=%7B%22dangling%22%3A%7B%22false%22%3Atrue%7D%7D");
}

TEST_F(ImageCommands, PruneAsksFirstAndStopsOnNo) {
    on("POST /images/prune", json_response(R"({"ImagesDeleted":null,"SpaceReclaimed":0})"));
    in_.str("n\n");
    EXPECT_EQ(run([&] { return run_image_prune(ctx_, {false, false, {}}); }), 1);
    EXPECT_EQ(out_.str(), "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] ");
    EXPECT_EQ(err_.str(), "image prune has been cancelled\n");
    EXPECT_TRUE(daemon_.requests().empty());

    out_.str("");
    in_.clear();
    in_.str("y\n");
    EXPECT_EQ(run([&] { return run_image_prune(ctx_, {false, false, {}}); }), 0);
    EXPECT_EQ(out_.str(), "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] "
                          "Total reclaimed space: 0B\n");
    EXPECT_EQ(only_request().target, "/v1.44/images/prune?filters=%7B%22dangling%22%3A%7B%22true%22%3Atrue%7D%7D");
}

TEST_F(ImageCommands, LoginStoresCredentialsAndLogoutRemovesThem) {
    on("POST /auth", json_response(R"({"Status":"Login Succeeded","IdentityToken":""})"));
    in_.str("s3cret\n");
    EXPECT_EQ(run([&] { return run_login(ctx_, {"localhost:5000", "bob", "", true}); }), 0);
    EXPECT_EQ(out_.str(), "Login Succeeded\n");
    const auto req = only_request();
    EXPECT_EQ(nlohmann::json::parse(req.body),
              nlohmann::json({{"username", "bob"}, {"password", "s3cret"}, {"serveraddress", "localhost:5000"}}));
    EXPECT_EQ(registry_auth_header(credentials_file(), "localhost:5000"),
              base64url(R"({"username":"bob","password":"s3cret","serveraddress":"localhost:5000"})"));

    out_.str("");
    EXPECT_EQ(run([&] { return run_logout(ctx_, {"localhost:5000"}); }), 0);
    EXPECT_EQ(out_.str(), "Removing login credentials for localhost:5000\n");
    EXPECT_EQ(registry_auth_header(credentials_file(), "localhost:5000"), "e30=");

    out_.str("");
    EXPECT_EQ(run([&] { return run_logout(ctx_, {""}); }), 0);
    EXPECT_EQ(out_.str(), "Removing login credentials for https://index.docker.io/v1/\n");
}

TEST_F(ImageCommands, LoginFailuresAndFlagChecks) {
    on("POST /auth", json_response(R"({"message":"unauthorized: incorrect username or password"})", 401));
    EXPECT_EQ(run([&] { return run_login(ctx_, {"", "bob", "bad", false}); }), 1);
    EXPECT_EQ(err_.str(),
              "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n"
              "Error response from daemon: unauthorized: incorrect username or password\n");
    EXPECT_FALSE(std::filesystem::exists(credentials_file()));
    err_.str("");
    EXPECT_EQ(run([&] { return run_login(ctx_, {"", "", "", true}); }), 1);
    EXPECT_EQ(err_.str(), "Must provide --username with --password-stdin\n");
    err_.str("");
    EXPECT_EQ(run([&] { return run_login(ctx_, {"", "", "", false}); }), 1);
    EXPECT_EQ(err_.str(), "Error: Cannot perform an interactive login from a non TTY device\n");
}
