// `berth build` run in-process against the fake daemon: the request it
// sends (path, query, headers, the context tar in the body) and what it
// prints and exits with for the daemon's replies.
#include "commands/build_command.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <sstream>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "build_output.h"
#include "build_stdin.h"
#include "commands/commands.h"
#include "errors.h"
#include "fake_daemon.h"
#include "tar_reader.h"
#include "temp_dir.h"

using namespace berth::cli;
namespace fs = std::filesystem;

namespace {

const std::string kId = "sha256:beae173ccac6ad749f76713cf4440fe3d21d1043fe616dfbe30775815d1d0f6a";

const std::vector<std::string> kSuccess = {
    "{\"stream\":\"Step 1/2 : FROM busybox\\n\"}\r\n{\"stream\":\" ---> 1a2b3c4d5e6f\\n\"}\r\n",
    "{\"stream\":\"Step 2/2 : CMD [\\\"sh\\\"]\\n\"}\r\n{\"stream\":\" ---> beae173ccac6\\n\"}\r\n",
    "{\"aux\":{\"ID\":\"" + kId + "\"}}\r\n{\"stream\":\"Successfully built beae173ccac6\\n\"}\r\n",
    "{\"stream\":\"Successfully tagged demo:latest\\n\"}\r\n",
};

const char* const kSuccessText =
    "Step 1/2 : FROM busybox\n ---> 1a2b3c4d5e6f\nStep 2/2 : CMD [\"sh\"]\n ---> beae173ccac6\n"
    "Successfully built beae173ccac6\nSuccessfully tagged demo:latest\n";

void write_file(const fs::path& path, const std::string& text) {
    fs::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// The decoded value of one query parameter ("" when absent).
std::string query_value(const std::string& target, const std::string& key) {
    const auto q = target.find('?');
    if (q == std::string::npos) return {};
    std::istringstream parts(target.substr(q + 1));
    std::string part;
    while (std::getline(parts, part, '&')) {
        if (part.rfind(key + "=", 0) != 0) continue;
        std::string raw = part.substr(key.size() + 1), out;
        for (std::size_t i = 0; i < raw.size(); ++i) {
            if (raw[i] == '%' && i + 2 < raw.size() + 0) {
                out += static_cast<char>(std::stoi(raw.substr(i + 1, 2), nullptr, 16));
                i += 2;
            } else {
                out += raw[i];
            }
        }
        return out;
    }
    return {};
}

// Stdin as a pipe already holding `data` and closed at the far end.
class StdinPipe {
public:
    explicit StdinPipe(const std::string& data) {
        if (::pipe(fds_) != 0) throw std::runtime_error("pipe");
        EXPECT_EQ(::write(fds_[1], data.data(), data.size()), static_cast<ssize_t>(data.size()));
        ::close(fds_[1]);
    }
    ~StdinPipe() { ::close(fds_[0]); }
    int fd() const { return fds_[0]; }

private:
    int fds_[2];
};

class BuildCommand : public ::testing::Test {
protected:
    BuildCommand()
        : config_env_("BERTH_CONFIG", (dir_.path() / "config").string()),
          daemon_(dir_.path() / "d.sock", [this](const FakeRequest&) {
              std::lock_guard lock(mutex_);
              return reply_;
          }) {
        ctx_.global.host = daemon_.host();
        ctx_.console.out = &out_;
        ctx_.console.err = &err_;
        ctx_.console.in = &in_;
        ctx_.console.in_fd = -1;
        reply(kSuccess);
        context_ = dir_.path() / "ctx";
        write_file(context_ / "Dockerfile", "FROM busybox\nCMD [\"sh\"]\n");
    }

    void reply(std::vector<std::string> chunks, int status = 200) {
        std::lock_guard lock(mutex_);
        reply_.status = status;
        reply_.chunks = std::move(chunks);
    }

    int run(const BuildOptions& options) {
        try {
            return run_build(ctx_, options);
        } catch (const CliError& e) {
            err_ << e.what() << '\n';
            return e.exit_status();
        }
    }

    BuildOptions options_for(const fs::path& context) {
        BuildOptions o;
        o.context = context.string();
        return o;
    }

    FakeRequest only_request() const {
        const auto all = daemon_.requests();
        EXPECT_EQ(all.size(), 1u);
        return all.empty() ? FakeRequest{} : all.front();
    }

    TempDir dir_;
    ScopedEnv config_env_;
    std::mutex mutex_;
    FakeResponse reply_;
    FakeDaemon daemon_;
    CliContext ctx_;
    std::ostringstream out_, err_;
    std::istringstream in_;
    fs::path context_;
};

}  // namespace

TEST_F(BuildCommand, DirectoryContextIsTarredWithDockerignoreApplied) {
    write_file(context_ / "index.html", "<h1>hi</h1>\n");
    write_file(context_ / "debug.log", "noise\n");
    write_file(context_ / "keep.log", "kept\n");
    write_file(context_ / "sub" / "x.txt", "x\n");
    write_file(context_ / "secret" / "key", "k\n");
    // The Dockerfile and .dockerignore are sent even when ignored.
    write_file(context_ / ".dockerignore", "*.log\n!keep.log\nsecret\nDockerfile\n.dockerignore\n");
    BuildOptions o = options_for(context_);
    o.tags = {"demo"};
    o.iidfile = (dir_.path() / "iid").string();
    EXPECT_EQ(run(o), 0) << err_.str();

    const FakeRequest req = only_request();
    EXPECT_EQ(req.method, "POST");
    EXPECT_EQ(req.target.substr(0, req.target.find('?')), "/v1.44/build");
    EXPECT_EQ(query_value(req.target, "t"), "demo");
    EXPECT_EQ(query_value(req.target, "dockerfile"), "Dockerfile");
    EXPECT_EQ(req.header("Content-Type"), "application/x-tar");
    EXPECT_EQ(req.header("X-Registry-Config"), "e30=");
    EXPECT_TRUE(req.chunked);

    const auto entries = tar_entries(req.body);
    std::vector<std::string> names;
    for (const auto& [name, content] : entries) names.push_back(name);
    EXPECT_EQ(names, (std::vector<std::string>{".dockerignore", "Dockerfile", "index.html", "keep.log", "sub/",
                                               "sub/x.txt"}));
    EXPECT_EQ(entries.at("index.html"), "<h1>hi</h1>\n");

    EXPECT_EQ(out_.str(), ContextUploadProgress::line(req.body.size()) + "\r\r\n" + kSuccessText);
    EXPECT_EQ(read_text(dir_.path() / "iid"), kId);
}

TEST_F(BuildCommand, FailedStepExitsWithItsCodeAndLeavesNoIidfile) {
    write_file(dir_.path() / "iid", "sha256:stale");
    reply({"{\"stream\":\"Step 1/2 : RUN exit 3\\n\"}\r\n{\"stream\":\" ---> Running in 0123456789ab\\n\"}\r\n",
           "{\"errorDetail\":{\"code\":3,\"message\":\"The command '/bin/sh -c exit 3' returned a non-zero code: 3\"},"
           "\"error\":\"The command '/bin/sh -c exit 3' returned a non-zero code: 3\"}\r\n"});
    BuildOptions o = options_for(context_);
    o.iidfile = (dir_.path() / "iid").string();
    EXPECT_EQ(run(o), 3);
    EXPECT_EQ(err_.str(), "The command '/bin/sh -c exit 3' returned a non-zero code: 3\n");
    EXPECT_FALSE(fs::exists(dir_.path() / "iid"));
}

TEST_F(BuildCommand, ErrorWithoutCodeExitsOne) {
    reply({"{\"errorDetail\":{\"message\":\"failed to get layer\"},\"error\":\"failed to get layer\"}\r\n",
           "{\"stream\":\"more\\n\"}\r\n"});
    EXPECT_EQ(run(options_for(context_)), 1);
    EXPECT_EQ(err_.str(), "failed to get layer\n");
}

TEST_F(BuildCommand, DaemonRefusalBeforeTheStream) {
    reply({R"({"message":"dockerfile parse error line 2: unknown instruction: FOO"})"}, 400);
    EXPECT_EQ(run(options_for(context_)), 1);
    EXPECT_EQ(err_.str(), "Error response from daemon: dockerfile parse error line 2: unknown instruction: FOO\n");
}

TEST_F(BuildCommand, QuietPrintsOnlyTheImageId) {
    reply({"{\"stream\":\"" + kId + "\\n\"}\r\n", "{\"aux\":{\"ID\":\"" + kId + "\"}}\r\n"});
    BuildOptions o = options_for(context_);
    o.quiet = true;
    o.iidfile = (dir_.path() / "iid").string();
    EXPECT_EQ(run(o), 0) << err_.str();
    EXPECT_EQ(query_value(only_request().target, "q"), "1");
    EXPECT_EQ(out_.str(), kId + "\n");
    EXPECT_EQ(read_text(dir_.path() / "iid"), kId);
}

TEST_F(BuildCommand, QuietFailureShowsWhatWasHeldBack) {
    reply({"{\"stream\":\"Step 1/1 : RUN false\\n\"}\r\n",
           "{\"errorDetail\":{\"code\":1,\"message\":\"boom\"},\"error\":\"boom\"}\r\n"});
    BuildOptions o = options_for(context_);
    o.quiet = true;
    EXPECT_EQ(run(o), 1);
    EXPECT_EQ(out_.str(), "");
    EXPECT_NE(err_.str().find("Sending build context to Docker daemon"), std::string::npos) << err_.str();
    EXPECT_NE(err_.str().find("Step 1/1 : RUN false\nboom\n"), std::string::npos) << err_.str();
}

TEST_F(BuildCommand, DockerfileOutsideTheContextIsInjected) {
    write_file(dir_.path() / "elsewhere" / "web.Dockerfile", "FROM busybox\nLABEL from=elsewhere\n");
    BuildOptions o = options_for(context_);
    o.dockerfile = (dir_.path() / "elsewhere" / "web.Dockerfile").string();
    EXPECT_EQ(run(o), 0) << err_.str();
    const FakeRequest req = only_request();
    const std::string name = query_value(req.target, "dockerfile");
    EXPECT_TRUE(std::regex_match(name, std::regex(R"(\.dockerfile\.[0-9a-f]{20})"))) << name;
    const auto entries = tar_entries(req.body);
    ASSERT_TRUE(entries.count(name)) << "not in the tar: " << name;
    EXPECT_EQ(entries.at(name), "FROM busybox\nLABEL from=elsewhere\n");
    EXPECT_TRUE(entries.count("Dockerfile"));  // the context's own file is still context
}

TEST_F(BuildCommand, DockerfileInsideTheContextFromFileFlag) {
    write_file(context_ / "docker" / "app.Dockerfile", "FROM busybox\n");
    BuildOptions o = options_for(context_);
    o.dockerfile = (context_ / "docker" / "app.Dockerfile").string();
    EXPECT_EQ(run(o), 0) << err_.str();
    EXPECT_EQ(query_value(only_request().target, "dockerfile"), "docker/app.Dockerfile");
}

TEST_F(BuildCommand, DockerfileFromStdinWithADirectoryContext) {
    StdinPipe stdin_pipe("FROM busybox\nRUN echo piped\n");
    ctx_.console.in_fd = stdin_pipe.fd();
    BuildOptions o = options_for(context_);
    o.dockerfile = "-";
    EXPECT_EQ(run(o), 0) << err_.str();
    const FakeRequest req = only_request();
    const std::string name = query_value(req.target, "dockerfile");
    EXPECT_EQ(name.rfind(".dockerfile.", 0), 0u) << name;
    EXPECT_EQ(tar_entries(req.body).at(name), "FROM busybox\nRUN echo piped\n");
}

TEST_F(BuildCommand, TarOnStdinIsSentAsIs) {
    const std::string tar = single_file_tar("build/Dockerfile", "FROM busybox\n");
    StdinPipe stdin_pipe(tar);
    ctx_.console.in_fd = stdin_pipe.fd();
    BuildOptions o;
    o.context = "-";
    o.dockerfile = "build/Dockerfile";
    EXPECT_EQ(run(o), 0) << err_.str();
    const FakeRequest req = only_request();
    EXPECT_EQ(req.body, tar);
    EXPECT_EQ(query_value(req.target, "dockerfile"), "build/Dockerfile");
    EXPECT_EQ(out_.str().rfind(ContextUploadProgress::line(tar.size()) + "\r\r\n", 0), 0u) << out_.str();
}

TEST_F(BuildCommand, DockerfileOnStdinIsTheWholeContext) {
    StdinPipe stdin_pipe("FROM busybox\nCMD [\"true\"]\n");
    ctx_.console.in_fd = stdin_pipe.fd();
    BuildOptions o;
    o.context = "-";
    EXPECT_EQ(run(o), 0) << err_.str();
    const FakeRequest req = only_request();
    EXPECT_EQ(query_value(req.target, "dockerfile"), "Dockerfile");
    const auto entries = tar_entries(req.body);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries.at("Dockerfile"), "FROM busybox\nCMD [\"true\"]\n");
}

