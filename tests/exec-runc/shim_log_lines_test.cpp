// berth-shim's line splitting for the log driver (shim/log_lines.hpp),
// against dockerd's copier behaviour. No runc, no root.
#include "shim/log_lines.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using berth::shim::LineSplitter;

namespace {

struct Got {
    std::string line, partial_id;
    int partial = 0, ordinal = 0;
    int64_t time = 0;
    uint32_t source = 0;
};

struct Recorder {
    std::vector<std::vector<Got>> batches;
    LineSplitter::Sink sink() {
        return [this](const berth_log_entry *e, size_t n) {
            std::vector<Got> b;
            for (size_t i = 0; i < n; ++i)
                b.push_back({std::string(e[i].line.ptr, e[i].line.len),
                             std::string(e[i].partial_id.ptr == nullptr ? "" : e[i].partial_id.ptr,
                                         e[i].partial_id.len),
                             e[i].partial, e[i].partial_ordinal, e[i].time_unix_nano, e[i].source});
            batches.push_back(b);
        };
    }
    std::vector<Got> all() const {
        std::vector<Got> out;
        for (auto &b : batches) out.insert(out.end(), b.begin(), b.end());
        return out;
    }
};

} // namespace

TEST(ShimLogLines, CompleteLinesKeepTheirNewlineAndComeInOneBatch) {
    Recorder r;
    LineSplitter s(BERTH_LOG_STDERR, r.sink());
    s.feed("a\nbb\n", 5, 100);
    ASSERT_EQ(r.batches.size(), 1u);
    ASSERT_EQ(r.batches[0].size(), 2u);
    EXPECT_EQ(r.batches[0][0].line, "a\n");
    EXPECT_EQ(r.batches[0][1].line, "bb\n");
    EXPECT_EQ(r.batches[0][1].source, uint32_t{BERTH_LOG_STDERR});
    // Lines read together get distinct, rising stamps (the second is 1 ns on).
    EXPECT_EQ(r.batches[0][0].time, 100);
    EXPECT_EQ(r.batches[0][1].time, 101);
    EXPECT_EQ(r.batches[0][0].partial, 0);
    EXPECT_EQ(r.batches[0][0].ordinal, 0);
    EXPECT_TRUE(r.batches[0][0].partial_id.empty());
}

TEST(ShimLogLines, ALineSplitAcrossReadsWaitsForItsNewline) {
    Recorder r;
    LineSplitter s(BERTH_LOG_STDOUT, r.sink());
    s.feed("hel", 3, 1);
    EXPECT_TRUE(r.batches.empty());
    s.feed("lo\nwor", 6, 2);
    ASSERT_EQ(r.all().size(), 1u);
    EXPECT_EQ(r.all()[0].line, "hello\n");
    s.flush(3);
    ASSERT_EQ(r.all().size(), 2u);
    // The rest at EOF is a complete entry (the driver adds the newline).
    EXPECT_EQ(r.all()[1].line, "wor");
    EXPECT_EQ(r.all()[1].partial, 0);
    s.flush(4);
    EXPECT_EQ(r.all().size(), 2u);
}

TEST(ShimLogLines, LongLinesAreCutIntoPartsSharingIdAndTime) {
    Recorder r;
    LineSplitter s(BERTH_LOG_STDOUT, r.sink(), 4);
    std::string data = "0123456789\nok\n";
    s.feed(data.data(), 6, 10);    // "012345": one full part, "45" waits
    s.feed(data.data() + 6, data.size() - 6, 20);
    std::vector<Got> got = r.all();
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ(got[0].line, "0123");
    EXPECT_EQ(got[1].line, "4567");
    EXPECT_EQ(got[2].line, "89\n");
    EXPECT_EQ(got[3].line, "ok\n");
    EXPECT_EQ(got[0].partial, 1);
    EXPECT_EQ(got[1].partial, 1);
    EXPECT_EQ(got[2].partial, 0);  // the last part
    EXPECT_EQ(got[0].ordinal, 1);
    EXPECT_EQ(got[1].ordinal, 2);
    EXPECT_EQ(got[2].ordinal, 3);
    EXPECT_FALSE(got[0].partial_id.empty());
    EXPECT_EQ(got[0].partial_id, got[2].partial_id);
    EXPECT_EQ(got[2].time, 10);  // every part has the first part's time
    EXPECT_EQ(got[3].ordinal, 0);
    EXPECT_TRUE(got[3].partial_id.empty());
    EXPECT_EQ(got[3].time, 20);
}

TEST(ShimLogLines, EachLongLineGetsItsOwnPartialId) {
    Recorder r;
    LineSplitter s(BERTH_LOG_STDOUT, r.sink(), 2);
    s.feed("abc\ndef\n", 8, 1);
    std::vector<Got> got = r.all();
    ASSERT_EQ(got.size(), 4u);
    EXPECT_EQ(got[0].partial_id, got[1].partial_id);
    EXPECT_EQ(got[2].partial_id, got[3].partial_id);
    EXPECT_NE(got[0].partial_id, got[2].partial_id);
    EXPECT_EQ(got[2].ordinal, 1);
}

TEST(ShimLogLines, PartOfExactlyMaxLengthAtEofIsTheLastPart) {
    Recorder r;
    LineSplitter s(BERTH_LOG_STDOUT, r.sink(), 3);
    s.feed("abcdef", 6, 1);
    ASSERT_EQ(r.all().size(), 2u);  // "def" may still continue
    EXPECT_EQ(r.all()[1].partial, 1);
    s.flush(2);
    // Nothing is left; the stream ended with a partial part, as dockerd's.
    EXPECT_EQ(r.all().size(), 2u);
}
