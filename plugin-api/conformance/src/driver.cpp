#include "driver.hpp"

#include "kit_host.hpp"
#include "strf.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace conformance {

const char *op_name(Op op) {
    switch (op) {
    case Op::status: return "status";
    case Op::create: return "create";
    case Op::remove: return "remove";
    case Op::exists: return "exists";
    case Op::get: return "get";
    case Op::put: return "put";
    case Op::diff: return "diff";
    case Op::changes: return "changes";
    case Op::apply_diff: return "apply_diff";
    case Op::diff_size: return "diff_size";
    case Op::usage: return "usage";
    case Op::metadata: return "metadata";
    case Op::mounts: return "mounts";
    case Op::cleanup: return "cleanup";
    }
    return "?";
}

MissingOp::MissingOp(Op o) : std::runtime_error(std::string("no ") + op_name(o) + " operation"), op(o) {}

std::string Status::describe() const {
    std::string out = strf("%s (%d)", berth_status_name(code), code);
    if (message_set && !message.empty()) out += ": " + message;
    else out += " with no message (the driver did not call err_set)";
    if (message_set && recorded != code)
        out += strf(" [err_set recorded %s but the op returned %s]", berth_status_name(recorded),
                    berth_status_name(code));
    return out;
}

Driver::Driver(const berth_storage_ops *ops, uint32_t ops_size, uint64_t caps, berth_instance *instance)
    : caps_(caps), threadsafe_((caps & BERTH_CAP_THREADSAFE) != 0), self_(instance) {
    // A zeroed table of the kit's size: ops past the driver's ops_size stay
    // NULL, which means "not supported" (abi.h size negotiation).
    std::memcpy(&ops_, ops, std::min<size_t>(ops_size, sizeof ops_));
    ops_.struct_size = sizeof ops_;
}

bool Driver::has(Op op) const {
    switch (op) {
    case Op::status: return ops_.status != nullptr;
    case Op::create: return ops_.create != nullptr;
    case Op::remove: return ops_.remove != nullptr;
    case Op::exists: return ops_.exists != nullptr;
    case Op::get: return ops_.get != nullptr;
    case Op::put: return ops_.put != nullptr;
    case Op::diff: return ops_.diff != nullptr;
    case Op::changes: return ops_.changes != nullptr;
    case Op::apply_diff: return ops_.apply_diff != nullptr;
    case Op::diff_size: return ops_.diff_size != nullptr;
    case Op::usage: return ops_.usage != nullptr;
    case Op::metadata: return ops_.metadata != nullptr;
    case Op::mounts: return ops_.mounts != nullptr;
    case Op::cleanup: return ops_.cleanup != nullptr;
    }
    return false;
}

template <class F>
Status Driver::invoke(Op op, F &&fn) {
    if (!has(op)) throw MissingOp(op);
    berth_call call = new_call();
    int32_t rc;
    if (threadsafe_) {
        rc = fn(&call);
    } else {
        std::lock_guard lock(serial_);
        rc = fn(&call);
    }
    return status_of(rc, call);
}

Status status_of(int32_t rc, const berth_call &call) {
    Status st;
    st.code = rc;
    st.message_set = call.message_set != 0;
    st.recorded = call.code;
    if (st.message_set) st.message.assign(call.message, strnlen(call.message, sizeof call.message));
    return st;
}

// A successful op must hand over its output; an output on failure is
// freed too, so the kit never leaks what a sloppy driver allocated.
Status Driver::take_string(Status st, char *raw, std::string &out, const char *what) {
    out.clear();
    if (raw != nullptr) {
        out = raw;
        std::free(raw);
    } else if (st.ok()) {
        st.code = BERTH_E_INTERNAL;
        st.message_set = true;
        st.recorded = BERTH_E_INTERNAL;
        st.message = strf("[kit] the op returned OK but left %s NULL", what);
    }
    return st;
}

