// refcounting: get is counted. Two gets and one put leave the layer
// readable (and mounted); the last put unmounts it. For drivers whose get
// returns a mount point (overlayfs); a driver that hands out a plain
// directory (a btrfs subvolume) has nothing to unmount.
#include "../case_util.hpp"
#include "../check.hpp"
#include "../mountinfo.hpp"

namespace conformance {

void case_refcount(Ctx &ctx) {
    std::string base = fill_layer(ctx, "base", "", {tar_file("hello", "hello\n")});
    std::string L = ctx.layers.create("L", base, true);
    std::string name = ctx.layers.name(L);

    std::string p1 = ctx.layers.get(L);
    std::string p2 = ctx.layers.get(L);
    expect(p1 == p2, "two gets of layer " + name + " returned different paths: " + p1 + " and " + p2);
    bool mounted = is_mount_point(p1);

    ctx.layers.put(L);
    expect_file(p1, "/hello", "hello\n", "layer " + name + " after 2 gets and 1 put");
    if (mounted)
        expect(is_mount_point(p1), "layer " + name + " was unmounted from " + p1 +
                                       " at the first put, but a second get still holds it");

    ctx.layers.put(L);
    if (mounted)
        expect(!is_mount_point(p1), "layer " + name + " is still mounted at " + p1 +
                                        " (listed in /proc/self/mountinfo) after its last put");
}

} // namespace conformance
