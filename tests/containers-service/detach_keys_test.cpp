// Docker's --detach-keys syntax (moby/term ToBytes) and the 8-byte stdcopy
// header of a multiplexed attach/logs stream.
#include "api/stdio_session.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using berth::api::ApiError;
using berth::api::parse_detach_keys;
using berth::api::stdcopy_frame;

namespace {

using Bytes = std::vector<unsigned char>;

// The ApiError a spec is refused with: "status message", or "accepted".
std::string refusal(const std::string &spec) {
    try {
        parse_detach_keys(spec);
    } catch (const ApiError &e) {
        return std::to_string(e.status()) + " " + e.what();
    }
    return "accepted";
}

} // namespace

TEST(DetachKeys, DefaultSequence) { EXPECT_EQ(parse_detach_keys("ctrl-p,ctrl-q"), (Bytes{16, 17})); }

TEST(DetachKeys, PlainCharactersAndControlKeys) {
    EXPECT_EQ(parse_detach_keys("a,ctrl-x"), (Bytes{'a', 24}));
    EXPECT_EQ(parse_detach_keys("ctrl-a"), (Bytes{1}));
    EXPECT_EQ(parse_detach_keys("ctrl-z"), (Bytes{26}));
    EXPECT_EQ(parse_detach_keys("x"), (Bytes{'x'}));
}

TEST(DetachKeys, ControlPunctuation) {
    EXPECT_EQ(parse_detach_keys("ctrl-@"), (Bytes{0}));
    EXPECT_EQ(parse_detach_keys("ctrl-["), (Bytes{27}));
    EXPECT_EQ(parse_detach_keys("ctrl-\\"), (Bytes{28}));
    EXPECT_EQ(parse_detach_keys("ctrl-]"), (Bytes{29}));
    EXPECT_EQ(parse_detach_keys("ctrl-^"), (Bytes{30}));
    EXPECT_EQ(parse_detach_keys("ctrl-_"), (Bytes{31}));
}

TEST(DetachKeys, BadKeysAreA400) {
    for (const std::string spec : {"ctrl-1", "ctrl-", "foo", "ctrl-pq", "ctrl-p,,ctrl-q"})
        EXPECT_EQ(refusal(spec).substr(0, 4), "400 ") << spec << ": " << refusal(spec);
    EXPECT_NE(refusal("ctrl-1").find("Invalid detach keys ("), std::string::npos);
}

// dockerd's message names the whole --detach-keys value ("Invalid detach keys (ctrl-p,bogus)
// provided").
TEST(DetachKeys, ErrorNamesTheWholeSpec) {
    EXPECT_EQ(refusal("ctrl-p,bogus"), "400 Invalid detach keys (ctrl-p,bogus) provided");
}

// moby/term accepts "DEL" (byte 127).
TEST(DetachKeys, DelIsByte127) { EXPECT_EQ(parse_detach_keys("ctrl-p,DEL"), (Bytes{16, 127})); }

TEST(StdcopyFrame, HeaderIsStreamThenBigEndianLength) {
    EXPECT_EQ(stdcopy_frame(1, "hello", 5), std::string("\x01\0\0\0\0\0\0\x05hello", 13));
    EXPECT_EQ(stdcopy_frame(2, "", 0), std::string("\x02\0\0\0\0\0\0\0", 8));
    const std::string big(70000, 'x'); // 0x00011170
    const std::string f = stdcopy_frame(2, big.data(), big.size());
    ASSERT_EQ(f.size(), 8 + big.size());
    EXPECT_EQ(f.substr(0, 8), std::string("\x02\0\0\0\0\x01\x11\x70", 8));
    EXPECT_EQ(f.substr(8), big);
}
