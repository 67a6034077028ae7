// round-trip: write every kind of file into a read-write layer, diff it,
// check the tar entry by entry, apply the tar to a fresh layer on the same
// parent and compare both trees. Also diff_size, apply_diff's *out_size and
// changes against the same truth.
#include "round_trip_files.hpp"

#include "../case_util.hpp"
#include "../check.hpp"
#include "../strf.hpp"

#include <sys/stat.h>

#include <map>
#include <set>

namespace conformance {

namespace {

// Content bytes of the regular files below /rt, each inode once: what
// diff_size and apply_diff's *out_size must report (apparent sizes).
int64_t content_of(const Tree &tree) {
    std::set<ino_t> seen;
    int64_t total = 0;
    for (const auto &[path, n] : tree)
        if (path.rfind("/rt/", 0) == 0 && n.type == S_IFREG && seen.insert(n.ino).second) total += n.size;
    return total;
}

std::map<std::string, std::string> user_visible(std::map<std::string, std::string> x) {
    x.erase("security.selinux");
    return x;
}

// Every path the case wrote must be in the tar with the metadata the layer
// shows; nothing else may be (apart from the root entry).
void check_diff(const std::vector<TarItem> &items, const Tree &tree, const std::vector<std::string> &paths,
                const std::string &layer) {
    std::vector<std::string> problems;
    std::set<std::string> wanted;
    for (const auto &p : paths) wanted.insert(p.substr(1));
    for (const auto &it : items) {
        if (!it.path.empty() && wanted.count(it.path) == 0)
            problems.push_back("contains " + it.raw_path + ", which the layer did not change");
        for (const auto &x : it.xattrs)
            if (x.first.rfind("trusted.overlay.", 0) == 0)
                problems.push_back(it.path + " carries the driver-internal xattr " + x.first);
    }
    const TarItem *ha = find_item(items, "rt/hardlink-a");
    const TarItem *hb = find_item(items, "rt/hardlink-b");
    if (ha != nullptr && hb != nullptr && ha->hardlink != "rt/hardlink-b" && hb->hardlink != "rt/hardlink-a")
        problems.push_back("rt/hardlink-a and rt/hardlink-b are one inode but the tar stores them as two files "
                           "(the later one must be a hard-link entry to the earlier)");
    for (const auto &p : paths) {
        std::string rel = p.substr(1);
        const TarItem *it = find_item(items, rel);
        if (it == nullptr) {
            problems.push_back("has no entry " + rel);
            continue;
        }
        const Node &n = tree.at(p);
        if (it->type != n.type) {
            problems.push_back(strf("%s is a %s, the layer has a %s", rel.c_str(), type_name(it->type),
                                    type_name(n.type)));
            continue;
        }
        if (n.type != S_IFLNK && it->mode != n.mode)
            problems.push_back(strf("%s has mode 0%o, the layer has 0%o", rel.c_str(), it->mode, n.mode));
        if (it->uid != n.uid || it->gid != n.gid)
            problems.push_back(strf("%s is owned by %u:%u, the layer has %u:%u", rel.c_str(), it->uid, it->gid,
                                    n.uid, n.gid));
        if (n.type == S_IFLNK && it->symlink != n.target)
            problems.push_back(rel + " points to \"" + it->symlink + "\", the layer has \"" + n.target + "\"");
        if (n.type == S_IFREG && it->hardlink.empty()) {
            if (it->size != n.size)
                problems.push_back(strf("%s has size %lld, the layer has %lld", rel.c_str(),
                                        static_cast<long long>(it->size), static_cast<long long>(n.size)));
            else if (it->hash != n.hash)
                problems.push_back(rel + " has different content than the layer");
        }
        auto tx = user_visible(it->xattrs);
        if (tx != n.xattrs) {
            auto want = n.xattrs.find(rt_xattr_name);
            if (want != n.xattrs.end() && tx.find(rt_xattr_name) == tx.end())
                problems.push_back(rel + " lost its xattr " + want->first);
            else
                problems.push_back(rel + " has different xattrs than the layer");
        }
    }
    expect_none(problems, "diff of layer " + layer);
}

void check_links_and_holes(const Tree &tree, const std::string &layer, const std::string &how) {
    const Node &a = tree.at("/rt/hardlink-a");
    const Node &b = tree.at("/rt/hardlink-b");
    expect(a.ino == b.ino && a.nlink == 2,
           strf("layer %s%s: /rt/hardlink-a and /rt/hardlink-b are no longer one inode (inodes %llu and %llu, "
                "link count %llu)",
                layer.c_str(), how.c_str(), static_cast<unsigned long long>(a.ino),
                static_cast<unsigned long long>(b.ino), static_cast<unsigned long long>(a.nlink)));
    const Node &s = tree.at("/rt/sparse.img");
    expect(s.allocated <= sparse_max_allocated,
           strf("layer %s%s: /rt/sparse.img is not sparse: %lld bytes apparent, %lld bytes allocated (2 MiB of "
                "data)",
                layer.c_str(), how.c_str(), static_cast<long long>(s.size), static_cast<long long>(s.allocated)));
}

void check_changes(Ctx &ctx, const std::string &id, const std::string &parent, const std::vector<std::string> &paths) {
    std::string json;
    Status st = ctx.drv.changes(id, parent.c_str(), json);
    if (!st.ok()) fail("changes of layer " + ctx.layers.name(id) + " failed: " + st.describe());
    auto list = parse_changes(json, "changes of layer " + ctx.layers.name(id));
    std::map<std::string, int> got;
    for (const auto &c : list) got[c.path] = c.kind;
    std::vector<std::string> problems;
    for (const auto &p : paths) {
        auto it = got.find(p);
        if (it == got.end()) problems.push_back("no entry for " + p);
        else if (it->second != 1) problems.push_back(strf("%s has Kind %d, expected 1 (added)", p.c_str(), it->second));
    }
    std::set<std::string> wanted(paths.begin(), paths.end());
    for (const auto &[p, k] : got)
        if (wanted.count(p) == 0) problems.push_back(strf("lists %s (Kind %d), which the layer did not touch", p.c_str(), k));
    expect_none(problems, "changes of layer " + ctx.layers.name(id));
}

} // namespace

void case_round_trip(Ctx &ctx) {
    std::string base = fill_layer(ctx, "base", "", {tar_dir("base"), tar_file("base/readme", "from the base\n")});
    std::string L = ctx.layers.create("L", base, true);
    std::string lname = ctx.layers.name(L);

    std::string root = ctx.layers.get(L);
    std::vector<std::string> paths;
    try {
        paths = write_round_trip_files(root);
    } catch (const std::exception &e) {
        fail("writing into the mounted layer " + lname + " failed: " + e.what());
    }
    ctx.layers.put(L);

    auto items = diff_items(ctx, L, base.c_str(), "L.tar");

    root = ctx.layers.get(L);
    Tree tree_l = snapshot(root);
    check_links_and_holes(tree_l, lname, " (as the kit wrote it)");
    check_diff(items, tree_l, paths, lname);

    int64_t want = content_of(tree_l);
    int64_t size = -1;
    Status ds = ctx.drv.diff_size(L, base.c_str(), size);
    if (!ds.ok()) fail("diff_size of layer " + lname + " failed: " + ds.describe());
    expect(size == want, strf("diff_size of layer %s is %lld, but the layer's diff has %lld bytes of file content",
                              lname.c_str(), static_cast<long long>(size), static_cast<long long>(want)));

    check_changes(ctx, L, base, paths);

    std::string C = ctx.layers.create("C", base, false);
    std::string cname = ctx.layers.name(C);
    int64_t applied = ctx.layers.apply(C, ctx.scratch_file("L.tar"));
    expect(applied == want, strf("apply_diff of layer %s's diff into %s reported *out_size %lld, expected %lld",
                                 lname.c_str(), cname.c_str(), static_cast<long long>(applied),
                                 static_cast<long long>(want)));

    std::string croot = ctx.layers.get(C);
    Tree tree_c = snapshot(croot);
    expect_none(compare_trees(tree_l, "layer " + lname, tree_c, "layer " + cname),
                "layer " + cname + " (apply_diff of " + lname + "'s diff) differs from " + lname);
    check_links_and_holes(tree_c, cname, " after apply_diff");
    ctx.layers.put(C);
    ctx.layers.put(L);
}

} // namespace conformance
