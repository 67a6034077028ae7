// restart: what a daemon restart does to the driver. With a layer mounted,
// cleanup must unmount everything under home (storage.h: "Unmount
// everything ... Data stays"); then fini, a new init on the same home, and
// the layer must still exist with its data, and be removable. Runs last:
// it replaces the driver instance.
#include "../case_util.hpp"
#include "../check.hpp"
#include "../fs.hpp"
#include "../mountinfo.hpp"
#include "../strf.hpp"

namespace conformance {

void case_restart(Ctx &ctx) {
    std::string base = fill_layer(ctx, "base", "", {tar_file("kept", "survives a restart\n")});
    std::string L = ctx.layers.create("L", base, true);
    std::string name = ctx.layers.name(L);
    std::string root = ctx.layers.get(L);
    write_file(root + "/written", "written before the restart\n");

    if (ctx.drv.has(Op::cleanup)) {
        Status st = ctx.drv.cleanup();
        if (!st.ok()) fail("cleanup with layer " + name + " mounted failed: " + st.describe());
        auto left = mounts_under(ctx.home);
        expect_none(left, "cleanup left mounts under the driver's home");
    } else {
        // No cleanup op: the daemon drops its references before fini.
        ctx.layers.put(L);
    }
    // Whatever get references existed belonged to the old instance.
    ctx.layers.drop_refs(L);
    ctx.restart();

    int32_t there = -1;
    Status ex = ctx.drv.exists(L, there);
    expect(ex.ok() && there == 1, "after fini and a new init, layer " + name + " no longer exists");
    std::string again = ctx.layers.get(L);
    std::string where = "layer " + name + " after fini and a new init";
    expect_file(again, "/written", "written before the restart\n", where);
    expect_file(again, "/kept", "survives a restart\n", where);
    ctx.layers.put(L);
}

} // namespace conformance
