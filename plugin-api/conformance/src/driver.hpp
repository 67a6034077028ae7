// driver.hpp — the kit's side of the storage ops table: one method per op,
// each with a fresh berth_call, returning the status and the message the
// driver set. Outputs in host memory are copied and freed here.
//
// A NULL op throws MissingOp; the runner turns that into FAIL naming the op,
// or SKIP for the ops storage.h documents as optional.
// Without BERTH_CAP_THREADSAFE every call is serialised, as the daemon does.
#pragma once

#include <berth/storage.h>

#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>

namespace conformance {

enum class Op { status, create, remove, exists, get, put, diff, changes, apply_diff, diff_size, usage, metadata,
                mounts, cleanup };
const char *op_name(Op op);

struct MissingOp : std::runtime_error {
    explicit MissingOp(Op o);
    Op op;
};

// What one call returned.
struct Status {
    int32_t code = BERTH_OK;
    std::string message;   // what err_set recorded ("" if nothing)
    bool message_set = false;
    int32_t recorded = 0;  // the code err_set recorded, to spot mismatches
    bool ok() const { return code == BERTH_OK; }
    // "NOTFOUND (-1): layer abc does not exist", with notes when the driver
    // set no message or recorded a different code than it returned.
    std::string describe() const;
};

// The Status of a call that returned rc with call's error slot.
Status status_of(int32_t rc, const berth_call &call);

class Driver {
public:
    Driver(const berth_storage_ops *ops, uint32_t ops_size, uint64_t caps, berth_instance *instance);

    bool has(Op op) const;
    bool threadsafe() const { return threadsafe_; }
    uint64_t caps() const { return caps_; }
    // After a restart (fini + init) the same ops work on a new instance.
    void set_instance(berth_instance *instance) { self_ = instance; }

    Status status(std::string &out_json);
    // parent "" means none; it is passed as NULL.
    Status create(const std::string &id, const std::string &parent, bool rw, const char *storage_opts_json = nullptr);
    // Passes parent verbatim (a case checks that "" also means "no parent").
    Status create_raw(const std::string &id, const char *parent, bool rw, const char *storage_opts_json);
    Status remove(const std::string &id);
    Status exists(const std::string &id, int32_t &out);
    Status get(const std::string &id, std::string &out_path);
    Status put(const std::string &id);
    Status diff(const std::string &id, const char *parent, int out_fd);
    Status changes(const std::string &id, const char *parent, std::string &out_json);
    Status apply_diff(const std::string &id, const char *parent, int in_fd, int64_t &out_size);
    Status diff_size(const std::string &id, const char *parent, int64_t &out_size);
    Status usage(const std::string &id, int64_t &bytes, int64_t &inodes);
    Status metadata(const std::string &id, std::string &out_json);
    Status mounts(const std::string &id, std::string &out_json);
    Status cleanup();

private:
    template <class F>
    Status invoke(Op op, F &&fn);
    static Status take_string(Status st, char *raw, std::string &out, const char *what);

    berth_storage_ops ops_{};
    uint64_t caps_;
    bool threadsafe_;
    berth_instance *self_;
    std::mutex serial_;
};

} // namespace conformance
