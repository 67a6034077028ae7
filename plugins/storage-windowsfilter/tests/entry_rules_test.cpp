// entry_rules_test.cpp — the name rules, one entry at a time.
#include "entry_rules.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace berth::windowsfilter;

namespace {

// The LayoutError message of classify_entry(name, type); "" if accepted.
std::string refusal(const std::string &name, EntryType type = EntryType::regular) {
    try {
        classify_entry(name, type);
        return "";
    } catch (const LayoutError &e) {
        EXPECT_EQ(e.entry(), name);
        return e.what();
    }
}

} // namespace

TEST(EntryRules, FilesEntriesMapToLinuxNames) {
    auto r = classify_entry("Files/Windows/System32/notepad.exe", EntryType::regular);
    EXPECT_EQ(r.area, Area::files);
    EXPECT_EQ(r.linux_name, "Windows/System32/notepad.exe");
    EXPECT_FALSE(r.whiteout);

    auto root = classify_entry("Files/", EntryType::directory);
    EXPECT_EQ(root.area, Area::files);
    EXPECT_EQ(root.linux_name, "");

    auto dotted = classify_entry("./Files/app/", EntryType::directory);
    EXPECT_EQ(dotted.name, "Files/app");
    EXPECT_EQ(dotted.linux_name, "app");
}

TEST(EntryRules, AlternateDataStreamNamesAreFiles) {
    // hcsshim writes alternate data streams as "<file>:<stream>:$DATA".
    auto r = classify_entry("Files/a.txt:Zone.Identifier:$DATA", EntryType::regular);
    EXPECT_EQ(r.linux_name, "a.txt:Zone.Identifier:$DATA");
}

TEST(EntryRules, WhiteoutsUnderFilesAndUtilityVm) {
    auto r = classify_entry("Files/Program Files/.wh.old.dll", EntryType::regular);
    EXPECT_TRUE(r.whiteout);
    EXPECT_EQ(r.linux_name, "Program Files/.wh.old.dll");
    EXPECT_TRUE(classify_entry("UtilityVM/Files/EFI/.wh.x", EntryType::regular).whiteout);
}

TEST(EntryRules, StandardHivesAccepted) {
    for (const char *h : {"DefaultUser_Delta", "Sam_Delta", "Security_Delta", "Software_Delta", "System_Delta"}) {
        auto r = classify_entry(std::string("Hives/") + h, EntryType::regular);
        EXPECT_EQ(r.area, Area::hives) << h;
    }
    EXPECT_TRUE(is_standard_hive("SOFTWARE_DELTA")); // Windows compares names case-insensitively
    EXPECT_FALSE(is_standard_hive("Software"));
    EXPECT_EQ(classify_entry("Hives", EntryType::directory).area, Area::hives);
}

TEST(EntryRules, UtilityVmOnlyUnderFiles) {
    EXPECT_EQ(classify_entry("UtilityVM", EntryType::directory).area, Area::utility_vm);
    EXPECT_EQ(classify_entry("UtilityVM/Files", EntryType::directory).area, Area::utility_vm);
    EXPECT_EQ(classify_entry("UtilityVM/Files/EFI/Microsoft/Boot/BCD", EntryType::regular).area, Area::utility_vm);
    EXPECT_NE(refusal("UtilityVM/Other/x").find("UtilityVM/ holds only Files/"), std::string::npos);
}

TEST(EntryRules, RefusesEscapes) {
    EXPECT_NE(refusal("/Files/x").find("absolute name"), std::string::npos);
    EXPECT_NE(refusal("Files/../../etc/passwd").find("'..' component"), std::string::npos);
    EXPECT_NE(refusal("Files/a/./b").find("'.' component"), std::string::npos);
    EXPECT_NE(refusal("Files/a//b").find("empty or '.' component"), std::string::npos);
    EXPECT_NE(refusal("Files\\..\\x").find("backslash"), std::string::npos);
    EXPECT_NE(refusal("./", EntryType::directory).find("tar root"), std::string::npos);
}

TEST(EntryRules, RefusesEntriesOutsideTheLayout) {
    std::string msg = refusal("etc/passwd");
    EXPECT_NE(msg.find("entry \"etc/passwd\""), std::string::npos) << msg;
    EXPECT_NE(msg.find("outside Files/, Hives/ and UtilityVM/"), std::string::npos) << msg;
    EXPECT_NE(refusal("files/x").find("outside"), std::string::npos); // the top-level names are exact
    EXPECT_NE(refusal("Files", EntryType::regular).find("must be a directory"), std::string::npos);
}

TEST(EntryRules, RefusesBadHives) {
    EXPECT_NE(refusal("Hives/Foo").find("not a registry hive delta"), std::string::npos);
    EXPECT_NE(refusal("Hives/sub/System_Delta").find("no subdirectories"), std::string::npos);
    EXPECT_NE(refusal("Hives/System_Delta", EntryType::directory).find("regular file"), std::string::npos);
    EXPECT_NE(refusal("Hives/System_Delta", EntryType::symlink).find("regular file"), std::string::npos);
    EXPECT_NE(refusal("Hives/.wh.System_Delta").find("whiteouts are allowed under"), std::string::npos);
}

TEST(EntryRules, RefusesBadWhiteouts) {
    EXPECT_NE(refusal("Files/dir/.wh..wh..opq").find("opaque"), std::string::npos);
    EXPECT_NE(refusal("Files/.wh.").find("without a file name"), std::string::npos);
    EXPECT_NE(refusal("Files/.wh..").find("without a file name"), std::string::npos);
    EXPECT_NE(refusal("Files/.wh.x", EntryType::directory).find("is a directory"), std::string::npos);
}

TEST(EntryRules, RefusesDevices) {
    EXPECT_NE(refusal("Files/dev/null", EntryType::other).find("device or fifo"), std::string::npos);
}

TEST(EntryRules, HardLinkTargetsStayInTheirArea) {
    auto link = classify_entry("Files/b.dll", EntryType::hardlink);
    EXPECT_EQ(classify_link_target("Files/b.dll", link, "Files/a.dll").linux_name, "a.dll");
    try {
        classify_link_target("Files/b.dll", link, "UtilityVM/Files/a.dll");
        FAIL() << "cross-area link accepted";
    } catch (const LayoutError &e) {
        EXPECT_EQ(e.entry(), "Files/b.dll");
        EXPECT_NE(std::string(e.what()).find("outside the link's area"), std::string::npos);
    }
    EXPECT_THROW(classify_link_target("Files/b.dll", link, "Files/../x"), LayoutError);
    EXPECT_THROW(classify_link_target("Files/b.dll", link, "Files"), LayoutError);
}
