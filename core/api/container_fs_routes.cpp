// The container filesystem endpoints. Paths are resolved inside the
// container's rootfs by the kernel (containers/archive/rootfs_path.h); the
// messages and statuses are moby's, since the docker CLI shows them as they
// come.
#include "api/container_fs_routes.h"

#include "api/body_feeder.h"
#include "api/image_errors.h"
#include "api/progress_stream.h"
#include "containers/archive/commit_config.h"
#include "containers/archive/container_user.h"
#include "containers/archive/path_stat.h"
#include "containers/archive/rootfs_path.h"
#include "containers/archive/tar_extract.h"
#include "containers/archive/tree_tar.h"
#include "images/image_commit.h"
#include "images/image_service.h"
#include "images/reference.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <system_error>

namespace berth::api {
namespace {

namespace fsa = containers::archive;
using containers::ContainerFs;
using containers::ContainerFsProvider;

bool is_missing(const std::system_error &e) { return e.code().value() == ENOENT || e.code().value() == ENOTDIR; }

// moby's containerFileNotFound, naming the container as the client did.
[[noreturn]] void throw_not_found(const std::string &path, const std::string &ref) {
    throw ApiError(404, "Could not find the file " + path + " in container " + ref);
}

std::string required_path(const Request &req) {
    auto path = req.query_value("path");
    if (path.empty()) throw ApiError(400, "Path cannot be empty");
    return path;
}

// One resolved cp source: what HEAD reports and GET archives.
struct ArchiveSource {
    fsa::ResolvedPath resolved;
    fsa::PathStat stat;
    std::string base; // the tar's top name
};

// The container's own /etc files (ContainerFs::etc_files) keyed by what the
// rootfs shows at their paths; a path that is no regular file there (the
// image made it a symlink or a directory) keeps what the rootfs has.
fsa::FileSubstitutes etc_substitutes(int root_fd, const ContainerFs &fs) {
    fsa::FileSubstitutes out;
    for (const auto &[container_path, host_path] : fs.etc_files) {
        try {
            const auto at = fsa::resolve_no_follow(root_fd, fsa::parse_container_path(container_path));
            if (S_ISREG(at.st.st_mode)) out.emplace(std::make_pair(at.st.st_dev, at.st.st_ino), host_path);
        } catch (const std::system_error &) {
            // Not in this rootfs: nothing to stand in for.
        }
    }
    return out;
}

// The stat a substitute gives an entry; st itself when it has none.
struct stat substituted_stat(const struct stat &st, const fsa::FileSubstitutes &subs) {
    if (!S_ISREG(st.st_mode)) return st;
    const auto it = subs.find({st.st_dev, st.st_ino});
    struct stat host {};
    if (it == subs.end() || ::stat(it->second.c_str(), &host) != 0 || !S_ISREG(host.st_mode)) return st;
    return host;
}

ArchiveSource resolve_source(int root_fd, const std::string &path, const std::string &ref,
                             const fsa::FileSubstitutes &subs) {
    const auto cpath = fsa::parse_container_path(path);
    ArchiveSource s;
    try {
        s.resolved = fsa::resolve_no_follow(root_fd, cpath);
    } catch (const std::system_error &e) {
        if (is_missing(e)) throw_not_found(path, ref);
        throw;
    }
    std::string link_target;
    if (S_ISLNK(s.resolved.st.st_mode)) link_target = fsa::follow_symlinks_in_scope(root_fd, cpath.abs);
    s.base = cpath.display_name();
    s.stat = fsa::make_path_stat(s.base, substituted_stat(s.resolved.st, subs), link_target);
    return s;
}

Response stat_path(const ContainerFsProvider &provider, Request &req) {
    const auto path = required_path(req);
    const auto fs = provider(req.params["id"]);
    const auto root = fsa::open_root(fs->rootfs);
    const auto src = resolve_source(root.get(), path, req.params["id"], etc_substitutes(root.get(), *fs));
    Response r = Response::empty(200);
    r.headers.emplace_back(fsa::kPathStatHeader, fsa::path_stat_header(src.stat));
    return r;
}

// A tar streamed to the client; the container (and its mounted rootfs)
// stays held until the last byte is out.
Response tar_stream(std::shared_ptr<ContainerFs> fs, std::function<void(const fsa::TarSink &)> write,
                    std::string what) {
    Response r;
    r.status = 200;
    r.content_type = "application/x-tar";
    r.stream = [fs = std::move(fs), write = std::move(write), what = std::move(what)](ResponseStream &out) {
        try {
            write([&out](const char *data, size_t len) {
                if (!out.write(std::string_view(data, len))) throw ClientGone();
            });
        } catch (const ClientGone &) {
            spdlog::info("{}: client went away", what);
        } catch (const std::exception &e) {
            // The head is out: all we can do is end the tar short (no end
            // marker), which the client sees as a truncated archive.
            spdlog::error("{} failed: {}", what, e.what());
        }
    };
    return r;
}

Response get_archive(const ContainerFsProvider &provider, Request &req) {
    const auto path = required_path(req);
    auto fs = provider(req.params["id"]);
    const auto root = fsa::open_root(fs->rootfs);
    // The source's parent fd is all the stream needs: nothing is looked up
    // by path once the head has gone out.
    auto subs = std::make_shared<fsa::FileSubstitutes>(etc_substitutes(root.get(), *fs));
    auto src = std::make_shared<ArchiveSource>(resolve_source(root.get(), path, req.params["id"], *subs));
    const auto header = fsa::path_stat_header(src->stat);
    if (fs->publish_event) fs->publish_event("archive-path", {{"path", path}});
    const config::IdMap ids = fs->id_map;
    Response r = tar_stream(
        std::move(fs),
        [src, ids, subs](const fsa::TarSink &sink) {
            fsa::write_tree_tar(src->resolved.parent.get(), src->resolved.name, fsa::rebase_naming(src->base), sink,
                                ids, *subs);
        },
        "archive of " + path);
    r.headers.emplace_back(fsa::kPathStatHeader, header);
    return r;
}

Response extract_archive(const ContainerFsProvider &provider, Request &req) {
    const auto path = required_path(req);
    const auto &ref = req.params["id"];
    const auto fs = provider(ref);
    if (!req.body_reader) throw ApiError(400, "the archive to extract must be the request body");
    const auto root = fsa::open_root(fs->rootfs);
    // The destination itself is followed too (moby: extracting to a
    // symlink that points at a directory is allowed), inside the rootfs.
    fsa::UniqueFd dest;
    try {
        const auto at = fsa::open_in_root(root.get(), fsa::parse_container_path(path).abs, O_PATH);
        struct stat st {};
        if (::fstat(at.get(), &st) != 0) throw std::system_error(errno, std::generic_category(), "stat " + path);
        if (!S_ISDIR(st.st_mode)) throw ApiError(400, "extraction point is not a directory");
        dest = fsa::UniqueFd(::openat(at.get(), ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (!dest) throw std::system_error(errno, std::generic_category(), "open " + path);
    } catch (const std::system_error &e) {
        if (is_missing(e)) throw_not_found(path, ref);
        throw;
    }
    // Volumes are not in the rootfs this provider hands over, so the whole
    // destination is the rootfs and a read-only one refuses the copy.
    if (fs->readonly_rootfs) throw ApiError(403, "container rootfs is marked read-only");

    fsa::ExtractOptions options;
    options.no_overwrite_dir_non_dir = req.query_bool("noOverwriteDirNonDir");
    options.id_map = fs->id_map;
    if (req.query_bool("copyUIDGID")) {
        const auto cfg = nlohmann::json::parse(fs->config_json.empty() ? "{}" : fs->config_json, nullptr, false);
        const std::string user = cfg.is_object() ? cfg.value("User", "") : "";
        options.owner = fsa::lookup_container_user(root.get(), user);
    }
    BodyFeeder body(req.body_reader);
    try {
        fsa::extract_tar(body.fd(), dest.get(), options);
    } catch (const fsa::ExtractRefused &e) {
        throw ApiError(400, e.what());
    }
    if (auto e = body.finish(); !e.empty()) throw ApiError(400, "reading the archive: " + e);
    if (fs->publish_event) fs->publish_event("extract-to-dir", {{"path", path}});
    return Response::empty(200);
}

// The rest of the request body, read and dropped before the reply. A
// refusal sent while the client is still sending its tar reaches it only
// if the body is read: the server closes the connection after a streamed
// request, and unread bytes make that close a reset, which the client sees
// instead of the message (moby's server drains bodies too). The same holds
// for bytes after the tar's end marker on success. Bounded, so a huge
// refused upload is cut off rather than read to its end.
void drain_body(Request &req) {
    if (!req.body_reader) return;
    constexpr size_t kMaxDrain = size_t(256) << 20;
    char buf[1 << 16];
    size_t drained = 0;
    try {
        while (drained < kMaxDrain) {
            const size_t n = req.body_reader(buf, sizeof buf);
            if (n == 0) break;
            drained += n;
        }
    } catch (const std::exception &) {
        // The connection failed: nobody is left to read the reply anyway.
    }
}

Response put_archive(const ContainerFsProvider &provider, Request &req) {
    Response r;
    try {
        r = extract_archive(provider, req);
    } catch (...) {
        drain_body(req);
        throw;
    }
    drain_body(req);
    return r;
}

Response export_rootfs(const ContainerFsProvider &provider, Request &req) {
    auto fs = provider(req.params["id"]);
    auto root = std::make_shared<fsa::UniqueFd>(fsa::open_root(fs->rootfs));
    const std::string what = "export of " + fs->id;
    const config::IdMap ids = fs->id_map;
    if (fs->publish_event) fs->publish_event("export", {});
    return tar_stream(
        std::move(fs),
        [root, ids](const fsa::TarSink &sink) {
            // moby's export: every entry below the root, none for the root.
            fsa::write_tree_tar(root->get(), "", fsa::TreeTarNaming{std::nullopt, ""}, sink, ids);
        },
        what);
}

// moby encodes a nil slice: `null` when nothing changed (docker diff
// prints nothing either way).
Response changes(const ContainerFsProvider &provider, Request &req) {
    const auto fs = provider(req.params["id"]);
    auto list = nlohmann::json::parse(fs->changes_json ? fs->changes_json() : "[]");
    if (!list.is_array() || list.empty()) return Response::json(200, "null");
    std::stable_sort(list.begin(), list.end(), [](const nlohmann::json &a, const nlohmann::json &b) {
        return a.value("Path", "") < b.value("Path", "");
    });
    return Response::json(200, list.dump());
}

// Pause for the commit (commit --pause, the default from API 1.13), thaw
// whatever happens.
class PauseGuard {
public:
    PauseGuard(ContainerFs &fs, bool pause) : fs_(fs) {
        if (pause && fs.running && !fs.paused && fs.pause) {
            fs.pause();
            paused_ = true;
        }
    }
    ~PauseGuard() {
        if (!paused_ || !fs_.resume) return;
        try {
            fs_.resume();
        } catch (const std::exception &e) {
            spdlog::error("commit: could not unpause {}: {}", fs_.id, e.what());
        }
    }
    PauseGuard(const PauseGuard &) = delete;
    PauseGuard &operator=(const PauseGuard &) = delete;

private:
    ContainerFs &fs_;
    bool paused_ = false;
};

bool api_at_least(const std::string &version, int major, int minor) {
    int a = 0, b = 0;
    if (std::sscanf(version.c_str(), "%d.%d", &a, &b) != 2) return true;
    return a > major || (a == major && b >= minor);
}

Response commit(images::ImageService &images, const ContainerFsProvider &provider, Request &req) {
    const auto fs = provider(req.query_value("container"));
    images::CommitOptions options;
    if (const auto repo = req.query_value("repo"); !repo.empty()) {
        auto ref = images::parse_normalized_named(repo);
        if (ref.digested()) throw ApiError(400, "refusing to create a tag with a digest reference");
        if (const auto tag = req.query_value("tag"); !tag.empty()) ref = ref.with_tag(tag);
        options.tag = ref.tag_name_only();
    }
    std::vector<std::string> change_lines;
    for (auto [it, end] = req.query_all.equal_range("changes"); it != end; ++it) change_lines.push_back(it->second);
    try {
        options.config_json = fsa::commit_image_config(fs->config_json, req.body, change_lines);
    } catch (const nlohmann::json::exception &e) {
        throw ApiError(400, std::string("invalid commit config: ") + e.what());
    }
    options.container_id = fs->id;
    options.container_config_json = fs->config_json;
    options.parent_image_id = fs->image_id;
    options.author = req.query_value("author");
    options.comment = req.query_value("comment");
    options.write_diff = fs->write_diff_tar;
    if (!options.write_diff) throw ApiError(500, "the container's changes cannot be read");

    const bool pause = req.query.count("pause") ? req.query_bool("pause") : api_at_least(req.api_version, 1, 13);
    std::string id;
    {
        PauseGuard guard(*fs, pause);
        id = images::commit_image(images, options);
    }
    if (fs->publish_event)
        fs->publish_event("commit", {{"comment", options.comment},
                                     {"imageID", id},
                                     {"imageRef", options.tag ? options.tag->familiar_string() : std::string()}});
    return Response::json(201, nlohmann::json{{"Id", id}}.dump());
}

} // namespace

// Filesystem errors become 500s with their text; image and reference
// errors get their own statuses (with_image_errors).
void add_container_fs_routes(Router &r, images::ImageService &images, ContainerFsProvider provider) {
    auto p = std::make_shared<ContainerFsProvider>(std::move(provider));
    // HEAD first: the router would otherwise hand HEAD to the GET route.
    r.add("HEAD", "/containers/{id}/archive",
          [p](Request &req) { return with_image_errors([&] { return stat_path(*p, req); }); });
    r.add("GET", "/containers/{id}/archive",
          [p](Request &req) { return with_image_errors([&] { return get_archive(*p, req); }); });
    r.add_streaming_body("PUT", "/containers/{id}/archive",
                         [p](Request &req) { return with_image_errors([&] { return put_archive(*p, req); }); });
    r.add("GET", "/containers/{id}/export",
          [p](Request &req) { return with_image_errors([&] { return export_rootfs(*p, req); }); });
    r.add("GET", "/containers/{id}/changes",
          [p](Request &req) { return with_image_errors([&] { return changes(*p, req); }); });
    r.add("POST", "/commit",
          [p, &images](Request &req) { return with_image_errors([&] { return commit(images, *p, req); }); });
}

} // namespace berth::api
