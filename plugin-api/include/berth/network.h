/*
 * berth/network.h — the network driver operation table.
 *
 * The core owns IPAM and the network and endpoint records (ids, subnets,
 * addresses, MACs, aliases, published ports); a driver owns the kernel
 * objects that carry traffic (bridges, veths, vxlan devices, nft rules). That
 * split is what lets the host swap a driver on a live host without losing
 * addresses: the new generation receives the same records.
 *
 * Scope: a driver is "local" (its networks exist on one host: bridge, host,
 * none) or "global" (a cluster store coordinates them across hosts: overlay).
 * Global drivers also implement network_allocate/network_free, which run on a
 * swarm manager before any host creates the network.
 *
 * Arguments that vary by driver travel as JSON objects with a "v" key naming
 * their version, so drivers can grow them without a new ABI minor.
 *
 * Every operation returns BERTH_OK or a BERTH_E_* code with a message set via
 * host->err_set; a NULL operation means not supported (BERTH_E_NOTSUP).
 * THREADS: without BERTH_CAP_THREADSAFE the host serialises calls. During a
 * hot swap the host calls quiesce, export_state, (import_state on the new
 * generation), and resume (only on rollback) with no other call in flight.
 *
 * SINCE: ABI 1.0 for every operation unless it says otherwise.
 */
#ifndef BERTH_NETWORK_H
#define BERTH_NETWORK_H

#include "berth/host.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct berth_network_ops {
    /* sizeof(berth_network_ops) as compiled; equals the entry's ops_size. */
    uint32_t struct_size;
    uint32_t reserved0;

    /* The driver's capabilities as a JSON object:
     *   {"v":1, "scope":"local"|"global", "connectivity_scope":"local"|"global",
     *    "version":"<plugin version>"}
     * *out_json: host->alloc'ed. */
    int32_t (*capabilities)(berth_instance *self, berth_call *call, char **out_json);

    /* Global scope only (swarm managers): reserve cluster-wide resources
     * (VNI, ...) for network nid before any host creates it.
     *   options_json: {"v":1, "options":{...}, "ipv4":[...], "ipv6":[...]}
     *   *out_json: {"v":1, "options":{...}} to store with the network. */
    int32_t (*network_allocate)(berth_instance *self, berth_call *call, const char *nid,
                                const char *options_json, char **out_json);
    int32_t (*network_free)(berth_instance *self, berth_call *call, const char *nid);

    /* Create network nid on this host.
     *   config_json: {"v":1, "name":..., "options":{"com.docker.network...":...},
     *     "internal":bool, "enable_ipv6":bool,
     *     "ipv4":[{"subnet":"172.18.0.0/16","gateway":"172.18.0.1","ip_range":...}],
     *     "ipv6":[...]}
     * BERTH_E_EXISTS if nid exists; BERTH_E_INVAL naming a bad option. */
    int32_t (*create_network)(berth_instance *self, berth_call *call, const char *nid,
                              const char *config_json);
    /* Delete network nid; BERTH_E_BUSY while it has endpoints. */
    int32_t (*delete_network)(berth_instance *self, berth_call *call, const char *nid);

    /* Create endpoint eid on nid.
     *   iface_json in: {"v":1, "address":"172.18.0.2/16", "address_v6":...,
     *     "mac":"02:42:..." or absent, "options":{...}}
     *   *out_json: the interface as the driver completed it (a MAC it chose)
     *   in the same shape, or NULL when it changed nothing. */
    int32_t (*create_endpoint)(berth_instance *self, berth_call *call, const char *nid,
                               const char *eid, const char *iface_json, char **out_json);
    int32_t (*delete_endpoint)(berth_instance *self, berth_call *call, const char *nid,
                               const char *eid);
    /* Driver facts about an endpoint for inspect, as a JSON object. */
    int32_t (*endpoint_info)(berth_instance *self, berth_call *call, const char *nid,
                             const char *eid, char **out_json);

    /* Put endpoint eid into the sandbox whose network namespace is at
     * netns_path (a bind-mounted /proc/<pid>/ns/net or /run/netns/<name>).
     *   options_json: {"v":1, "ifname_prefix":"eth", "mtu":1500, ...}
     *   *out_json: {"v":1, "ifname":"eth0", "gateway":"172.18.0.1",
     *     "gateway_v6":..., "routes":[{"dst":"...","nexthop":"..."}],
     *     "disable_gateway":bool} */
    int32_t (*join)(berth_instance *self, berth_call *call, const char *nid,
                    const char *eid, const char *netns_path, const char *options_json,
                    char **out_json);
    int32_t (*leave)(berth_instance *self, berth_call *call, const char *nid,
                     const char *eid);

    /* Published ports and outside connectivity for a joined endpoint.
     *   options_json: {"v":1, "ports":[{"proto":"tcp","container_port":80,
     *     "host_ip":"0.0.0.0","host_port":8080}], "exposed":[...]}
     * revoke_external undoes it; both are idempotent. */
    int32_t (*program_external)(berth_instance *self, berth_call *call, const char *nid,
                                const char *eid, const char *options_json);
    int32_t (*revoke_external)(berth_instance *self, berth_call *call, const char *nid,
                               const char *eid);

    /* Cluster events for global drivers (peer joined, peer left), as JSON. */
    int32_t (*event_notify)(berth_instance *self, berth_call *call, const char *event_json);

    /* Hot swap. quiesce: finish in-flight work and accept no new mutations
     * until resume or fini; kernel objects keep forwarding traffic. */
    int32_t (*quiesce)(berth_instance *self, berth_call *call);
    /* Undo quiesce (the swap was rolled back). */
    int32_t (*resume)(berth_instance *self, berth_call *call);
    /* With BERTH_CAP_STATE_HANDOVER: the driver's bookkeeping as versioned
     * JSON in the format named by state_schema. *out_json host->alloc'ed. */
    int32_t (*export_state)(berth_instance *self, berth_call *call, char **out_json);
    /* Adopt state exported by a previous generation with the same schema.
     * Kernel objects it names already exist; adopt, do not recreate them. */
    int32_t (*import_state)(berth_instance *self, berth_call *call, const char *state_json);
} berth_network_ops;

#define BERTH_NETWORK_OPS_V1_0_SIZE (offsetof(berth_network_ops, import_state) + sizeof(void *))

#ifdef __cplusplus
} /* extern "C" */
#endif
#endif /* BERTH_NETWORK_H */
