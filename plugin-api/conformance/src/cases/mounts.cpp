// mounts (optional op): for drivers whose mounts the host performs, a JSON
// array of OCI mount objects {"type","source","options"}.
#include "../case_util.hpp"
#include "../check.hpp"
#include "../json.hpp"

namespace conformance {

void case_mounts(Ctx &ctx) {
    if (!ctx.drv.has(Op::mounts)) skip("the driver has no mounts operation (optional: the host uses get/put)");
    std::string base = fill_layer(ctx, "base", "", {tar_file("f", "f\n")});
    std::string child = ctx.layers.create("child", base, true);
    std::string json;
    Status st = ctx.drv.mounts(child, json);
    std::string what = "mounts of layer " + ctx.layers.name(child);
    if (!st.ok()) fail(what + " failed: " + st.describe());
    Json doc;
    try {
        doc = parse_json(json);
    } catch (const std::exception &e) {
        fail(what + " is malformed JSON (" + e.what() + "): " + json.substr(0, 200));
    }
    expect(doc.kind == Json::Kind::array, what + " is a JSON " + kind_name(doc.kind) + ", expected an array");
    expect(!doc.items.empty(), what + " is an empty array: a layer needs at least one mount");
    for (const auto &m : doc.items) {
        expect(m.kind == Json::Kind::object, what + ": an element is not an object");
        const Json *type = m.find("type");
        const Json *source = m.find("source");
        const Json *options = m.find("options");
        expect(type != nullptr && type->is_string() && !type->str.empty(), what + ": a mount has no \"type\" string");
        expect(source != nullptr && source->is_string(), what + ": a mount has no \"source\" string");
        if (options != nullptr) {
            expect(options->kind == Json::Kind::array, what + ": \"options\" is not an array");
            for (const auto &o : options->items) expect(o.is_string(), what + ": an option is not a string");
        }
    }
}

} // namespace conformance
