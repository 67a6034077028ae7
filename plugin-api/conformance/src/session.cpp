#include "session.hpp"

namespace conformance {

Status Session::init() {
    berth_call call = new_call();
    berth_instance *inst = nullptr;
    int32_t rc = loaded_.desc->init(host_.table(), "{}", &inst, &call);
    Status st = status_of(rc, call);
    if (st.ok()) {
        instance_ = inst;
        alive_ = true;
    }
    return st;
}

void Session::fini() {
    if (!alive_) return;
    alive_ = false;
    loaded_.desc->fini(instance_);
    instance_ = nullptr;
}

} // namespace conformance
