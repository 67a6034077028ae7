// berth/layertar.hpp — OCI layer tars for storage drivers, on libarchive.
//
// A static library (Berth::LayerTar) that ships with the plugin SDK, so a
// vendor's driver gets the same safe extraction and diffing as the bundled
// ones without any core source. It is C++ linked *into* the plugin; nothing
// here crosses the plugin ABI.
//
// Safety contract of apply():
//   - every path is resolved inside the target root with openat2
//     (RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS): a symlink inside the layer,
//     absolute or relative, can never lead a write outside the root;
//   - entries whose name is absolute or has a ".." component are refused;
//   - hard links may only point at entries extracted earlier from the same
//     tar;
//   - character and block devices are refused unless allow_devices;
//   - whiteout names must be plain file names ("", ".", ".." are refused);
//   - xattrs in the trusted.overlay.* namespace are never taken from a tar;
//   - max_entries bounds a tar bomb.
// A refused tar throws LayerError naming the entry; what was extracted
// before stays in the target (the caller removes the whole layer).
#pragma once

#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace berth::layertar {

// Thrown for a refused or unreadable tar, and for I/O failures. code is a
// BERTH_E_* value (INVAL for a bad tar, IO for the disk, PERM for the
// kernel), so a driver can return it unchanged.
class LayerError : public std::runtime_error {
public:
    LayerError(int32_t code, const std::string &message) : std::runtime_error(message), code_(code) {}
    int32_t code() const noexcept { return code_; }

private:
    int32_t code_;
};

// How whiteouts are stored on disk.
enum class WhiteoutStyle {
    // overlayfs: a deleted path is a 0/0 character device, an opaque
    // directory carries xattr trusted.overlay.opaque="y" (overlay2).
    overlay,
    // the target is a writable copy of the parent (btrfs snapshot, plain
    // directory copy): a whiteout deletes the path, an opaque marker deletes
    // every child that did not come from this same tar.
    remove,
};

// A user-namespace id mapping, as Docker's userns-remap sets one up: the
// container's uid X (0 <= X < size) is host uid `uid` + X, its gid X is host
// gid `gid` + X. Layers of such containers are stored with the host ids
// (shifted) on disk, while layer tars always carry container ids.
// size 0 is the identity: no mapping at all, uid and gid are then ignored.
// A map whose host range does not fit below (uid_t)-1 (uid + size or
// gid + size above 4294967295) is refused with LayerError(INVAL).
struct IdMap {
    uint32_t uid = 0;  // host uid of the container's uid 0
    uint32_t gid = 0;  // host gid of the container's gid 0
    uint32_t size = 0; // how many ids are mapped, from 0; 0 = identity
    bool identity() const noexcept { return size == 0; }
};

// The id a container sees for a host id outside its map (the kernel's
// default overflowuid/overflowgid); write_tar stores such ids as this.
inline constexpr uint32_t overflow_id = 65534;

struct ApplyOptions {
    WhiteoutStyle whiteouts = WhiteoutStyle::remove;
    bool allow_devices = false;
    // chown entries to the tar's uid/gid; default: only when running as root.
    bool preserve_ownership = true;
    // 0 = no limit. Exceeding it refuses the tar (LayerError INVAL).
    uint64_t max_entries = 2'000'000;
    // The tar's ids are container ids: each entry (whiteout devices too) is
    // chowned to the host ids they map to. An entry whose uid or gid is
    // outside the map refuses the tar with LayerError(INVAL) naming the
    // entry and the id, before anything for that entry is written (checked
    // even when no chown happens, so the outcome never depends on who
    // runs it). Directories the tar implies but does not list are owned by
    // the container's root (uid:gid of the map) instead of the caller.
    // Identity (the default): ids are taken as they are, as before.
    IdMap id_map;
};

struct ApplyResult {
    int64_t bytes = 0;      // file content bytes written (apparent sizes)
    uint64_t entries = 0;   // tar entries processed, whiteouts included
};

