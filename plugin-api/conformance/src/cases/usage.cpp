// usage (optional op): bytes and inodes the layer itself uses on disk, not
// its parents (storage.h). A layer holding one 1 MiB file and two small
// ones must report roughly that; an empty child of it must not count it.
#include "../case_util.hpp"
#include "../check.hpp"
#include "../strf.hpp"

namespace conformance {

void case_usage(Ctx &ctx) {
    if (!ctx.drv.has(Op::usage)) skip("the driver has no usage operation (optional)");
    std::string mib(1 << 20, '\0');
    for (size_t i = 0; i < mib.size(); ++i) mib[i] = static_cast<char>((i * 2654435761u) >> 13);
    std::string base = fill_layer(ctx, "base", "",
                                  {tar_dir("data"), tar_file("data/one-mib", mib), tar_file("data/small", "x\n")});
    std::string child = ctx.layers.create("child", base, true);

    int64_t bytes = -1, inodes = -1;
    Status st = ctx.drv.usage(base, bytes, inodes);
    if (!st.ok()) fail("usage of layer " + ctx.layers.name(base) + " failed: " + st.describe());
    expect(bytes >= (1 << 20) / 2 && bytes <= (64LL << 20),
           strf("usage of layer %s says %lld bytes for a layer holding 1 MiB of data", ctx.layers.name(base).c_str(),
                static_cast<long long>(bytes)));
    expect(inodes >= 3 && inodes <= 1000,
           strf("usage of layer %s says %lld inodes for a layer holding a directory and two files",
                ctx.layers.name(base).c_str(), static_cast<long long>(inodes)));

    st = ctx.drv.usage(child, bytes, inodes);
    if (!st.ok()) fail("usage of layer " + ctx.layers.name(child) + " failed: " + st.describe());
    expect(bytes >= 0 && bytes < (1 << 20) / 2,
           strf("usage of the empty layer %s says %lld bytes: it counts its parent's 1 MiB file (usage is the "
                "layer itself, not its parents)",
                ctx.layers.name(child).c_str(), static_cast<long long>(bytes)));
    expect(inodes >= 0 && inodes < 3, strf("usage of the empty layer %s says %lld inodes: it counts its parent's",
                                           ctx.layers.name(child).c_str(), static_cast<long long>(inodes)));
}

} // namespace conformance
