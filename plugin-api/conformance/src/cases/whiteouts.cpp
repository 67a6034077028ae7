// whiteouts: a file deleted in a read-write layer must leave the diff as an
// OCI whiteout ("etc/.wh.removed"); applying that diff over the same parent
// must hide the file; changes must report it as deleted (Kind 2).
#include "../case_util.hpp"
#include "../check.hpp"
#include "../strf.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace conformance {

void case_whiteouts(Ctx &ctx) {
    std::string base = fill_layer(ctx, "base", "",
                                  {tar_dir("etc"), tar_file("etc/keep", "keep me\n"), tar_file("etc/removed", "delete me\n")});
    std::string child = ctx.layers.create("child", base, true);
    std::string cname = ctx.layers.name(child);

    std::string root = ctx.layers.get(child);
    if (::unlink((root + "/etc/removed").c_str()) != 0)
        fail(strf("removing /etc/removed in the mounted layer %s failed: %s", cname.c_str(), std::strerror(errno)));
    ctx.layers.put(child);

    auto items = diff_items(ctx, child, base.c_str(), "child.tar");
    const TarItem *wh = find_item(items, "etc/.wh.removed");
    expect(wh != nullptr,
           "diff of layer " + cname + " has no whiteout for /etc/removed (expected entry etc/.wh.removed)");
    expect(wh->type == S_IFREG && wh->hardlink.empty(),
           std::string("diff of layer ") + cname + ": whiteout etc/.wh.removed is a " + type_name(wh->type) +
               ", OCI whiteouts are empty regular files");
    expect(find_item(items, "etc/removed") == nullptr,
           "diff of layer " + cname + " still carries etc/removed itself next to its whiteout");
    expect(find_item(items, "etc/keep") == nullptr,
           "diff of layer " + cname + " contains etc/keep, which the layer did not change");

    std::string json;
    Status st = ctx.drv.changes(child, base.c_str(), json);
    if (!st.ok()) fail("changes of layer " + cname + " failed: " + st.describe());
    bool deleted = false;
    for (const auto &c : parse_changes(json, "changes of layer " + cname)) {
        if (c.path == "/etc/removed") {
            expect(c.kind == 2, strf("changes of layer %s lists /etc/removed with Kind %d, expected 2 (deleted)",
                                     cname.c_str(), c.kind));
            deleted = true;
        }
        expect(c.path != "/etc/keep", "changes of layer " + cname + " lists /etc/keep, which the layer did not touch");
    }
    expect(deleted, "changes of layer " + cname + " has no entry for the deleted /etc/removed (expected Kind 2)");

    std::string copy = ctx.layers.create("copy", base, false);
    ctx.layers.apply(copy, ctx.scratch_file("child.tar"));
    std::string where = "get of layer " + ctx.layers.name(copy) + " (apply_diff of " + cname + "'s diff)";
    std::string croot = ctx.layers.get(copy);
    expect_absent(croot, "/etc/removed", where);
    expect_file(croot, "/etc/keep", "keep me\n", where);
    expect_no_whiteouts_visible(snapshot(croot, false), where);
    ctx.layers.put(copy);
}

} // namespace conformance
