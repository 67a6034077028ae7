/*
 * berth/authz.h — the authorization plugin operation table.
 *
 * Each API request passes through every plugin named in daemon.json
 * "authorization-plugins", in order, before it reaches its handler; each
 * response passes through them again before it is sent. Plugins are AND-ed:
 * one deny is final. An error, a timeout or a crash is a deny (fail closed).
 * The deny message reaches the client as a 403 body.
 *
 * Every operation returns BERTH_OK (a decision was made, see out->allow) or a
 * BERTH_E_* code (treated as deny) with a message via host->err_set.
 * THREADS: authz plugins should set BERTH_CAP_THREADSAFE: every API request
 * calls them, and without it requests are serialised through the plugin.
 *
 * SINCE: ABI 1.0 for everything unless a field says otherwise.
 */
#ifndef BERTH_AUTHZ_H
#define BERTH_AUTHZ_H

#include "berth/host.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the host knows of a request. All borrowed for the call. */
typedef struct berth_authz_request {
    uint32_t struct_size;
    uint32_t reserved0;
    /* The authenticated user: the client certificate's CN over mutual TLS,
     * the peer's uid as "uid:<n>" over the unix socket. Never NULL. */
    const char *user;
    /* "TLS" or "unix". */
    const char *authn_method;
    const char *method; /* "GET", "POST", ... */
    const char *uri;    /* the request target as sent: "/v1.44/containers/json?all=1" */
    /* Request headers as a JSON object of strings, without Authorization and
     * X-Registry-Auth. */
    const char *headers_json;
    /* The request body when it is JSON and at most 4 MiB; otherwise empty. */
    berth_str body;
    /* The client's certificate chain in PEM, or NULL. */
    const char *peer_certs_pem;
} berth_authz_request;

/* What a response carries (for authz_response). All borrowed. */
typedef struct berth_authz_response {
    uint32_t struct_size;
    int32_t status;           /* HTTP status */
    const char *headers_json; /* response headers, JSON object of strings */
    berth_str body;           /* the body when it is JSON and <= 4 MiB, else empty */
} berth_authz_response;

/* The plugin's decision. */
typedef struct berth_authz_decision {
    uint32_t struct_size; /* set by the host */
    /* 1 allow, 0 deny. The host initialises it to 0. */
    int32_t allow;
    /* Why (shown to the client on deny). host->alloc'ed or NULL. */
    char *message;
} berth_authz_decision;

typedef struct berth_authz_ops {
    /* sizeof(berth_authz_ops) as compiled; equals the entry's ops_size. */
    uint32_t struct_size;
    uint32_t reserved0;
    int32_t (*authz_request)(berth_instance *self, berth_call *call,
                             const berth_authz_request *req, berth_authz_decision *out);
    /* May be NULL: responses are then allowed as far as this plugin goes. */
    int32_t (*authz_response)(berth_instance *self, berth_call *call,
                              const berth_authz_request *req,
                              const berth_authz_response *resp,
                              berth_authz_decision *out);
} berth_authz_ops;

#define BERTH_AUTHZ_OPS_V1_0_SIZE (offsetof(berth_authz_ops, authz_response) + sizeof(void *))

#ifdef __cplusplus
} /* extern "C" */
#endif
#endif /* BERTH_AUTHZ_H */
