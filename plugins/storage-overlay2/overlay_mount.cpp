// overlay_mount.cpp — see overlay_mount.hpp.
#include "overlay_mount.hpp"

#include "errors.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstddef>
#include <memory>
#include <thread>

namespace berth::overlay2 {

namespace fs = std::filesystem;

static std::string joined(const fs::path &base, const std::string &rel) {
    return base.empty() ? rel : (base / rel).native();
}

std::string overlay_options(const OverlaySpec &spec, const fs::path &base) {
    std::string opts;
    if (spec.index_off) opts += "index=off,";
    opts += "lowerdir=";
    for (size_t i = 0; i < spec.lowers.size(); ++i) {
        if (i != 0) opts += ':';
        opts += joined(base, spec.lowers[i]);
    }
    if (!spec.upper.empty()) {
        opts += ",upperdir=" + joined(base, spec.upper);
        opts += ",workdir=" + joined(base, spec.work);
    }
    if (spec.volatile_mount && !spec.upper.empty()) opts += ",volatile";
    // Quoted: an MCS label ("s0:c1,c2") contains commas.
    if (!spec.mount_label.empty()) opts += ",context=\"" + spec.mount_label + "\"";
    return opts;
}

namespace {

struct ChildArgs {
    const char *dir;
    const char *target;
    const char *data;
    unsigned long flags;
    int err; // written by the child; -1 = it never got that far
};

// Runs in the child, which shares our memory (CLONE_VM) while this thread
// waits (CLONE_VFORK): only raw system calls, no allocation, no locks.
int mount_child(void *p) {
    auto *a = static_cast<ChildArgs *>(p);
    if (::syscall(SYS_chdir, a->dir) != 0) {
        a->err = errno;
        return 1;
    }
    if (::syscall(SYS_mount, "overlay", a->target, "overlay", a->flags, a->data) != 0) {
        a->err = errno;
        return 1;
    }
    a->err = 0;
    return 0;
}

// mount(2) from inside dir, so relative paths in data resolve against it.
// The working directory is per process, so a child does it rather than this
// thread changing the daemon's cwd under every other thread. The child is
// created posix_spawn-style (CLONE_VM | CLONE_VFORK, no copy of the daemon's
// address space) with exit signal 0: a daemon-wide waitpid(-1) reaper (the
// exec driver's, say) never sees it, and we reap it with __WCLONE.
int mount_from(const fs::path &dir, const std::string &target, unsigned long flags,
               const std::string &data) {
    ChildArgs args{dir.c_str(), target.c_str(), data.c_str(), flags, -1};
    constexpr size_t stack_size = 64 * 1024;
    auto stack = std::make_unique<std::max_align_t[]>(stack_size / sizeof(std::max_align_t));
    char *stack_top = reinterpret_cast<char *>(stack.get()) + stack_size;
    // Block signals so no handler of the daemon runs on the child's stack
    // while it shares our memory; the child exits with them still blocked.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    const pid_t pid = ::clone(mount_child, stack_top, CLONE_VM | CLONE_VFORK, &args);
    const int clone_err = errno;
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (pid < 0) fail_errno(clone_err, "overlay mount: clone", "", BERTH_E_IO);
    int status = 0;
    while (::waitpid(pid, &status, __WCLONE) < 0 && errno == EINTR) {
    }
    return args.err < 0 ? ECHILD : args.err;
}

} // namespace

void mount_overlay(const fs::path &base, const OverlaySpec &spec, const std::string &target_rel) {
    const auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    const unsigned long flags = spec.upper.empty() ? MS_RDONLY : 0;
    const fs::path target = base / target_rel;

    std::string data = overlay_options(spec, base);
    int err = 0;
    if (data.size() < page) {
        err = ::mount("overlay", target.c_str(), "overlay", flags, data.c_str()) == 0 ? 0 : errno;
    } else {
        data = overlay_options(spec, fs::path());
        if (data.size() >= page)
            fail(BERTH_E_RANGE, "mount " + target.native() + ": the overlay options for " +
                                    std::to_string(spec.lowers.size()) + " lower layers need " +
                                    std::to_string(data.size() + 1) + " bytes, more than a page (" +
                                    std::to_string(page) + ")");
        err = mount_from(base, target_rel, flags, data);
    }
    if (err == EINVAL && spec.volatile_mount && !spec.upper.empty()) {
        // A kernel before 5.10 knows no "volatile": the same mount with syncs.
        OverlaySpec plain = spec;
        plain.volatile_mount = false;
        mount_overlay(base, plain, target_rel);
        return;
    }
    // The kernel's reason for a refused overlay is usually EINVAL, which is
    // not the caller's bad argument: report IO (PERM when it was refused).
    if (err != 0)
        fail_errno(err, "mount overlay on", target.native() + " (" + data + ")",
                   err == EPERM || err == EACCES ? BERTH_E_PERM : BERTH_E_IO);
}

void unmount_overlay(const fs::path &target) {
    using namespace std::chrono_literals;
    for (int attempt = 0; attempt < 5; ++attempt) {
        if (::umount2(target.c_str(), UMOUNT_NOFOLLOW) == 0) return;
        if (errno == EINVAL || errno == ENOENT) return; // not mounted (any more)
        if (errno != EBUSY) fail_errno(errno, "unmount", target.native());
        std::this_thread::sleep_for(20ms * (attempt + 1));
    }
    // Still busy (a process holds a file in it): detach it from the tree now;
    // the kernel frees it when the last user goes.
    if (::umount2(target.c_str(), MNT_DETACH | UMOUNT_NOFOLLOW) == 0) return;
    if (errno == EINVAL || errno == ENOENT) return;
    fail_errno(errno, "unmount (detach)", target.native());
}

} // namespace berth::overlay2
