// id_map.cpp — container <-> host ids under a user-namespace map (IdMap).
#include "internal.hpp"

namespace berth::layertar::detail {

namespace {

// (uid_t)-1 means "unchanged" to chown, so no mapped id may reach it.
constexpr uint64_t id_limit = 0xFFFFFFFFu;

} // namespace

void check_id_map(const IdMap &map) {
    if (map.identity()) return;
    const uint64_t size = map.size;
    if (map.uid + size > id_limit || map.gid + size > id_limit)
        fail(BERTH_E_INVAL, "id map (uid " + std::to_string(map.uid) + ", gid " + std::to_string(map.gid) +
                                ", size " + std::to_string(map.size) + ") reaches past host ID 4294967294");
}

Owner host_owner(const IdMap &map, int64_t uid, int64_t gid, const std::vector<std::string> &components) {
    if (map.identity()) return Owner{static_cast<uid_t>(uid), static_cast<gid_t>(gid)};
    const auto refuse = [&](int64_t id, const char *kind) {
        fail(BERTH_E_INVAL, "container ID " + std::to_string(id) + " of '" + join_components(components) +
                                "' cannot be mapped to a host ID (" + kind + "; the map covers 0-" +
                                std::to_string(static_cast<uint64_t>(map.size) - 1) + ")");
    };
    if (uid < 0 || uid >= static_cast<int64_t>(map.size)) refuse(uid, "uid");
    if (gid < 0 || gid >= static_cast<int64_t>(map.size)) refuse(gid, "gid");
    return Owner{static_cast<uid_t>(map.uid + static_cast<uint64_t>(uid)),
                 static_cast<gid_t>(map.gid + static_cast<uint64_t>(gid))};
}

uint32_t container_id(uint32_t base, uint32_t size, uint32_t id) noexcept {
    if (id >= base && static_cast<uint64_t>(id) - base < size) return id - base;
    return overflow_id;
}

} // namespace berth::layertar::detail
