// validate_test.cpp — validate_layer_tar on whole tars built with libarchive.
#include "tar_fixture.hpp"
#include "windows_layer.hpp"

#include <gtest/gtest.h>

#include <string>
#include <unistd.h>

using namespace berth::windowsfilter;
using wf_test::TarBuilder;

namespace {

// Exported delta layers carry Files/ changes, whiteouts and hive deltas.
void add_delta_layer(TarBuilder &t) {
    t.dir("Files").dir("Files/app").file("Files/app/run.exe", "MZ...").file("Files/app/.wh.old.dll");
    t.dir("Hives").file("Hives/Software_Delta", "regf").file("Hives/System_Delta", "regf");
}

// Expect validate_layer_tar to refuse, naming `entry`.
void expect_refused(TarBuilder &t, const std::string &entry, const std::string &reason) {
    try {
        validate_layer_tar(t.fd());
        FAIL() << "accepted a tar with " << entry;
    } catch (const LayoutError &e) {
        EXPECT_EQ(e.entry(), entry);
        std::string msg = e.what();
        EXPECT_NE(msg.find("\"" + entry + "\""), std::string::npos) << msg;
        EXPECT_NE(msg.find(reason), std::string::npos) << msg;
    }
}

} // namespace

TEST(ValidateLayerTar, DeltaLayer) {
    TarBuilder t;
    add_delta_layer(t);
    LayoutSummary s = validate_layer_tar(t.fd());
    EXPECT_EQ(s.kind, LayerKind::delta);
    EXPECT_TRUE(s.has_files);
    EXPECT_TRUE(s.has_hives);
    EXPECT_FALSE(s.has_utility_vm);
    EXPECT_EQ(s.entries, 7u);
    EXPECT_EQ(s.whiteouts, 1u);
}

TEST(ValidateLayerTar, BaseLayerHasAUtilityVm) {
    TarBuilder t;
    t.dir("Files").dir("Files/Windows").dir("Files/Windows/System32").dir("Files/Windows/System32/config");
    t.file("Files/Windows/System32/config/SYSTEM").file("Files/Windows/System32/config/SOFTWARE");
    t.dir("UtilityVM").dir("UtilityVM/Files").dir("UtilityVM/Files/EFI").file("UtilityVM/Files/EFI/BCD", "bcd");
    LayoutSummary s = validate_layer_tar(t.fd());
    EXPECT_EQ(s.kind, LayerKind::base);
    EXPECT_TRUE(s.has_utility_vm);
    EXPECT_FALSE(s.has_hives);
}

TEST(ValidateLayerTar, EmptyTarIsAnEmptyDelta) {
    TarBuilder t;
    LayoutSummary s = validate_layer_tar(t.fd());
    EXPECT_EQ(s.kind, LayerKind::delta);
    EXPECT_EQ(s.entries, 0u);
}

TEST(ValidateLayerTar, GzipCompressedTar) {
    TarBuilder t(/*gzip=*/true);
    add_delta_layer(t);
    EXPECT_EQ(validate_layer_tar(t.fd()).entries, 7u);
}

TEST(ValidateLayerTar, RefusesEntryOutsideTheLayout) {
    TarBuilder t;
    add_delta_layer(t);
    t.file("etc/passwd", "root:x:0:0");
    expect_refused(t, "etc/passwd", "outside Files/, Hives/ and UtilityVM/");
}

TEST(ValidateLayerTar, RefusesDotDot) {
    TarBuilder t;
    t.dir("Files").file("Files/../../evil", "x");
    expect_refused(t, "Files/../../evil", "'..' component");
}

TEST(ValidateLayerTar, RefusesAbsoluteName) {
    TarBuilder t;
    t.file("/Files/evil", "x");
    expect_refused(t, "/Files/evil", "absolute name");
}

TEST(ValidateLayerTar, RefusesUnknownHive) {
    TarBuilder t;
    t.dir("Hives").file("Hives/NotAHive", "x");
    expect_refused(t, "Hives/NotAHive", "not a registry hive delta");
}

TEST(ValidateLayerTar, RefusesHiveThatIsNotAFile) {
    TarBuilder t;
    t.dir("Hives").symlink("Hives/System_Delta", "elsewhere");
    expect_refused(t, "Hives/System_Delta", "must be a regular file");
}

TEST(ValidateLayerTar, RefusesWhiteoutInHives) {
    TarBuilder t;
    t.dir("Hives").file("Hives/.wh.Sam_Delta");
    expect_refused(t, "Hives/.wh.Sam_Delta", "whiteouts are allowed under Files/ and UtilityVM/Files/ only");
}

TEST(ValidateLayerTar, RefusesFifo) {
    TarBuilder t;
    t.dir("Files").fifo("Files/pipe");
    expect_refused(t, "Files/pipe", "device or fifo");
}

TEST(ValidateLayerTar, RefusesHardLinkOutOfItsArea) {
    TarBuilder t;
    t.dir("Files").file("Files/a", "x").hardlink("Files/b", "Hives/System_Delta");
    expect_refused(t, "Files/b", "outside the link's area");
}

TEST(ValidateLayerTar, RefusesNonTarInput) {
    int fd = wf_test::make_memfd();
    std::string junk(2048, 'x');
    ASSERT_EQ(::write(fd, junk.data(), junk.size()), static_cast<ssize_t>(junk.size()));
    ::lseek(fd, 0, SEEK_SET);
    try {
        validate_layer_tar(fd);
        FAIL() << "accepted garbage";
    } catch (const LayoutError &e) {
        EXPECT_EQ(e.entry(), "");
        EXPECT_NE(std::string(e.what()).find("cannot read layer tar"), std::string::npos) << e.what();
    }
    ::close(fd);
}
