// registry.cpp — the storage cases in the order they run. Names are part of
// the kit's interface (--filter, CI logs): never rename one.
#include "../case.hpp"

namespace conformance {

void case_lifecycle(Ctx &);
void case_create_opts(Ctx &);
void case_layer_chain(Ctx &);
void case_long_chain(Ctx &);
void case_round_trip(Ctx &);
void case_whiteouts(Ctx &);
void case_opaque_dirs(Ctx &);
void case_apply_whiteouts(Ctx &);
void case_remove_busy(Ctx &);
void case_concurrent(Ctx &);
void case_refcount(Ctx &);
void case_malicious_dotdot(Ctx &);
void case_malicious_nested_dotdot(Ctx &);
void case_malicious_deep_dotdot(Ctx &);
void case_malicious_absolute(Ctx &);
void case_malicious_symlink_abs(Ctx &);
void case_malicious_symlink_rel(Ctx &);
void case_malicious_hardlink(Ctx &);
void case_usage(Ctx &);
void case_metadata(Ctx &);
void case_mounts(Ctx &);
void case_restart(Ctx &);

const std::vector<Case> &storage_cases() {
    static const std::vector<Case> cases = {
        {"storage.lifecycle", "create/exists/remove and their EXISTS/NOTFOUND errors", case_lifecycle},
        {"storage.create-opts", "unknown storage option is INVAL naming the key; {} is fine", case_create_opts},
        {"storage.layer-chain", "5 applied read-only layers + a read-write layer; get shows all; status shape",
         case_layer_chain},
        {"storage.long-chain",
         "100 applied read-only layers + a read-write layer: a deep image still mounts and shows every layer",
         case_long_chain},
        {"storage.round-trip", "every file kind through diff -> tar -> apply_diff; diff_size, changes",
         case_round_trip},
        {"storage.whiteouts", "a deleted file becomes .wh.<name>; applied, it hides the file; changes Kind 2",
         case_whiteouts},
        {"storage.opaque-dirs", "a recreated dir hides the parent's children (opaque marker or whiteouts)",
         case_opaque_dirs},
        {"storage.apply-whiteouts", "apply_diff of a generated OCI tar with whiteouts and opaque markers",
         case_apply_whiteouts},
        {"storage.remove-while-mounted", "remove of a layer held by get is BUSY and keeps the data",
         case_remove_busy},
        {"storage.concurrent-get-put", "8 threads x 50 get/put on one layer", case_concurrent},
        {"storage.refcounting", "get twice, put once: still mounted; last put unmounts", case_refcount},
        {"storage.malicious-diff.dotdot", "apply_diff refuses ../escape", case_malicious_dotdot},
        {"storage.malicious-diff.nested-dotdot", "apply_diff refuses sub/../../escape", case_malicious_nested_dotdot},
        {"storage.malicious-diff.deep-dotdot", "apply_diff refuses ../../(x48)<dir outside home>/escape",
         case_malicious_deep_dotdot},
        {"storage.malicious-diff.absolute", "an absolute entry name stays inside the layer or is refused",
         case_malicious_absolute},
        {"storage.malicious-diff.symlink-abs", "no write through an absolute symlink leaves the layer",
         case_malicious_symlink_abs},
        {"storage.malicious-diff.symlink-rel", "no write through a ../ symlink leaves the layer",
         case_malicious_symlink_rel},
        {"storage.malicious-diff.hardlink", "apply_diff refuses a hard link to a file outside the layer",
         case_malicious_hardlink},
        {"storage.usage", "usage (optional) counts the layer itself, not its parents", case_usage},
        {"storage.metadata", "metadata (optional) is a JSON object of strings", case_metadata},
        {"storage.mounts", "mounts (optional) is a JSON array of OCI mounts", case_mounts},
        {"storage.restart", "cleanup unmounts everything; after fini + init the layer and its data remain",
         case_restart},
    };
    return cases;
}

} // namespace conformance
