// metadata (optional op): a JSON object of strings for docker inspect's
// GraphDriver.Data, for read-only and read-write layers alike.
#include "../case_util.hpp"
#include "../check.hpp"
#include "../json.hpp"

namespace conformance {

void case_metadata(Ctx &ctx) {
    if (!ctx.drv.has(Op::metadata)) skip("the driver has no metadata operation (optional)");
    std::string base = fill_layer(ctx, "base", "", {tar_file("f", "f\n")});
    std::string child = ctx.layers.create("child", base, true);
    for (const auto &id : {base, child}) {
        std::string json;
        Status st = ctx.drv.metadata(id, json);
        std::string what = "metadata of layer " + ctx.layers.name(id);
        if (!st.ok()) fail(what + " failed: " + st.describe());
        Json doc;
        try {
            doc = parse_json(json);
        } catch (const std::exception &e) {
            fail(what + " is malformed JSON (" + e.what() + "): " + json.substr(0, 200));
        }
        expect(doc.kind == Json::Kind::object, what + " is a JSON " + kind_name(doc.kind) + ", expected an object");
        for (const auto &[k, v] : doc.members)
            expect(v.is_string(), what + ": \"" + k + "\" is a JSON " + kind_name(v.kind) +
                                      ", every value must be a string");
    }
    std::string json;
    Status st = ctx.drv.metadata(Layers::new_id(), json);
    expect(st.code == BERTH_E_NOTFOUND, "metadata of a layer that does not exist returned " + st.describe() +
                                            ", expected NOTFOUND");
}

} // namespace conformance
