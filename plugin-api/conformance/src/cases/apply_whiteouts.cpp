// apply-whiteouts: apply_diff of a tar the kit generated (as any OCI image
// builder would) whose whiteouts and opaque markers delete what the parent
// has. Covers a file whiteout, a directory whiteout, and opaque markers both
// before and after the directory's new entries (the marker hides only what
// lower layers have, wherever it sits in the tar). The result must hold as
// the lower layer of a further read-write layer too.
#include "../case_util.hpp"
#include "../check.hpp"

#include <set>

namespace conformance {

namespace {

void expect_view(Ctx &ctx, const std::string &id, const std::string &what) {
    std::string where = "get of layer " + ctx.layers.name(id) + " (" + what + ")";
    std::string root = ctx.layers.get(id);
    Tree tree = snapshot(root, false);
    expect_no_whiteouts_visible(tree, where);
    std::set<std::string> want = {"/etc",  "/etc/keep", "/opt",     "/opt/c",   "/srv",
                                  "/srv/new", "/var", "/var/keep", "/new", "/new/file"};
    std::vector<std::string> problems;
    for (const auto &[path, n] : tree)
        if (want.count(path) == 0) problems.push_back(path + " is visible but the tar deleted it");
    for (const auto &p : want)
        if (tree.count(p) == 0) problems.push_back(p + " is missing");
    expect_none(problems, where);
    expect_file(root, "/etc/keep", "keep\n", where);
    expect_file(root, "/opt/c", "c from the tar\n", where);
    expect_file(root, "/srv/new", "new from the tar\n", where);
    expect_file(root, "/new/file", "brand new\n", where);
    ctx.layers.put(id);
}

} // namespace

void case_apply_whiteouts(Ctx &ctx) {
    std::string base = fill_layer(ctx, "base", "",
                                  {tar_dir("etc"), tar_file("etc/keep", "keep\n"), tar_file("etc/removed", "x\n"),
                                   tar_dir("opt"), tar_file("opt/a", "a\n"), tar_file("opt/b", "b\n"),
                                   tar_dir("srv"), tar_file("srv/old", "old\n"),
                                   tar_dir("var"), tar_file("var/keep", "v\n"), tar_dir("var/dir"),
                                   tar_file("var/dir/x", "x\n")});
    std::vector<TarSpec> oci = {
        tar_dir("etc"), tar_whiteout("etc", "removed"),
        // Marker after the directory's new entry: opt/c must survive.
        tar_dir("opt"), tar_file("opt/c", "c from the tar\n"), tar_opaque("opt"),
        // Marker first, the usual order.
        tar_dir("srv"), tar_opaque("srv"), tar_file("srv/new", "new from the tar\n"),
        // A whole directory deleted with one whiteout.
        tar_dir("var"), tar_whiteout("var", "dir"),
        tar_dir("new"), tar_file("new/file", "brand new\n"),
    };
    std::string upper = ctx.layers.create("upper", base, false);
    apply_specs(ctx, upper, oci, "oci.tar");
    expect_view(ctx, upper, "apply_diff of a tar with whiteouts");

    std::string top = ctx.layers.create("top", upper, true);
    expect_view(ctx, top, "read-write layer on the applied layer");
}

} // namespace conformance
