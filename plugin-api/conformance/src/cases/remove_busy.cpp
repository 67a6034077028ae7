// remove-while-mounted: storage.h: "a driver answers BERTH_E_BUSY if it is
// mounted". A layer with a reference from get must survive remove with its
// data intact, and go after the last put.
#include "../case_util.hpp"
#include "../check.hpp"
#include "../fs.hpp"

namespace conformance {

void case_remove_busy(Ctx &ctx) {
    std::string base = fill_layer(ctx, "base", "", {tar_file("from-base", "base data\n")});
    std::string L = ctx.layers.create("L", base, true);
    std::string name = ctx.layers.name(L);

    std::string root = ctx.layers.get(L);
    write_file(root + "/written", "written while mounted\n");

    Status st = ctx.drv.remove(L);
    if (st.ok()) {
        ctx.layers.forget(L);
        fail("remove of layer " + name + " while it is mounted (one get, no put) returned OK, expected BUSY");
    }
    expect(st.code == BERTH_E_BUSY,
           "remove of layer " + name + " while it is mounted returned " + st.describe() + ", expected BUSY");
    expect_file(root, "/written", "written while mounted\n", "layer " + name + " after the refused remove");
    expect_file(root, "/from-base", "base data\n", "layer " + name + " after the refused remove");
    int32_t there = -1;
    Status ex = ctx.drv.exists(L, there);
    expect(ex.ok() && there == 1, "exists of layer " + name + " after the refused remove is not 1");

    ctx.layers.put(L);
    Status r = ctx.drv.remove(L);
    if (!r.ok()) fail("remove of layer " + name + " after its last put failed: " + r.describe());
    ctx.layers.forget(L);
    there = -1;
    ex = ctx.drv.exists(L, there);
    expect(ex.ok() && there == 0, "exists of layer " + name + " after remove is not 0");
}

} // namespace conformance