TEST_F(BuildCommand, StdinCannotBeBothContextAndDockerfile) {
    BuildOptions o;
    o.context = "-";
    o.dockerfile = "-";
    EXPECT_EQ(run(o), 1);
    EXPECT_EQ(err_.str(), "invalid argument: can't use stdin for both build context and dockerfile\n");
    EXPECT_TRUE(daemon_.requests().empty());
}

TEST_F(BuildCommand, MissingContextPath) {
    EXPECT_EQ(run(options_for(dir_.path() / "nope")), 1);
    EXPECT_EQ(err_.str(), "unable to prepare context: path \"" + (dir_.path() / "nope").string() + "\" not found\n");
    EXPECT_TRUE(daemon_.requests().empty());
}

TEST_F(BuildCommand, UnreadableFileFailsTheUploadInsteadOfSendingPartOfIt) {
    if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their mode";
    write_file(context_ / "locked", "x");
    fs::permissions(context_ / "locked", fs::perms::none);
    EXPECT_EQ(run(options_for(context_)), 1);
    EXPECT_NE(err_.str().find("error checking context"), std::string::npos) << err_.str();
    EXPECT_NE(err_.str().find("locked"), std::string::npos) << err_.str();
    // The truncated tar never reached the daemon as a complete request.
    EXPECT_TRUE(daemon_.requests().empty());
}

