// berth-plugin-conformance — the storage driver contract as a test: load a
// vendor's plugin file, act as its host, and judge every documented
// semantic of storage.h. Built from the SDK alone (headers + libarchive).
#include "check.hpp"
#include "fs.hpp"
#include "kit_host.hpp"
#include "loader.hpp"
#include "mountinfo.hpp"
#include "options.hpp"
#include "runner.hpp"
#include "session.hpp"

#include <sys/mount.h>
#include <sys/stat.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace conformance;

namespace {

// Default home and the kit's own files live on the normal disk: a 1 GiB
// sparse file's tar may not be sparse, and /tmp can be a small tmpfs.
constexpr const char *work_parent = "/var/tmp";

// A broken driver may leave mounts behind (its failing cases said so).
// Under the kit's own directory (the default home) they are the kit's to
// detach, deepest first, so a vendor's machine is not left with them; a
// --home the user gave is left alone.
void release_leftover_mounts(const std::string &work) {
    std::vector<std::string> left = mounts_under(work);
    for (auto it = left.rbegin(); it != left.rend(); ++it) {
        std::fprintf(stderr, "conformance: detaching %s, which the driver left mounted\n", it->c_str());
        if (::umount2(it->c_str(), MNT_DETACH) != 0)
            std::fprintf(stderr, "conformance: umount %s: %s\n", it->c_str(), std::strerror(errno));
    }
}

void list_cases() {
    for (const auto &[name, about] : load_cases()) std::printf("%-42s %s\n", name, about);
    for (const Case &c : storage_cases()) std::printf("%-42s %s\n", c.name, c.about);
}

int run(const Options &opt) {
    std::string work = make_temp_dir(work_parent, "berth-conformance-");
    for (const char *sub : {"/run", "/state", "/scratch", "/outside"}) make_dirs(work + sub, 0700);
    std::string home = opt.home;
    if (home.empty()) {
        home = work + "/home";
        make_dirs(home, 0711);
    } else {
        make_dirs(home, 0711); // host.h: home_dir exists
        char buf[PATH_MAX];
        if (::realpath(home.c_str(), buf) != nullptr) home = buf;
    }
    std::fprintf(stderr, "conformance: home_dir %s, kit files in %s\n", home.c_str(), work.c_str());

    Reporter rep;
    int rc = 1;
    std::optional<Loaded> loaded = load_plugin(opt.plugin, opt.driver, rep);
    if (!loaded) {
        rep.summary();
    } else {
        KitHost host(home, work + "/run", work + "/state", std::string("driver ") + loaded->entry->name);
        Session session(*loaded, host);
        Status st = session.init();
        if (st.code == BERTH_E_PREREQ) {
            rep.note("skipped: driver not usable here: " + st.message);
            std::printf("0 passed, 0 failed\n");
            std::fflush(stdout);
            rc = 77;
        } else if (!st.ok()) {
            rep.fail("plugin.init", "init(\"{}\") returned " + st.describe());
            rep.summary();
        } else {
            rep.pass("plugin.init");
            Driver drv(static_cast<const berth_storage_ops *>(loaded->entry->ops), loaded->entry->ops_size,
                       loaded->entry->caps, session.instance());
            auto restart = [&] {
                session.fini();
                Status again = session.init();
                if (!again.ok()) fail("init after fini (a restart on the same home) returned " + again.describe());
                drv.set_instance(session.instance());
            };
            RunEnv env{drv, host, home, work + "/scratch", work + "/outside", restart, opt.filter};
            run_storage_cases(env, rep);
            rep.summary();
            rc = rep.failed() == 0 ? 0 : 1;
        }
        session.fini();
    }
    release_leftover_mounts(work);
    // Removing never crosses into a mount that is still there.
    remove_tree(work);
    return rc;
}

} // namespace

int main(int argc, char **argv) {
    Options opt;
    int code = 0;
    if (!parse_options(argc, argv, opt, code)) return code;
    if (opt.list) {
        list_cases();
        return 0;
    }
    try {
        return run(opt);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "berth-plugin-conformance: %s\n", e.what());
        return 1;
    }
}
