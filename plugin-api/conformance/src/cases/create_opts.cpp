// create-opts: storage_opts_json handling. storage.h: unknown keys are
// BERTH_E_INVAL naming the key; an empty object is no options at all.
#include "../case.hpp"
#include "../check.hpp"

namespace conformance {

void case_create_opts(Ctx &ctx) {
    const char *key = "berth-conformance-no-such-option";
    std::string bad = Layers::new_id();
    std::string opts = std::string("{\"") + key + "\":\"1\"}";
    Status st = ctx.drv.create(bad, "", true, opts.c_str());
    if (st.ok()) {
        ctx.layers.track(bad, "unknown-opt", "");
        fail(std::string("create with storage option {\"") + key + "\":\"1\"} succeeded; unknown keys must be INVAL");
    }
    expect(st.code == BERTH_E_INVAL,
           std::string("create with unknown storage option ") + key + " returned " + st.describe() + ", expected INVAL");
    expect(st.message.find(key) != std::string::npos,
           std::string("create refused unknown storage option ") + key + " but its message does not name the key: \"" +
               st.message + "\"");
    int32_t there = -1;
    if (ctx.drv.exists(bad, there).ok() && there == 1) {
        ctx.layers.track(bad, "unknown-opt", "");
        fail("create refused an unknown storage option but left the layer behind");
    }

    std::string good = Layers::new_id();
    Status ok = ctx.drv.create(good, "", true, "{}");
    if (ok.ok()) ctx.layers.track(good, "empty-opts", "");
    expect(ok.ok(), "create with storage options {} (none) failed: " + ok.describe());
}

} // namespace conformance
