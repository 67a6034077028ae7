// storage_opts.hpp — parsing of the plugin config given to init and of the
// per-layer storage options ({"size":"10G"}) that `docker run --storage-opt`
// passes to create.
#pragma once

#include <berth/layertar.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace berth::btrfs {

struct driver_config {
    // "id_map": {"uid": H, "gid": G, "size": S}, which the daemon passes
    // under userns-remap: container id X is host id H+X (G+X for groups),
    // and layers are stored with the host ids. Absent: the identity.
    layertar::IdMap id_map;
};

// Parse init's config_json: NULL, "" or an object. Throws sdk::error INVAL
// naming an unknown key (inside "id_map" too) or a malformed value.
driver_config parse_driver_config(const char *json);

struct layer_opts {
    // Quota limit in bytes; absent when the user gave no "size".
    std::optional<uint64_t> size;
};

// Parse a JSON object of strings. NULL or empty text means no options.
// Throws sdk::error INVAL naming the unknown key or the malformed value.
layer_opts parse_layer_opts(const char *json);

// Parse a size the way docker's units.RAMInBytes does: a decimal number with
// an optional binary unit suffix (k, m, g, t, p; optional "i" and/or "b"),
// case-insensitive: "10G", "512m", "1.5GiB", "4096". Throws INVAL; zero is
// refused (a zero limit would make the layer unwritable).
uint64_t parse_size(const std::string &text);

} // namespace berth::btrfs
