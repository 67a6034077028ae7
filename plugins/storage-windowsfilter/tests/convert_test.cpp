// convert_test.cpp — convert_to_linux_tar: what the Linux view keeps.
#include "tar_fixture.hpp"
#include "windows_layer.hpp"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <unistd.h>

using namespace berth::windowsfilter;
using wf_test::ReadEntry;
using wf_test::TarBuilder;

namespace {

struct Converted {
    LayoutSummary summary;
    std::map<std::string, ReadEntry> entries;
    std::vector<std::string> order;
};

Converted convert(TarBuilder &t) {
    int out = wf_test::make_memfd();
    Converted c;
    c.summary = convert_to_linux_tar(t.fd(), out);
    for (auto &e : wf_test::read_tar(out)) {
        c.order.push_back(e.name);
        c.entries[e.name] = e;
    }
    ::close(out);
    return c;
}

} // namespace

TEST(ConvertToLinuxTar, StripsFilesAndDropsTheRest) {
    TarBuilder t;
    t.dir("Files").dir("Files/app").file("Files/app/run.exe", "MZ-content", 0755);
    t.file("Files/app/.wh.old.dll").symlink("Files/app/link", "C:\\app\\run.exe");
    t.hardlink("Files/app/run2.exe", "Files/app/run.exe");
    t.dir("Hives").file("Hives/Software_Delta", "regf");
    t.dir("UtilityVM").dir("UtilityVM/Files").file("UtilityVM/Files/bootmgr", "boot");
    Converted c = convert(t);

    EXPECT_EQ(c.summary.kind, LayerKind::base);
    // libarchive writes directory names with a trailing slash.
    std::vector<std::string> want = {"app/", "app/run.exe", "app/.wh.old.dll", "app/link", "app/run2.exe"};
    EXPECT_EQ(c.order, want);

    EXPECT_EQ(c.entries["app/"].type, 'd');
    EXPECT_EQ(c.entries["app/run.exe"].type, 'f');
    EXPECT_EQ(c.entries["app/run.exe"].data, "MZ-content");
    EXPECT_EQ(c.entries["app/run.exe"].mode, 0755);
    EXPECT_EQ(c.entries["app/.wh.old.dll"].type, 'f'); // the whiteout survives as is
    EXPECT_EQ(c.entries["app/link"].type, 'l');
    EXPECT_EQ(c.entries["app/link"].link, "C:\\app\\run.exe"); // link targets are content, untouched
    EXPECT_EQ(c.entries["app/run2.exe"].type, 'h');
    EXPECT_EQ(c.entries["app/run2.exe"].link, "app/run.exe"); // link names are stripped like paths
}

TEST(ConvertToLinuxTar, LargeFileDataIsCopied) {
    std::string big(3 * 1024 * 1024 + 17, '\0');
    for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 % 251);
    TarBuilder t;
    t.dir("Files").file("Files/big.bin", big);
    Converted c = convert(t);
    EXPECT_EQ(c.entries["big.bin"].data, big);
}

TEST(ConvertToLinuxTar, HivesOnlyLayerConvertsToAnEmptyTar) {
    TarBuilder t;
    t.dir("Files").dir("Hives").file("Hives/Sam_Delta", "regf");
    Converted c = convert(t);
    EXPECT_TRUE(c.order.empty());
    EXPECT_EQ(c.summary.kind, LayerKind::delta);
    EXPECT_EQ(c.summary.entries, 3u);
}

TEST(ConvertToLinuxTar, RefusesBadEntryByName) {
    TarBuilder t;
    t.dir("Files").file("Files/ok", "x").file("Files/sub/../../../escape", "x");
    int out = wf_test::make_memfd();
    try {
        convert_to_linux_tar(t.fd(), out);
        FAIL() << "converted a tar with '..'";
    } catch (const LayoutError &e) {
        EXPECT_EQ(e.entry(), "Files/sub/../../../escape");
        EXPECT_NE(std::string(e.what()).find("windowsfilter: entry \"Files/sub/../../../escape\""),
                  std::string::npos)
            << e.what();
    }
    ::close(out);
}
