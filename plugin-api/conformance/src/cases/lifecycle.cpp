// lifecycle: create / exists / remove and the error codes storage.h names
// for them (EXISTS for a duplicate id, NOTFOUND for a missing parent or a
// missing layer, exists never NOTFOUND).
#include "../case.hpp"
#include "../check.hpp"
#include "../strf.hpp"

namespace conformance {

namespace {

void expect_exists(Ctx &ctx, const std::string &id, int32_t want, const std::string &when) {
    int32_t got = 0;
    Status st = ctx.drv.exists(id, got);
    if (!st.ok())
        fail("exists of " + ctx.layers.name(id) + " " + when + " returned " + st.describe() +
             " (exists must answer OK with 0 or 1, never an error)");
    if (got != want)
        fail(strf("exists of %s %s says %d, expected %d", ctx.layers.name(id).c_str(), when.c_str(), got, want));
}

// An error the contract names must come with a message (storage.h: "a
// BERTH_E_* code with a message set through host->err_set").
void expect_code(const Status &st, int32_t want, const std::string &what) {
    if (st.code != want)
        fail(strf("%s returned %s, expected %s", what.c_str(), st.describe().c_str(), berth_status_name(want)));
    if (!st.message_set || st.message.empty())
        fail(strf("%s returned %s but set no message with err_set", what.c_str(), berth_status_name(want)));
}

} // namespace

void case_lifecycle(Ctx &ctx) {
    std::string base = ctx.layers.create("base", "", false);
    expect_exists(ctx, base, 1, "right after create");

    std::string never = Layers::new_id();
    int32_t got = -1;
    Status st = ctx.drv.exists(never, got);
    if (!st.ok()) fail("exists of an id that was never created returned " + st.describe() + ", expected OK with 0");
    expect(got == 0, strf("exists of an id that was never created says %d, expected 0", got));

    expect_code(ctx.drv.create(base, "", false), BERTH_E_EXISTS, "create of an id that already exists (base)");

    // Both kinds of layer must check their parent.
    for (bool rw : {false, true}) {
        std::string orphan = Layers::new_id();
        std::string missing = Layers::new_id();
        Status c = ctx.drv.create(orphan, missing, rw);
        if (c.ok()) ctx.layers.track(orphan, "orphan", ""); // so clean-up removes it
        expect_code(c, BERTH_E_NOTFOUND,
                    strf("create of a %s layer on a parent that does not exist", rw ? "read-write" : "read-only"));
        int32_t there = -1;
        if (ctx.drv.exists(orphan, there).ok() && there == 1) {
            ctx.layers.track(orphan, "orphan", "");
            fail("create on a missing parent returned NOTFOUND but left the layer behind (exists says 1)");
        }
    }

    // storage.h: parent NULL or "" both mean a base layer.
    std::string empty_parent = Layers::new_id();
    Status e = ctx.drv.create_raw(empty_parent, "", false, nullptr);
    if (!e.ok()) fail("create with parent \"\" (a base layer, like NULL) failed: " + e.describe());
    ctx.layers.track(empty_parent, "base2", "");

    Status r = ctx.drv.remove(base);
    if (!r.ok()) fail("remove of " + ctx.layers.name(base) + " failed: " + r.describe());
    ctx.layers.forget(base);
    expect_exists(ctx, base, 0, "after remove");
    expect_code(ctx.drv.remove(base), BERTH_E_NOTFOUND, "remove of an already removed layer (base)");
}

} // namespace conformance
