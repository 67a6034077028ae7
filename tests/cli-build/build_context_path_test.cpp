// Where the context and the Dockerfile are for `berth build PATH [-f F]`,
// by the docker CLI's rules: -f is relative to the working directory, a
// lower-case dockerfile is found, one outside the context is flagged.
#include "build_context_path.h"

#include <gtest/gtest.h>

#include <fstream>

#include <unistd.h>

#include "errors.h"
#include "temp_dir.h"

using namespace berth::cli;
namespace fs = std::filesystem;

namespace {

void touch(const fs::path& path, const std::string& text = "FROM busybox\n") {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
}

// Runs the test body from another working directory and goes back.
class ScopedCwd {
public:
    explicit ScopedCwd(const fs::path& dir) : old_(fs::current_path()) { fs::current_path(dir); }
    ~ScopedCwd() { fs::current_path(old_); }

private:
    fs::path old_;
};

std::string error_of(const std::string& context, const std::string& dockerfile) {
    try {
        resolve_local_context(context, dockerfile);
    } catch (const CliError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(BuildContextPath, DefaultDockerfileInTheContext) {
    TempDir dir;
    touch(dir.path() / "app" / "Dockerfile");
    const auto local = resolve_local_context((dir.path() / "app").string(), "");
    EXPECT_EQ(local.dir, fs::canonical(dir.path() / "app"));
    EXPECT_EQ(local.dockerfile, "Dockerfile");
    EXPECT_FALSE(local.dockerfile_outside());
}

TEST(BuildContextPath, LowerCaseDockerfileWhenThatIsAllThereIs) {
    TempDir dir;
    touch(dir.path() / "dockerfile");
    EXPECT_EQ(resolve_local_context(dir.path().string(), "").dockerfile, "dockerfile");
}

TEST(BuildContextPath, FileFlagIsRelativeToTheWorkingDirectory) {
    TempDir dir;
    touch(dir.path() / "ctx" / "docker" / "app.Dockerfile");
    ScopedCwd cwd(dir.path());
    const auto local = resolve_local_context("ctx", "ctx/docker/app.Dockerfile");
    EXPECT_EQ(local.dockerfile, "docker/app.Dockerfile");
    EXPECT_FALSE(local.dockerfile_outside());
}

TEST(BuildContextPath, DockerfileOutsideTheContext) {
    TempDir dir;
    touch(dir.path() / "elsewhere" / "Dockerfile.web");
    fs::create_directories(dir.path() / "ctx");
    const auto local = resolve_local_context((dir.path() / "ctx").string(),
                                             (dir.path() / "elsewhere" / "Dockerfile.web").string());
    EXPECT_EQ(local.dockerfile, "../elsewhere/Dockerfile.web");
    EXPECT_TRUE(local.dockerfile_outside());
    EXPECT_EQ(local.dockerfile_path, fs::canonical(dir.path() / "elsewhere" / "Dockerfile.web"));
}

TEST(BuildContextPath, StdinDockerfile) {
    TempDir dir;
    EXPECT_EQ(resolve_local_context(dir.path().string(), "-").dockerfile, "-");
}

TEST(BuildContextPath, SymlinkedContextIsResolved) {
    TempDir dir;
    touch(dir.path() / "real" / "Dockerfile");
    fs::create_directory_symlink(dir.path() / "real", dir.path() / "link");
    EXPECT_EQ(resolve_local_context((dir.path() / "link").string(), "").dir, fs::canonical(dir.path() / "real"));
}

TEST(BuildContextPath, MissingDockerfileIsNamed) {
    TempDir dir;
    const auto real = fs::canonical(dir.path());
    EXPECT_EQ(error_of(dir.path().string(), ""),
              "unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat " +
                  (real / "Dockerfile").string() + ": no such file or directory");
}

TEST(BuildContextPath, ContextMustBeADirectory) {
    TempDir dir;
    touch(dir.path() / "file");
    EXPECT_EQ(error_of((dir.path() / "file").string(), ""),
              "unable to prepare context: context must be a directory: " +
                  fs::canonical(dir.path() / "file").string());
}
