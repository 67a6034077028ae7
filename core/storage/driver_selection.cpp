#include "storage/driver_selection.h"

#include "plugins/registry.h"

#include <berth/storage.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <set>

namespace berth::storage {
namespace {

const std::vector<std::string> kPreferred = {"overlay2", "btrfs"};

bool has_entries(const std::filesystem::path &dir) {
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    return !ec && it != std::filesystem::directory_iterator();
}

// A driver that failed to start may have made empty directories in its
// home; remove them so they do not read as "data" on the next start.
void prune_empty_dirs(const std::filesystem::path &dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec) || std::filesystem::is_symlink(dir, ec)) return;
    for (const auto &e : std::filesystem::directory_iterator(dir, ec)) prune_empty_dirs(e.path());
    if (!has_entries(dir)) std::filesystem::remove(dir, ec);
}

std::string join(const std::vector<std::string> &v) {
    std::string out;
    for (const auto &s : v) out += (out.empty() ? "" : ", ") + s;
    return out;
}

} // namespace

std::vector<std::string> priority_order(std::vector<std::string> available) {
    std::sort(available.begin(), available.end(), [](const std::string &a, const std::string &b) {
        const auto ra = std::find(kPreferred.begin(), kPreferred.end(), a) - kPreferred.begin();
        const auto rb = std::find(kPreferred.begin(), kPreferred.end(), b) - kPreferred.begin();
        return ra != rb ? ra < rb : a < b;
    });
    available.erase(std::unique(available.begin(), available.end()), available.end());
    return available;
}

std::vector<std::string> drivers_with_data(const std::filesystem::path &storage_root) {
    std::vector<std::string> out;
    std::error_code ec;
    for (const auto &e : std::filesystem::directory_iterator(storage_root, ec))
        if (e.is_directory(ec) && has_entries(e.path())) out.push_back(e.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
}

Selection select_driver(plugins::PluginRegistry &registry, const std::filesystem::path &data_root,
                        const std::string &configured) {
    const auto storage_root = data_root / "storage";
    std::vector<std::string> known = registry.standby_drivers(BERTH_KIND_STORAGE);
    for (const auto &d : registry.drivers(BERTH_KIND_STORAGE)) known.push_back(d);
    Selection sel;

    auto try_start = [&](const std::string &driver) -> std::string {
        const std::string why = registry.activate(BERTH_KIND_STORAGE, driver);
        if (!why.empty()) prune_empty_dirs(storage_root / driver);
        return why;
    };
    auto note_rest = [&](const std::string &chosen, const std::string &why_not) {
        for (const auto &d : priority_order(known))
            if (d != chosen && std::none_of(sel.passed_over.begin(), sel.passed_over.end(),
                                            [&](const auto &p) { return p.first == d; }))
                sel.passed_over.emplace_back(d, why_not);
    };

    if (!configured.empty()) {
        if (const auto why = try_start(configured); !why.empty())
            throw SelectionError("storage driver " + configured + " (configured) cannot start: " + why);
        sel.driver = configured;
        sel.how = "configured";
        note_rest(configured, "storage-driver is set to " + configured);
        return sel;
    }

    const auto with_data = drivers_with_data(storage_root);
    if (with_data.size() > 1)
        throw SelectionError(storage_root.string() + " holds data of several storage drivers (" + join(with_data) +
                             "); choose one with --storage-driver or remove the others' directories");
    if (with_data.size() == 1) {
        const auto &driver = with_data.front();
        if (const auto why = try_start(driver); !why.empty())
            throw SelectionError("storage driver " + driver + " has data in " + (storage_root / driver).string() +
                                 " but cannot start: " + why);
        sel.driver = driver;
        sel.how = "existing data";
        note_rest(driver, "the data root already holds " + driver + " data");
        return sel;
    }

    // The preferred drivers are always considered, so a missing plugin file
    // is reported rather than silently skipped.
    std::vector<std::string> candidates = known;
    for (const auto &p : kPreferred) candidates.push_back(p);
    for (const auto &d : priority_order(candidates)) {
        if (!sel.driver.empty()) {
            sel.passed_over.emplace_back(d, "lower priority than " + sel.driver);
            continue;
        }
        const std::string why = try_start(d);
        if (why.empty()) {
            sel.driver = d;
            sel.how = "priority";
        } else {
            sel.passed_over.emplace_back(d, why);
        }
    }
    return sel;
}

} // namespace berth::storage
