// The apply step of a pull: decompress a downloaded layer blob while the
// layer store applies and hashes it, reporting progress by how far into the
// compressed blob the decompressor has read (what moby's bar shows).
#include "distribution/puller.h"

#include "images/decompress.h"
#include "images/errors.h"
#include "registry/errors.h"

#include <unistd.h>

namespace berth::distribution {

void Puller::extract_layer(const registry::Descriptor &layer, const std::string &diff_id,
                           const std::string &parent_chain, ProgressSink &progress) {
    const std::string id = short_id(layer.digest);
    const std::string chain = images::chain_id(parent_chain, diff_id);
    KeyedGate::Hold hold(extractions_, chain);

    if (!images_.layers().has(chain)) {
        auto blob = images_.content().open(layer.digest);
        const int blob_fd = blob.get();
        images::DecompressPipe plain(blob_fd, "layer " + layer.digest);
        images::RegisterOptions options;
        options.parent_chain = parent_chain;
        options.expected_diff_id = diff_id;
        options.descriptor = images::LayerDescriptor{layer.media_type, layer.digest, layer.size};
        ProgressThrottle throttle;
        options.progress = [&](uint64_t) {
            const off_t at = ::lseek(blob_fd, 0, SEEK_CUR);
            if (at >= 0 && throttle.due(at, layer.size)) progress.bytes(id, "Extracting", at, layer.size);
        };
        try {
            try {
                images_.layers().register_layer(plain.fd(), options);
            } catch (...) {
                // Corrupt compression shows up to the layer store only as a
                // short tar: report the decompressor's finding if it has one.
                plain.finish();
                throw;
            }
            plain.finish();
        } catch (const images::DigestMismatch &e) {
            throw registry::RegistryError(registry::ErrorCategory::Corrupt,
                                          "layer " + layer.digest + " does not match its diff_id: " + e.what());
        } catch (const images::InvalidArgument &e) {
            std::string what = e.what();
            if (what.find(layer.digest) == std::string::npos) what = "layer " + layer.digest + ": " + what;
            throw registry::RegistryError(registry::ErrorCategory::Corrupt, what);
        }
    }
    progress.status(id, "Pull complete");
}

} // namespace berth::distribution
