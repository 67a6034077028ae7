#include "attack.hpp"

#include "../check.hpp"
#include "../fs.hpp"
#include "../strf.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace conformance {

Attack prepare_attack(Ctx &ctx) {
    Attack a;
    a.marker = "escape-" + random_hex(6);
    a.canary = make_temp_dir(ctx.outside, "canary-");
    a.canary_rel = a.canary.substr(1);
    for (int i = 0; i < 48; ++i) a.up += "../";
    return a;
}

namespace {

// Every place the marker showed up outside the layer. The driver's home is
// searched only when the attack had to be refused: a contained entry lives
// in the layer's storage, which is inside home.
std::vector<std::string> find_escapes(Ctx &ctx, const Attack &a, bool search_home) {
    std::vector<std::string> found = find_named(a.canary, a.marker);
    if (search_home) {
        for (const auto &p : find_named(ctx.home, a.marker)) found.push_back(p);
        std::string above = ctx.home.substr(0, ctx.home.rfind('/')) + "/" + a.marker;
        if (lexists(above)) found.push_back(above);
    }
    return found;
}

} // namespace

void run_attack(Ctx &ctx, const Attack &a, const std::vector<TarSpec> &tar, bool must_refuse, const std::string &what,
                const HarmCheck &harm) {
    std::string tar_path = ctx.scratch_file("attack.tar");
    write_tar(tar_path, tar);
    std::string M = ctx.layers.create("M", "", false);
    std::string name = ctx.layers.name(M);

    Fd fd(::open(tar_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) throw_errno("opening " + tar_path, errno);
    int64_t size = 0;
    Status st = ctx.drv.apply_diff(M, nullptr, fd.get(), size);

    auto escapes = find_escapes(ctx, a, must_refuse);
    for (const auto &p : escapes) remove_tree(p); // only ever the marker's own name
    if (harm)
        for (const auto &p : harm()) escapes.push_back(p);
    remove_tree(a.canary);
    if (!escapes.empty())
        expect_none(escapes, "apply_diff into layer " + name + " of a tar with " + what + " wrote outside the layer (" +
                                 (st.ok() ? "and returned OK" : "then returned " + st.describe()) + ")");

    if (st.ok()) {
        expect(!must_refuse, "apply_diff into layer " + name + " of a tar with " + what +
                                 " returned OK; it must refuse it (INVAL naming the entry)");
        return; // contained: acceptable for this kind of entry
    }
    expect(st.code == BERTH_E_INVAL, "apply_diff into layer " + name + " refused a tar with " + what + " with " +
                                         st.describe() + ", but storage.h asks for INVAL naming the entry");
    expect(st.message.find(a.marker) != std::string::npos,
           "apply_diff into layer " + name + " refused a tar with " + what + " but its message does not name the "
           "entry: \"" + st.message + "\"");
}

} // namespace conformance