// Both spellings of the command reach run_build with docker's flag syntax.
TEST_F(BuildCommand, CommandLineOfBuildAndImageBuild) {
    for (const std::vector<std::string>& prefix :
         {std::vector<std::string>{"build"}, std::vector<std::string>{"image", "build"}}) {
        CliContext ctx;
        ctx.global.host = daemon_.host();
        ctx.console = ctx_.console;
        CLI::App app("berth");
        add_image_command(app, ctx);
        add_image_shortcuts(app, ctx);
        std::vector<std::string> args = prefix;
        for (const char* a : {"-t", "a:1", "--tag", "b:2", "--build-arg", "X=1", "--rm=false", "--force-rm",
                              "--no-cache", "--label", "k=v", "--target", "final"})
            args.emplace_back(a);
        args.push_back(context_.string());
        std::reverse(args.begin(), args.end());  // CLI11 takes them last-first
        app.parse(args);
        ASSERT_TRUE(ctx.action) << prefix.size();
        EXPECT_EQ(ctx.action(), 0) << err_.str();
    }
    const auto requests = daemon_.requests();
    ASSERT_EQ(requests.size(), 2u);
    for (const auto& req : requests) {
        const std::string& t = req.target;
        EXPECT_NE(t.find("&t=a%3A1&t=b%3A2&"), std::string::npos) << t;
        EXPECT_EQ(query_value(t, "rm"), "0");
        EXPECT_EQ(query_value(t, "forcerm"), "1");
        EXPECT_EQ(query_value(t, "nocache"), "1");
        EXPECT_EQ(query_value(t, "buildargs"), R"({"X":"1"})");
        EXPECT_EQ(query_value(t, "labels"), R"({"k":"v"})");
        EXPECT_EQ(query_value(t, "target"), "final");
    }
}