// Read an uncompressed (or gzip/zstd: libarchive auto-detects) layer tar
// from in_fd until EOF and apply it to root, which must exist. in_fd is
// borrowed (not closed).
// Details: only tar formats are read, with libarchive's built-in gzip, zstd,
// bzip2 and xz decoders (never an external program). The root's own entry
// ("./") is skipped, as docker does. A name longer than PATH_MAX is refused.
// user.overlay.* xattrs are dropped like trusted.overlay.* (overlayfs reads
// them under its userxattr option). A hard link naming a symlink links the
// symlink itself. Directory modes and times are set after the last entry.
ApplyResult apply(int in_fd, const std::filesystem::path &root, const ApplyOptions &options = {});

// One changed path, in Docker's /containers/{id}/changes vocabulary.
struct Change {
    enum Kind : int { modified = 0, added = 1, deleted = 2 };
    std::string path; // absolute inside the layer: "/etc/passwd"
    Kind kind = modified;
    // For directories that replace the lower one wholesale (an opaque
    // directory): the tar gets a ".wh..wh..opq" marker inside it.
    bool opaque = false;
};

// Naive differ: walk `layer` and compare with `parent` (empty path: no
// parent, everything is added). Compares type, mode, owner, size, mtime,
// symlink target and xattrs (size and mtime not for directories, as docker).
// Deleted directories are reported once (not their children). Sorted by
// path, with '/' ordered first so a directory's subtree follows it.
// Like docker, a directory that holds a change is itself reported as
// modified. Both differs hold one fd per directory level (an error, not a
// crash, when a tree is deeper than the fd limit).
std::vector<Change> changes_between(const std::filesystem::path &layer, const std::filesystem::path &parent);

// overlayfs upper dir: 0/0 character devices are deletions, directories with
// trusted.overlay.opaque=y are opaque; other entries are added when no lower
// dir has the path, modified otherwise. lowers: top-most first.
std::vector<Change> changes_overlay(const std::filesystem::path &upper,
                                    const std::vector<std::filesystem::path> &lowers);

// Write an uncompressed OCI layer tar (PAX) of `changes` taken from `root`
// to out_fd: added/modified entries with their metadata, xattrs (minus
// trusted.overlay.*), hard links kept as links, sparse files kept sparse;
// deleted paths as ".wh.<name>"; opaque dirs with ".wh..wh..opq". Parent
// directories of changed paths are included so the tar extracts anywhere.
// Returns the content bytes written. out_fd is borrowed.
// Like docker: whole-second mtimes, no atime/ctime (the same tree gives the
// same tar); sockets are skipped, and so are paths that vanished since the
// changes were taken. Nothing on the way is followed if it is a symlink. A
// closed pipe is LayerError(IO), never SIGPIPE; after an error no end of
// archive is written, so a truncated tar does not look complete.
int64_t write_tar(int out_fd, const std::filesystem::path &root, const std::vector<Change> &changes);

struct WriteOptions {
    // The reverse of ApplyOptions::id_map, for a tree stored with host ids:
    // a host uid in [uid, uid + size) is written as uid - id_map.uid (gids
    // likewise); any other host id as overflow_id, which is what the
    // container saw for it. Markers (whiteouts, opaque) stay 0:0.
    // Identity (the default): ids are written as they are on disk.
    IdMap id_map;
};

// write_tar with options; the overload above is this with the defaults.
int64_t write_tar(int out_fd, const std::filesystem::path &root, const std::vector<Change> &changes,
                  const WriteOptions &options);

// The content bytes write_tar would write, without writing (ownership
// plays no part, so it needs no id map).
int64_t content_size(const std::filesystem::path &root, const std::vector<Change> &changes);

// Remove a directory tree without following symlinks, staying on one file
// system (for drivers removing layer directories). Missing root is fine.
// A mount point below is left alone and reported as LayerError(BUSY) once
// everything else is gone. Any depth: it holds one directory fd at a time.
void remove_tree(const std::filesystem::path &root);

} // namespace berth::layertar
