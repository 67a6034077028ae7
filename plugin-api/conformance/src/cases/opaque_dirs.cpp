// opaque-dirs: a directory deleted and recreated in a read-write layer must
// hide everything the parent had in it. The OCI spec allows the diff to say
// so with an opaque marker (opt/.wh..wh..opq) or with one whiteout per old
// child; either is accepted, and applying it must show only the new child.
#include "../case_util.hpp"
#include "../check.hpp"
#include "../fs.hpp"

namespace conformance {

void case_opaque_dirs(Ctx &ctx) {
    std::string base =
        fill_layer(ctx, "base", "", {tar_dir("opt"), tar_file("opt/a", "old a\n"), tar_file("opt/b", "old b\n")});
    std::string child = ctx.layers.create("child", base, true);
    std::string cname = ctx.layers.name(child);

    std::string root = ctx.layers.get(child);
    if (!remove_tree(root + "/opt")) fail("rm -rf /opt in the mounted layer " + cname + " failed");
    try {
        make_dirs(root + "/opt", 0755);
        write_file(root + "/opt/c", "new c\n", 0644);
    } catch (const std::exception &e) {
        fail("recreating /opt/c in the mounted layer " + cname + " failed: " + e.what());
    }
    expect_listing(root, "/opt", {"c"}, "the mounted layer " + cname + " right after rm -rf /opt; mkdir /opt");
    ctx.layers.put(child);

    auto items = diff_items(ctx, child, base.c_str(), "child.tar");
    bool opaque = find_item(items, "opt/.wh..wh..opq") != nullptr;
    bool each = find_item(items, "opt/.wh.a") != nullptr && find_item(items, "opt/.wh.b") != nullptr;
    expect(opaque || each, "diff of layer " + cname +
                               " does not hide the parent's /opt/a and /opt/b (expected entry opt/.wh..wh..opq, or "
                               "both opt/.wh.a and opt/.wh.b)");
    expect(find_item(items, "opt/c") != nullptr, "diff of layer " + cname + " has no entry opt/c");

    std::string copy = ctx.layers.create("copy", base, false);
    ctx.layers.apply(copy, ctx.scratch_file("child.tar"));
    std::string where = "get of layer " + ctx.layers.name(copy) + " (apply_diff of " + cname + "'s diff)";
    std::string croot = ctx.layers.get(copy);
    expect_listing(croot, "/opt", {"c"}, where);
    expect_file(croot, "/opt/c", "new c\n", where);
    expect_no_whiteouts_visible(snapshot(croot, false), where);
    ctx.layers.put(copy);
}

} // namespace conformance
