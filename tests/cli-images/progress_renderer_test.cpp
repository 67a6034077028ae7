// The progress renderer: docker's JSON message stream as plain lines (pipes,
// logs) and as in-place redrawn lines on a terminal.
#include "errors.h"
#include "progress_renderer.h"

#include <gtest/gtest.h>

#include <sstream>
#include <string>

using namespace berth::cli;

namespace {

const std::string kPullStream =
    "{\"status\":\"Pulling from library/busybox\",\"id\":\"latest\"}\r\n"
    "{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"9ad63333ebc9\"}\r\n"
    "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1000,\"total\":2000},"
    "\"progress\":\"[==>  ]\",\"id\":\"9ad63333ebc9\"}\r\n"
    "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":2000,\"total\":2000},\"id\":\"9ad63333ebc9\"}\r\n"
    "{\"status\":\"Download complete\",\"progressDetail\":{},\"id\":\"9ad63333ebc9\"}\r\n"
    "{\"status\":\"Extracting\",\"progressDetail\":{\"current\":100,\"total\":2000},\"id\":\"9ad63333ebc9\"}\r\n"
    "{\"status\":\"Extracting\",\"progressDetail\":{\"current\":2000,\"total\":2000},\"id\":\"9ad63333ebc9\"}\r\n"
    "{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"9ad63333ebc9\"}\r\n"
    "{\"status\":\"Digest: sha256:abc\"}\r\n"
    "{\"status\":\"Status: Downloaded newer image for busybox:latest\"}\r\n";

const std::string kPullPlain =
    "latest: Pulling from library/busybox\n"
    "9ad63333ebc9: Pulling fs layer\n"
    "9ad63333ebc9: Downloading\n"
    "9ad63333ebc9: Download complete\n"
    "9ad63333ebc9: Extracting\n"
    "9ad63333ebc9: Pull complete\n"
    "Digest: sha256:abc\n"
    "Status: Downloaded newer image for busybox:latest\n";

std::string render_plain(const std::string& stream, std::size_t piece) {
    std::ostringstream out;
    ProgressRenderer r(out, {});
    for (std::size_t i = 0; i < stream.size(); i += piece) r.feed(std::string_view(stream).substr(i, piece));
    r.finish();
    EXPECT_FALSE(r.error().has_value());
    return out.str();
}

}  // namespace

TEST(ProgressRenderer, PlainOutputPrintsOneLinePerStatusChange) {
    EXPECT_EQ(render_plain(kPullStream, kPullStream.size()), kPullPlain);
}

TEST(ProgressRenderer, ObjectsSplitAcrossChunksAtEveryPosition) {
    for (std::size_t piece : {1u, 2u, 3u, 7u, 13u, 64u}) EXPECT_EQ(render_plain(kPullStream, piece), kPullPlain) << piece;
}

TEST(ProgressRenderer, AcceptsBareNewlinesAndAFinalObjectWithoutTerminator) {
    std::ostringstream out;
    ProgressRenderer r(out, {});
    r.feed("{\"status\":\"one\"}\n\n{\"status\":");
    r.feed("\"two\"}");
    EXPECT_EQ(out.str(), "one\n");
    r.finish();
    EXPECT_EQ(out.str(), "one\ntwo\n");
}

TEST(ProgressRenderer, ErrorDetailStopsTheDisplayAndIsReported) {
    std::ostringstream out;
    ProgressRenderer r(out, {});
    r.feed("{\"status\":\"Pulling from library/x\",\"id\":\"latest\"}\r\n"
           "{\"errorDetail\":{\"message\":\"unauthorized: authentication required\"},"
           "\"error\":\"unauthorized: authentication required\"}\r\n"
           "{\"status\":\"not shown\"}\r\n");
    r.finish();
    ASSERT_TRUE(r.error().has_value());
    EXPECT_EQ(*r.error(), "unauthorized: authentication required");
    EXPECT_EQ(out.str(), "latest: Pulling from library/x\n");
}

TEST(ProgressRenderer, PlainErrorFieldWithoutDetailIsAnOrdinaryLine) {
    std::ostringstream out;
    ProgressRenderer r(out, {});
    r.feed("{\"error\":\"old style\"}\n");
    r.finish();
    EXPECT_FALSE(r.error().has_value());
    EXPECT_EQ(out.str(), "old style\n");
}

TEST(ProgressRenderer, StreamFieldsPrintRawAndAuxIsIgnored) {
    std::ostringstream out;
    ProgressRenderer r(out, {});
    r.feed("{\"stream\":\"Loaded image: busybox:latest\\n\"}\r\n"
           "{\"aux\":{\"Tag\":\"latest\",\"Digest\":\"sha256:x\",\"Size\":527}}\r\n"
           "{\"stream\":\"no newline \"}\r\n{\"stream\":\"here\\n\"}\r\n");
    r.finish();
    EXPECT_EQ(out.str(), "Loaded image: busybox:latest\nno newline here\n");
}

TEST(ProgressRenderer, NonJsonLineIsAnError) {
    std::ostringstream out;
    ProgressRenderer r(out, {});
    EXPECT_THROW(r.feed("<html>oops</html>\n"), CliError);
}

TEST(ProgressRenderer, PlainOutputHasNoEscapeCodesOrBars) {
    const std::string out = render_plain(kPullStream, 5);
    EXPECT_EQ(out.find('\x1b'), std::string::npos);
    EXPECT_EQ(out.find('['), std::string::npos);
    EXPECT_EQ(out.find('\r'), std::string::npos);
}

TEST(ProgressRenderer, TerminalRedrawsEachLayerLineInPlace) {
    std::ostringstream out;
    ProgressRenderer r(out, {true, 80});
    r.feed("{\"status\":\"Pulling from library/busybox\",\"id\":\"latest\"}\r\n"
           "{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"aaa\"}\r\n"
           "{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"bbb\"}\r\n"
           "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1000,\"total\":2000},\"id\":\"aaa\"}\r\n"
           "{\"status\":\"Digest: sha256:abc\"}\r\n");
    r.finish();
    EXPECT_EQ(out.str(),
              "latest: Pulling from library/busybox\n"
              // new line for aaa, up 1, draw, down 1
              "\n\x1b[1A\x1b[2K\raaa: Pulling fs layer \r\x1b[1B"
              // new line for bbb, drawn one up
              "\n\x1b[1A\x1b[2K\rbbb: Pulling fs layer \r\x1b[1B"
              // aaa is two lines up now
              "\x1b[2A\x1b[2K\raaa: Downloading      1kB/2kB\r\x1b[2B"
              "Digest: sha256:abc\n");
}

TEST(ProgressRenderer, ProgressTextMatchesDocker) {
    EXPECT_EQ(ProgressRenderer::progress_text(0, 0, 200), "");
    EXPECT_EQ(ProgressRenderer::progress_text(1500, 0, 200), "   1.5kB");
    EXPECT_EQ(ProgressRenderer::progress_text(1000, 2000, 80), "     1kB/2kB");
    EXPECT_EQ(ProgressRenderer::progress_text(1000, 2000, 120),
              "[" + std::string(25, '=') + ">" + std::string(25, ' ') + "]      1kB/2kB");
    EXPECT_EQ(ProgressRenderer::progress_text(4260000, 4260000, 120),
              "[" + std::string(50, '=') + ">] " + "  4.26MB/4.26MB");
    // More than the total (a resumed download): no counters, bar capped.
    EXPECT_EQ(ProgressRenderer::progress_text(3000, 2000, 80), "");
}
