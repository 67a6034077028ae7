// registry_client.h — the Docker Registry HTTP API V2 client berthd pulls and
// pushes with: one object per (registry, credentials), safe to use from
// several threads at once (each request takes its own pooled connection;
// tokens are shared).
//
// Repository names are the registry's path ("library/busybox"), references a
// tag or a digest. Every call throws RegistryError on failure; its
// category() tells the API layer which HTTP status to answer with.
#pragma once

#include "registry/blob_source.h"
#include "registry/credentials.h"
#include "registry/descriptor.h"
#include "registry/registry_config.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

namespace berth::registry {

// Which token scope a call needs: a pusher's HEAD/GET should ask for Push so
// the whole push shares one "pull,push" token.
enum class Access { Pull, Push };

struct FetchedManifest {
    std::string bytes;      // exactly as served: hash these, store these
    std::string media_type; // one of the four manifest kinds
    std::string digest;     // sha256 of bytes (checked against the reference and Docker-Content-Digest)
};

struct ManifestInfo {
    std::string media_type;
    std::string digest; // Docker-Content-Digest; "" when the registry sent none
    std::uint64_t size = 0;
};

// Receives blob bytes in order. Throw to abort the download.
using BlobSink = std::function<void(std::string_view bytes)>;
// Bytes done so far (including any resume offset) and the total (0 = unknown).
using ProgressFn = std::function<void(std::uint64_t done, std::uint64_t total)>;

struct BlobFetchOptions {
    // Resume: the sink already holds bytes [0, offset); only later bytes are
    // delivered (sent as Range: bytes=offset-, or skipped locally when the
    // registry answers 200 with the whole blob).
    std::uint64_t offset = 0;
    // The descriptor's size when known: the progress total, and a short body
    // is then retried instead of taken as complete.
    std::optional<std::uint64_t> size;
    ProgressFn progress;
    std::stop_token stop; // stops between chunks and during backoff
};

struct BlobFetchResult {
    std::uint64_t bytes = 0;  // the blob's length: offset + bytes delivered
    int retries = 0;          // attempts after the first
};

struct BlobPushOptions {
    // Try a cross-repository mount from this repository of the same
    // registry first; "" skips it.
    std::string mount_from;
    ProgressFn progress;
    std::stop_token stop;
    std::size_t chunk_size = 0; // 0: RegistryConfig::upload_chunk_size
};

enum class BlobPushOutcome { Mounted, Uploaded };

struct BlobPushResult {
    BlobPushOutcome outcome = BlobPushOutcome::Uploaded;
    std::string digest; // as the registry reports it
};

class RegistryClient {
public:
    // `registry` as it appears in references: "docker.io", "localhost:5000",
    // "myreg.example:443". Without `credentials`, the config's credentials
    // store is consulted, else the client is anonymous. Reads certs.d now;
    // contacts the registry only on the first call.
    RegistryClient(std::string registry, RegistryConfig config, std::optional<Credentials> credentials = std::nullopt);
    ~RegistryClient();
    RegistryClient(const RegistryClient &) = delete;
    RegistryClient &operator=(const RegistryClient &) = delete;

    const std::string &registry() const;
    // "https://registry-1.docker.io" once a call has found the endpoint
    // (HTTPS, or HTTP for loopback/insecure registries that refuse TLS).
    std::string base_url();

    // GET /v2/: finds the endpoint and the auth challenge. Other calls do
    // this themselves; calling it early just reports problems early.
    void ping();

    // POST /auth (`docker login`): GET /v2/ with the credentials, through
    // the auth challenge (a token with no scope for Bearer registries).
    // Throws RegistryError (Unauthorized) when the registry refuses them.
    void login();

    // Manifest by tag or digest, with the Accept header for all four kinds.
    // By digest, the sha256 of the bytes must equal it ("manifest digest
    // mismatch: requested sha256:A, got sha256:B").
    FetchedManifest get_manifest(const std::string &repository, const std::string &reference);

    // HEAD: nullopt when the registry does not know the reference.
    std::optional<ManifestInfo> head_manifest(const std::string &repository, const std::string &reference,
                                              Access access = Access::Pull);

    // Streams a blob into `sink`, following redirects (without the
    // registry's Authorization when they leave its origin), resuming with
    // Range after transient failures up to max_retries times. Does NOT check
    // the digest: use fetch_blob_verified, or a BlobVerifier in the sink.
    BlobFetchResult fetch_blob(const std::string &repository, const std::string &digest, const BlobSink &sink,
                               const BlobFetchOptions &options = {});

    // fetch_blob from offset 0 through a BlobVerifier for `blob` (digest and
    // size): bytes reach `sink` as they arrive, and the call throws
    // RegistryError (Corrupt) at the end when they were wrong. `what` names
    // the blob in messages ("layer", "config").
    BlobFetchResult fetch_blob_verified(const std::string &repository, const Descriptor &blob, const BlobSink &sink,
                                        ProgressFn progress = {}, std::stop_token stop = {},
                                        const std::string &what = "layer");

    // A small verified blob (an image config) into memory, capped at
    // RegistryConfig::max_manifest_bytes.
    std::string fetch_blob_bytes(const std::string &repository, const Descriptor &blob,
                                 const std::string &what = "config");

    // HEAD: the blob's size, or nullopt when the repository lacks it.
    std::optional<std::uint64_t> blob_exists(const std::string &repository, const std::string &digest,
                                             Access access = Access::Push);

    // Cross-repository mount only: true when mounted (201); false when the
    // registry declined (202; the upload session it opened is cancelled).
    bool mount_blob(const std::string &repository, const std::string &digest, const std::string &from_repository);

    // Uploads a blob (after an optional mount attempt): POST, PATCH chunks
    // with Content-Range, PUT ?digest=. A transient failure restarts the
    // upload, up to max_retries times. The registry checks the digest; what
    // the source throws propagates unchanged, and a source shorter than its
    // size is RegistryError (Invalid).
    BlobPushResult push_blob(const std::string &repository, const std::string &digest, const BlobSource &source,
                             const BlobPushOptions &options = {});

    // PUT a manifest under a tag or its digest; returns the digest the
    // registry reports (sha256 of `bytes` when it reports none).
    std::string put_manifest(const std::string &repository, const std::string &reference,
                             const std::string &media_type, const std::string &bytes);

    // Every tag, following Link pagination; page_size 0 lets the registry
    // choose.
    std::vector<std::string> list_tags(const std::string &repository, int page_size = 0);

    struct Impl; // in client_impl.h; public so the call files can share it

private:
    std::unique_ptr<Impl> impl_;
};

} // namespace berth::registry
