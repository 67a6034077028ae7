// pusher.h — `docker push`: upload an image from the local stores to a
// registry, reporting progress in moby's words (see push_layer_upload.h for
// the per-layer lines):
//
//   The push refers to repository [127.0.0.1:5000/busybox]
//   <layer>: Preparing / Waiting / Pushing / Pushed | Layer already exists | Mounted from x
//   latest: digest: sha256:… size: 527            + aux {"Tag","Digest","Size"}
//
// Errors found before anything is sent (a malformed name, a digest
// reference, no such image or tag) are thrown before the first progress
// message, as images::Error (InvalidArgument / NotFound), so the API route
// can still answer 4xx. Later failures are thrown too (registry::
// RegistryError from the registry, images::Error from the stores); the route
// turns those into the stream's errorDetail.
//
// What is pushed, and what is recorded afterwards, is described in
// push_layer_blob.h and push_manifest.h. After each tag the manifest is kept
// in the content store and recorded on the image (ImageStore::add_manifest),
// and repo@digest is added as a reference (RepoDigests), as dockerd does.
#pragma once

#include "distribution/blob_sources.h"
#include "distribution/progress.h"
#include "distribution/registry_access.h"
#include "images/image_service.h"
#include "registry/credentials.h"

#include <cstdint>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

namespace berth::distribution {

struct PushOptions {
    // Familiar or full name: "127.0.0.1:5000/busybox". A tag on it is used
    // when `tag` is unset; a digest is refused.
    std::string repository;
    // nullopt (or ""): every tag of the repository (`push -a`).
    std::optional<std::string> tag;
    // From X-Registry-Auth; empty = the credentials store, else anonymous.
    registry::Credentials credentials;
};

struct PushedTag {
    std::string tag;
    std::string digest; // manifest digest
    int64_t size = 0;   // manifest bytes
};

std::vector<PushedTag> push_image(images::ImageService &service, const RegistryAccess &access, BlobSourceIndex &index,
                                  const PushOptions &options, ProgressSink &sink, std::stop_token stop = {});

} // namespace berth::distribution
