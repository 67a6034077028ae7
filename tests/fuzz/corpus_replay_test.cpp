// corpus_replay_test.cpp — every file of one target's seed corpus through
// that target's LLVMFuzzerTestOneInput, as a plain test in every build (no
// clang, no libFuzzer): a decoder change that breaks on a known input is
// caught by the unit tests, not only by the fuzz phase. The target aborts
// on a wrong answer, which fails this test.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

namespace {

std::vector<std::filesystem::path> corpus_files() {
    std::vector<std::filesystem::path> files;
    for (const auto &entry : std::filesystem::directory_iterator(BERTH_FUZZ_CORPUS_DIR))
        if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end()); // a stable order: failures reproduce
    return files;
}

TEST(CorpusReplay, EveryCorpusFileIsAnsweredWithoutAbort) {
    const auto files = corpus_files();
    ASSERT_GE(files.size(), 10u) << "the seed corpus in " << BERTH_FUZZ_CORPUS_DIR << " is missing";
    for (const auto &file : files) {
        SCOPED_TRACE(file.filename().string());
        // Before the call: an abort in the target leaves this as the last line.
        std::fprintf(stderr, "replaying %s\n", file.filename().c_str());
        std::ifstream in(file, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()), 0);
    }
}

} // namespace
