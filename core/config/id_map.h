// id_map.h — the one user-namespace mapping a daemon with userns-remap runs
// every container under: container uid X (0 <= X < size) is host uid X+uid,
// container gid X is host gid X+gid. size 0 means no remapping at all.
#pragma once

#include <cstdint>
#include <optional>

namespace berth::config {

struct IdMap {
    uint32_t uid = 0, gid = 0, size = 0;

    bool enabled() const { return size != 0; }
    // Host ids of the container's root (the owner of its "/" and files).
    uint32_t root_uid() const { return enabled() ? uid : 0; }
    uint32_t root_gid() const { return enabled() ? gid : 0; }

    // Container id → host id; nullopt when the map has no such id.
    std::optional<uint32_t> host_uid(uint32_t id) const { return to_host(id, uid); }
    std::optional<uint32_t> host_gid(uint32_t id) const { return to_host(id, gid); }
    // Host id → container id; an id the map does not cover is what the
    // kernel shows for it inside: the overflow id 65534.
    uint32_t container_uid(uint32_t host) const { return to_container(host, uid); }
    uint32_t container_gid(uint32_t host) const { return to_container(host, gid); }

private:
    std::optional<uint32_t> to_host(uint32_t id, uint32_t base) const {
        if (!enabled()) return id;
        if (id >= size) return std::nullopt;
        return base + id;
    }
    uint32_t to_container(uint32_t host, uint32_t base) const {
        if (!enabled()) return host;
        return host >= base && host - base < size ? host - base : 65534;
    }
};

} // namespace berth::config