Status Driver::status(std::string &out_json) {
    char *raw = nullptr;
    Status st = invoke(Op::status, [&](berth_call *c) { return ops_.status(self_, c, &raw); });
    return take_string(st, raw, out_json, "*out_json");
}

Status Driver::create(const std::string &id, const std::string &parent, bool rw, const char *storage_opts_json) {
    return create_raw(id, parent.empty() ? nullptr : parent.c_str(), rw, storage_opts_json);
}

Status Driver::create_raw(const std::string &id, const char *parent, bool rw, const char *storage_opts_json) {
    berth_storage_create_opts opts{};
    opts.struct_size = sizeof opts;
    opts.rw = rw ? 1 : 0;
    opts.mount_label = nullptr;
    opts.storage_opts_json = storage_opts_json;
    return invoke(Op::create, [&](berth_call *c) { return ops_.create(self_, c, id.c_str(), parent, &opts); });
}

Status Driver::remove(const std::string &id) {
    return invoke(Op::remove, [&](berth_call *c) { return ops_.remove(self_, c, id.c_str()); });
}

Status Driver::exists(const std::string &id, int32_t &out) {
    out = -1; // a driver that never writes it is caught by the case
    return invoke(Op::exists, [&](berth_call *c) { return ops_.exists(self_, c, id.c_str(), &out); });
}

Status Driver::get(const std::string &id, std::string &out_path) {
    char *raw = nullptr;
    Status st = invoke(Op::get, [&](berth_call *c) { return ops_.get(self_, c, id.c_str(), nullptr, &raw); });
    return take_string(st, raw, out_path, "*out_path");
}

Status Driver::put(const std::string &id) {
    return invoke(Op::put, [&](berth_call *c) { return ops_.put(self_, c, id.c_str()); });
}

Status Driver::diff(const std::string &id, const char *parent, int out_fd) {
    return invoke(Op::diff, [&](berth_call *c) { return ops_.diff(self_, c, id.c_str(), parent, out_fd); });
}

Status Driver::changes(const std::string &id, const char *parent, std::string &out_json) {
    char *raw = nullptr;
    Status st = invoke(Op::changes, [&](berth_call *c) { return ops_.changes(self_, c, id.c_str(), parent, &raw); });
    return take_string(st, raw, out_json, "*out_json");
}

Status Driver::apply_diff(const std::string &id, const char *parent, int in_fd, int64_t &out_size) {
    out_size = -1;
    return invoke(Op::apply_diff,
                  [&](berth_call *c) { return ops_.apply_diff(self_, c, id.c_str(), parent, in_fd, &out_size); });
}

Status Driver::diff_size(const std::string &id, const char *parent, int64_t &out_size) {
    out_size = -1;
    return invoke(Op::diff_size,
                  [&](berth_call *c) { return ops_.diff_size(self_, c, id.c_str(), parent, &out_size); });
}

Status Driver::usage(const std::string &id, int64_t &bytes, int64_t &inodes) {
    bytes = -1;
    inodes = -1;
    return invoke(Op::usage, [&](berth_call *c) { return ops_.usage(self_, c, id.c_str(), &bytes, &inodes); });
}

Status Driver::metadata(const std::string &id, std::string &out_json) {
    char *raw = nullptr;
    Status st = invoke(Op::metadata, [&](berth_call *c) { return ops_.metadata(self_, c, id.c_str(), &raw); });
    return take_string(st, raw, out_json, "*out_json");
}

Status Driver::mounts(const std::string &id, std::string &out_json) {
    char *raw = nullptr;
    Status st = invoke(Op::mounts, [&](berth_call *c) { return ops_.mounts(self_, c, id.c_str(), &raw); });
    return take_string(st, raw, out_json, "*out_json");
}

Status Driver::cleanup() {
    return invoke(Op::cleanup, [&](berth_call *c) { return ops_.cleanup(self_, c); });
}

} // namespace conformance
