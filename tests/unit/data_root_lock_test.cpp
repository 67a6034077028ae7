#include "util/atomic_file.h"
#include "util/data_root_lock.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace {

class TempDir : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/berth-unit-lock-XXXXXX";
        dir = mkdtemp(tmpl);
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
    std::filesystem::path dir;
};

TEST_F(TempDir, SecondLockInAnotherProcessIsRefusedWithThePid) {
    berth::util::DataRootLock first(dir / "root");
    // flock locks are per open file description; a child process opening the
    // file anew competes exactly like a second daemon would.
    const pid_t child = fork();
    if (child == 0) {
        try {
            berth::util::DataRootLock second(dir / "root");
            _exit(1);
        } catch (const std::runtime_error &e) {
            const std::string msg = e.what();
            const bool ok = msg.find("is in use by another berthd (pid " + std::to_string(getppid())) !=
                            std::string::npos;
            _exit(ok ? 0 : 2);
        }
    }
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << "1: second lock succeeded, 2: wrong message";
}

TEST_F(TempDir, LockIsFreeAgainAfterRelease) {
    { berth::util::DataRootLock first(dir / "root"); }
    EXPECT_NO_THROW(berth::util::DataRootLock again(dir / "root"));
}

TEST_F(TempDir, AtomicWriteReplacesWholeAndLeavesNoTemp) {
    const auto f = dir / "file";
    ASSERT_TRUE(berth::util::write_file_atomic(f, "one"));
    ASSERT_TRUE(berth::util::write_file_atomic(f, "two-two"));
    std::ifstream in(f);
    std::stringstream ss;
    ss << in.rdbuf();
    EXPECT_EQ(ss.str(), "two-two");
    size_t entries = 0;
    for ([[maybe_unused]] const auto &e : std::filesystem::directory_iterator(dir)) ++entries;
    EXPECT_EQ(entries, 1u);
}

TEST_F(TempDir, AtomicWriteIntoAMissingDirectoryFailsCleanly) {
    EXPECT_FALSE(berth::util::write_file_atomic(dir / "no" / "file", "x"));
}

} // namespace
