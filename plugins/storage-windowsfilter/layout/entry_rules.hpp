// entry_rules.hpp — what may appear in a Windows container layer tar, one
// entry name at a time. Pure string rules, no I/O, so every refusal can be
// unit-tested directly.
//
// The layout (hcsshim's layer transport format, what dockerd's windowsfilter
// driver imports and exports):
//   Files/...            the container's C:\ drive
//   Hives/<Name>_Delta   registry hive deltas: DefaultUser, Sam, Security,
//                        Software, System (regular files, no subdirectories)
//   UtilityVM/Files/...  the utility VM image of a base layer (Hyper-V
//                        isolation)
//   .wh.<name>           whiteouts, under Files/ or UtilityVM/Files/ only
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace berth::windowsfilter {

// A refused or unreadable layer tar. entry() names the offending tar entry
// ("" when the stream itself failed); what() is the full message,
// "windowsfilter: entry \"<name>\": <reason>".
class LayoutError : public std::runtime_error {
public:
    LayoutError(std::string entry, const std::string &reason);
    const std::string &entry() const noexcept { return entry_; }

private:
    std::string entry_;
};

enum class EntryType { regular, directory, symlink, hardlink, other };

enum class Area { files, hives, utility_vm };

struct EntryRule {
    Area area = Area::files;
    // The name with "./" and trailing '/' removed.
    std::string name;
    // For Area::files: the name without "Files/", i.e. the path in a Linux
    // view of the layer; "" for the "Files" directory itself.
    std::string linux_name;
    bool whiteout = false; // basename starts with ".wh."
};

// Check one entry name of the given type; throws LayoutError naming `raw`.
EntryRule classify_entry(std::string_view raw, EntryType type);

// Check the target of a hard link entry `link` (already classified): it must
// be a valid entry name in the same area, and not a whiteout. Returns the
// target's rule (its linux_name is the Linux-view target).
EntryRule classify_link_target(std::string_view raw_link, const EntryRule &link, std::string_view raw_target);

// True for the registry hive delta names hcsshim writes under Hives/,
// compared case-insensitively as Windows does.
bool is_standard_hive(std::string_view file_name);

} // namespace berth::windowsfilter
