// What `berth build` prints: docker's upload counter and the reply stream,
// with the image ID and the failed step's exit code picked out of it.
#include "build_output.h"

#include <gtest/gtest.h>

#include <sstream>

#include "errors.h"

using namespace berth::cli;

TEST(ContextUploadProgress, LineAsDockerPrintsIt) {
    EXPECT_EQ(ContextUploadProgress::line(2048), "Sending build context to Docker daemon  2.048kB");
    EXPECT_EQ(ContextUploadProgress::line(0), "Sending build context to Docker daemon       0B");
    EXPECT_EQ(ContextUploadProgress::line(12'345'678), "Sending build context to Docker daemon  12.35MB");
}

TEST(ContextUploadProgress, SmallContextPrintsOnlyTheFinalCount) {
    std::ostringstream out;
    ContextUploadProgress progress(out);
    progress.add(1000);
    progress.add(1048);
    progress.finish();
    progress.finish();  // once only
    EXPECT_EQ(out.str(), "Sending build context to Docker daemon  2.048kB\r\r\n");
}

TEST(ContextUploadProgress, LargeContextShowsUpdatesInPlace) {
    std::ostringstream out;
    ContextUploadProgress progress(out);
    progress.add(600 * 1024);
    progress.finish();
    EXPECT_EQ(out.str(), "Sending build context to Docker daemon  614.4kB\r"
                         "Sending build context to Docker daemon  614.4kB\r\r\n");
}

TEST(BuildStreamDisplay, StreamTextAsIsAndTheImageId) {
    std::ostringstream out;
    BuildStreamDisplay display(out, {});
    display.feed("{\"stream\":\"Step 1/2 : FROM busybox\\n\"}\r\n{\"stream\":\" ---> 1a2b3c4d5e6f\\n\"}\r\n{\"aux\":{\"ID\":\"sha256:ab");
    display.feed("cd\"}}\r\n{\"stream\":\"Successfully built abcd\\n\"}\r\n{\"stream\":\"Successfully tagged demo:latest\\n\"}");
    display.finish();
    EXPECT_EQ(out.str(),
              "Step 1/2 : FROM busybox\n ---> 1a2b3c4d5e6f\nSuccessfully built abcd\nSuccessfully tagged demo:latest\n");
    EXPECT_EQ(display.image_id(), "sha256:abcd");
    EXPECT_FALSE(display.failure());
}

TEST(BuildStreamDisplay, ErrorDetailCarriesTheExitCode) {
    std::ostringstream out;
    BuildStreamDisplay display(out, {});
    display.feed("{\"stream\":\" ---> Running in 0123456789ab\\n\"}\r\n"
                 "{\"errorDetail\":{\"code\":3,\"message\":\"The command '/bin/sh -c exit 3' returned a non-zero code: 3\"},"
                 "\"error\":\"The command '/bin/sh -c exit 3' returned a non-zero code: 3\"}\r\n"
                 "{\"stream\":\"ignored after the error\\n\"}\r\n");
    display.finish();
    ASSERT_TRUE(display.failure());
    EXPECT_EQ(display.failure()->code, 3);
    EXPECT_EQ(display.failure()->message, "The command '/bin/sh -c exit 3' returned a non-zero code: 3");
    EXPECT_EQ(out.str(), " ---> Running in 0123456789ab\n");
}

TEST(BuildStreamDisplay, ErrorWithoutCodeOrMessage) {
    std::ostringstream out;
    BuildStreamDisplay display(out, {});
    display.feed("{\"errorDetail\":{},\"error\":\"plain\"}\n");
    display.finish();
    ASSERT_TRUE(display.failure());
    EXPECT_EQ(display.failure()->code, 0);
    EXPECT_EQ(display.failure()->message, "plain");
}

TEST(BuildStreamDisplay, BasePullProgressGoesThroughTheRenderer) {
    std::ostringstream out;
    BuildStreamDisplay display(out, {});
    display.feed("{\"stream\":\"Step 1/1 : FROM busybox\\n\"}\n"
                 "{\"status\":\"Pulling from library/busybox\",\"id\":\"latest\"}\n"
                 "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":1,\"total\":9},\"id\":\"9ad63333ebc9\"}\n"
                 "{\"status\":\"Downloading\",\"progressDetail\":{\"current\":5,\"total\":9},\"id\":\"9ad63333ebc9\"}\n"
                 "{\"status\":\"Pull complete\",\"progressDetail\":{},\"id\":\"9ad63333ebc9\"}\n");
    display.finish();
    EXPECT_EQ(out.str(),
              "Step 1/1 : FROM busybox\nlatest: Pulling from library/busybox\n9ad63333ebc9: Downloading\n"
              "9ad63333ebc9: Pull complete\n");
}

TEST(BuildStreamDisplay, NonJsonReplyIsAnError) {
    std::ostringstream out;
    BuildStreamDisplay display(out, {});
    EXPECT_THROW(
        {
            display.feed("<html>\n");
            display.finish();
        },
        CliError);
}
