// layer-chain: five read-only layers, each filled by apply_diff with one
// file, and a read-write layer on top: get must show all of them. Also:
// diff with parent NULL means "against its own parent", and status is the
// documented JSON shape.
#include "../case_util.hpp"
#include "../check.hpp"
#include "../json.hpp"
#include "../strf.hpp"

namespace conformance {

namespace {

std::string layer_content(int n) { return strf("content of layer %d\n", n); }

void check_status(Ctx &ctx) {
    std::string json;
    Status st = ctx.drv.status(json);
    if (!st.ok()) fail("status failed: " + st.describe());
    Json doc;
    try {
        doc = parse_json(json);
    } catch (const std::exception &e) {
        fail(std::string("status returned malformed JSON (") + e.what() + "): " + json.substr(0, 200));
    }
    expect(doc.kind == Json::Kind::array,
           std::string("status returned a JSON ") + kind_name(doc.kind) + ", expected an array of [key, value] pairs");
    for (const auto &pair : doc.items)
        expect(pair.kind == Json::Kind::array && pair.items.size() == 2 && pair.items[0].is_string() &&
                   pair.items[1].is_string(),
               "status returned " + json.substr(0, 200) + "; every element must be a [key, value] pair of strings");
}

} // namespace

void case_layer_chain(Ctx &ctx) {
    std::vector<std::string> ids;
    std::string parent;
    for (int n = 1; n <= 5; ++n) {
        std::string label = strf("L%d", n);
        parent = fill_layer(ctx, label, parent, {tar_file(strf("layer%d", n), layer_content(n))});
        ids.push_back(parent);
    }
    std::string top = ctx.layers.create("top", parent, true);

    std::string root = ctx.layers.get(top);
    for (int n = 1; n <= 5; ++n)
        expect_file(root, strf("/layer%d", n), layer_content(n), "get of read-write layer " + ctx.layers.name(top));
    ctx.layers.put(top);

    // A read-only layer in the middle of the chain is mountable too.
    std::string mid = ctx.layers.get(ids[2]);
    for (int n = 1; n <= 3; ++n)
        expect_file(mid, strf("/layer%d", n), layer_content(n), "get of read-only layer " + ctx.layers.name(ids[2]));
    expect_absent(mid, "/layer4", "get of read-only layer " + ctx.layers.name(ids[2]) + " (layer4 is its child's)");
    ctx.layers.put(ids[2]);

    // diff(L3, NULL) is against L3's own parent: only layer3 is new.
    auto items = diff_items(ctx, ids[2], nullptr, "L3-diff.tar");
    expect(find_item(items, "layer3") != nullptr,
           "diff of layer " + ctx.layers.name(ids[2]) + " with parent NULL has no entry layer3");
    for (const char *other : {"layer1", "layer2"})
        expect(find_item(items, other) == nullptr,
               "diff of layer " + ctx.layers.name(ids[2]) + " with parent NULL contains " + other +
                   ", which belongs to an ancestor (NULL means: against its own parent)");

    check_status(ctx);
}

// long-chain: images with ~100 layers exist in the wild; a driver that
// mounts must keep its mount options within the kernel's page-sized limit
// (overlay2 uses short link names and relative paths for this).
void case_long_chain(Ctx &ctx) {
    constexpr int depth = 100;
    std::string parent;
    for (int n = 1; n <= depth; ++n)
        parent = fill_layer(ctx, strf("D%d", n), parent, {tar_file(strf("deep/layer%03d", n), layer_content(n))});
    std::string top = ctx.layers.create("deep-top", parent, true);
    std::string root = ctx.layers.get(top);
    for (int n = 1; n <= depth; ++n)
        expect_file(root, strf("/deep/layer%03d", n), layer_content(n),
                    strf("get of a read-write layer on a %d-layer chain", depth));
    ctx.layers.put(top);
}

} // namespace conformance
