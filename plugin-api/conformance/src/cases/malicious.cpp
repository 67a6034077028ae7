// malicious-diff.*: hostile layer tars, one case per way out of a layer.
#include "attack.hpp"

#include "../check.hpp"
#include "../fs.hpp"
#include "../strf.hpp"

#include <sys/stat.h>

namespace conformance {

void case_malicious_dotdot(Ctx &ctx) {
    Attack a = prepare_attack(ctx);
    run_attack(ctx, a, {tar_file("harmless", "ok\n"), tar_file("../" + a.marker, "escaped\n")}, true,
               "an entry named ../" + a.marker);
}

void case_malicious_nested_dotdot(Ctx &ctx) {
    Attack a = prepare_attack(ctx);
    run_attack(ctx, a, {tar_dir("sub"), tar_file("sub/../../" + a.marker, "escaped\n")}, true,
               "an entry named sub/../../" + a.marker);
}

void case_malicious_deep_dotdot(Ctx &ctx) {
    Attack a = prepare_attack(ctx);
    std::string name = a.up + a.canary_rel + "/" + a.marker;
    run_attack(ctx, a, {tar_file(name, "escaped\n")}, true, "an entry named ../../(x48)" + a.canary + "/" + a.marker);
}

void case_malicious_absolute(Ctx &ctx) {
    Attack a = prepare_attack(ctx);
    std::string name = a.canary + "/" + a.marker;
    run_attack(ctx, a, {tar_file(name, "escaped\n")}, false, "an absolute entry name " + name);
}

void case_malicious_symlink_abs(Ctx &ctx) {
    Attack a = prepare_attack(ctx);
    std::string link = "lnk-" + a.marker;
    run_attack(ctx, a, {tar_symlink(link, a.canary), tar_file(link + "/" + a.marker, "escaped\n")}, false,
               "a symlink " + link + " -> " + a.canary + " and then an entry " + link + "/" + a.marker);
}

void case_malicious_symlink_rel(Ctx &ctx) {
    Attack a = prepare_attack(ctx);
    std::string link = "lnk-" + a.marker;
    run_attack(ctx, a, {tar_symlink(link, a.up + a.canary_rel), tar_file(link + "/" + a.marker, "escaped\n")}, false,
               "a symlink " + link + " -> ../../(x48)" + a.canary + " and then an entry " + link + "/" + a.marker);
}

// A hard link to a file outside would let any later write to the layer
// change that file, so it must be refused; the victim must keep its single
// link and its content.
void case_malicious_hardlink(Ctx &ctx) {
    Attack a = prepare_attack(ctx);
    std::string victim = a.canary + "/victim";
    write_file(victim, "canary\n", 0644);
    std::string link = "hl-" + a.marker;
    std::vector<TarSpec> tar = {tar_hardlink(link, a.up + a.canary_rel + "/victim"), tar_file(link, "overwritten\n")};
    std::string what = "a hard link " + link + " to ../../(x48)" + victim;
    run_attack(ctx, a, tar, true, what, [&] {
        std::vector<std::string> harm;
        struct stat st;
        if (::lstat(victim.c_str(), &st) != 0) harm.push_back(victim + " (outside the layer) is gone");
        else if (st.st_nlink != 1) harm.push_back(strf("%s (outside the layer) now has %llu links", victim.c_str(),
                                                        static_cast<unsigned long long>(st.st_nlink)));
        else if (read_file(victim) != "canary\n") harm.push_back(victim + " (outside the layer) was overwritten");
        return harm;
    });
}

} // namespace conformance
