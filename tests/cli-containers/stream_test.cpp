// The byte-level pieces of attach/exec/logs: stdcopy demultiplexing and the
// detach-key escape proxy.
#include "detach_keys.h"
#include "errors.h"
#include "stdcopy.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace berth::cli;

TEST(Stdcopy, FramesSplitAnywhereArriveWhole) {
    std::ostringstream out, err;
    StdcopyDemuxer demux(out, err);
    const std::string all = stdcopy_frame(1, "hello ") + stdcopy_frame(2, "warn\n") + stdcopy_frame(1, "world\n");
    for (char c : all) demux.feed(std::string_view(&c, 1));
    EXPECT_EQ(out.str(), "hello world\n");
    EXPECT_EQ(err.str(), "warn\n");
    EXPECT_FALSE(demux.incomplete());
    demux.feed(stdcopy_frame(1, "cut").substr(0, 9));
    EXPECT_TRUE(demux.incomplete());
}

TEST(Stdcopy, ErrorFrameAndUnknownStream) {
    std::ostringstream out, err;
    StdcopyDemuxer demux(out, err);
    try {
        demux.feed(stdcopy_frame(3, "boom"));
        FAIL();
    } catch (const CliError& e) {
        EXPECT_STREQ(e.what(), "boom");
    }
    StdcopyDemuxer other(out, err);
    EXPECT_THROW(other.feed(stdcopy_frame(7, "x")), CliError);
}

TEST(Stdcopy, LargeFrameLength) {
    const std::string payload(70000, 'z');
    const std::string frame = stdcopy_frame(1, payload);
    EXPECT_EQ(static_cast<unsigned char>(frame[5]), 0x01);
    EXPECT_EQ(static_cast<unsigned char>(frame[6]), 0x11);
    EXPECT_EQ(static_cast<unsigned char>(frame[7]), 0x70);
    std::ostringstream out, err;
    StdcopyDemuxer demux(out, err);
    demux.feed(frame);
    EXPECT_EQ(out.str(), payload);
}

TEST(DetachKeys, DockersGrammar) {
    EXPECT_EQ(detach_key_bytes("ctrl-p,ctrl-q"), "\x10\x11");
    EXPECT_EQ(detach_key_bytes("a,ctrl-B"), "a\x02");
    EXPECT_EQ(detach_key_bytes("ctrl-@,ctrl-[,ctrl-_"), std::string("\0\x1b\x1f", 3));
    EXPECT_THROW(detach_key_bytes("ctrl-1"), CliError);
    EXPECT_THROW(detach_key_bytes("abc"), CliError);
}

TEST(DetachKeys, ScannerHoldsPrefixesAndReleasesMismatches) {
    DetachKeyScanner scanner("\x10\x11");
    auto r = scanner.feed("ab\x10");
    EXPECT_EQ(r.forward, "ab");
    EXPECT_FALSE(r.detached);
    r = scanner.feed("c");
    EXPECT_EQ(r.forward, "\x10" "c");
    r = scanner.feed("\x10\x10");
    EXPECT_EQ(r.forward, "\x10");
    r = scanner.feed("\x11trailing");
    EXPECT_TRUE(r.detached);
    EXPECT_EQ(r.forward, "");
}

TEST(DetachKeys, EmptySequenceNeverDetaches) {
    DetachKeyScanner scanner("");
    const auto r = scanner.feed("\x10\x11");
    EXPECT_EQ(r.forward, "\x10\x11");
    EXPECT_FALSE(r.detached);
}
