// layer_driver.h — what the image stores need from a storage driver, as an
// abstract class: PluginLayerDriver forwards it to the selected storage
// plugin, and tests substitute an in-memory fake. Ids are the driver's
// layer ids (the layer store's "cache ids": 64 random lowercase hex);
// parents are ids too, "" for none. Failures throw StorageError.
#pragma once

#include "images/errors.h"

#include <berth/abi.h>

#include <cstdint>
#include <string>

namespace berth::images {

// A failed driver operation: the BERTH_E_* code and "<op> <id>: <message>".
class StorageError : public Error {
public:
    StorageError(int32_t code, const std::string &message) : Error(kind_of(code), message), code_(code) {}
    int32_t code() const { return code_; }

    static ErrorKind kind_of(int32_t code) {
        switch (code) {
        case BERTH_E_NOTFOUND: return ErrorKind::NotFound;
        case BERTH_E_EXISTS:
        case BERTH_E_BUSY: return ErrorKind::Conflict;
        case BERTH_E_INVAL: return ErrorKind::InvalidArgument;
        default: return ErrorKind::Internal;
        }
    }

private:
    int32_t code_;
};

struct LayerCreateOptions {
    std::string mount_label;       // SELinux label, "" for none
    std::string storage_opts_json; // {"size":"10G"}, "" for none
};

class LayerDriver {
public:
    virtual ~LayerDriver() = default;

    // The driver's name ("overlay2"): GraphDriver.Name in inspect.
    virtual std::string name() const = 0;

    // rw=false: an image layer that apply_diff fills next; rw=true: a
    // container's writable layer.
    virtual void create(const std::string &id, const std::string &parent, bool rw,
                        const LayerCreateOptions &options = {}) = 0;
    virtual void remove(const std::string &id) = 0;
    virtual bool exists(const std::string &id) = 0;

    // Read an uncompressed layer tar from tar_fd (borrowed) to EOF into id.
    // Returns the bytes of content applied.
    virtual int64_t apply_diff(const std::string &id, const std::string &parent, int tar_fd) = 0;
    // Write id's changes against parent ("" = its own parent) as a tar.
    virtual void diff(const std::string &id, const std::string &parent, int out_fd) = 0;

    // Mount / unmount (ref-counted in the driver). get returns the path.
    virtual std::string get(const std::string &id, const std::string &mount_label = {}) = 0;
    virtual void put(const std::string &id) = 0;

    // Optional operations: drivers (and fakes) that lack them say NOTSUP.
    virtual int64_t diff_size(const std::string &id, const std::string &parent);
    // GraphDriver.Data for inspect, a JSON object text.
    virtual std::string metadata_json(const std::string &id);
    // /containers/{id}/changes, a JSON array text.
    virtual std::string changes_json(const std::string &id, const std::string &parent);
};

} // namespace berth::images
