// options.hpp — the driver's two option inputs: the plugin's daemon.json
// section at init ({"storage-opts": ["overlay2.size=10G"]}) and the per-layer
// storage_opts_json of create ({"size": "10G"}). Unknown keys are refused
// naming the key, so a typo never silently does nothing.
#pragma once

#include <berth/layertar.hpp>

#include <cstdint>
#include <optional>

namespace berth::overlay2 {

struct DriverOptions {
    // overlay2.size: default quota for rw layers (parsed, then refused:
    // quotas need xfs project quotas, which this driver does not set up).
    std::optional<uint64_t> default_size;
    // "id_map": {"uid": H, "gid": G, "size": S}, which the daemon passes
    // under userns-remap: container id X is host id H+X (G+X for groups),
    // and layers are stored with the host ids. Absent: the identity.
    layertar::IdMap id_map;
};

// config_json: NULL, "" or an object. INVAL on malformed input or an
// unknown key (inside "id_map" too).
DriverOptions parse_driver_options(const char *config_json);

// The per-layer options of create that the driver honours.
struct CreateOptions {
    // "volatile": "true" — the layer need not survive a host crash
    // (berthd: the RW layer of a container removed at its exit),
    // so it is made without fsyncs (a kill -9 still finds it whole or
    // absent: the rename into place is atomic), and its rw mounts use
    // overlay's volatile option: no sync of the whole upper file system at
    // unmount, and fsync inside is not passed down. Its remove returns at
    // the rename that takes it out of the layout; the files go on a
    // background thread (BackgroundRemover).
    bool volatile_mounts = false;
};

// The per-layer options of create. INVAL for malformed JSON, an unknown
// key or a "volatile" other than "true"/"false"; NOTSUP for "size".
CreateOptions check_create_options(const char *storage_opts_json);

} // namespace berth::overlay2
