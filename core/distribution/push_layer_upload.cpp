#include "distribution/push_layer_upload.h"

#include "distribution/push_canceled.h"
#include "distribution/push_layer_blob.h"
#include "images/errors.h"
#include "registry/blob_source.h"
#include "registry/errors.h"

#include <atomic>
#include <chrono>
#include <exception>
#include <mutex>
#include <thread>

namespace berth::distribution {
namespace {

// Progress lines are worth sending every half MiB or tenth of a second,
// not for each read the HTTP layer makes.
constexpr int64_t kProgressBytes = 512 * 1024;
constexpr auto kProgressInterval = std::chrono::milliseconds(100);

// The blob file as an upload source that reports "Pushing" as the HTTP
// layer reads it (smoother than per-chunk), and gives up at once when the
// push is stopped (push_blob rethrows what read_at throws, unretried).
registry::BlobSource reporting_source(const std::filesystem::path &path, const std::string &id, ProgressSink &sink,
                                      std::stop_token stop) {
    auto source = registry::BlobSource::from_file(path);
    struct State {
        int64_t last_sent = -1;
        std::chrono::steady_clock::time_point last_time;
    };
    auto state = std::make_shared<State>();
    const int64_t total = int64_t(source.size);
    auto inner = source.read_at;
    source.read_at = [inner, state, total, id, &sink, stop](std::uint64_t offset, char *buf, std::size_t len) {
        if (stop.stop_requested()) throw_canceled();
        const auto n = inner(offset, buf, len);
        const int64_t done = int64_t(offset + n);
        const auto now = std::chrono::steady_clock::now();
        if (done == total || done < state->last_sent || done - state->last_sent >= kProgressBytes ||
            now - state->last_time >= kProgressInterval) {
            state->last_sent = done;
            state->last_time = now;
            sink.bytes(id, "Pushing", done, total);
        }
        return n;
    };
    return source;
}

class LayerPusher {
public:
    LayerPusher(images::ImageService &service, const UploadTarget &target, BlobSourceIndex &index, ProgressSink &sink,
                std::stop_token stop)
        : service_(service), target_(target), index_(index), sink_(sink), stop_(std::move(stop)) {}

    registry::Descriptor push(const LayerUpload &layer) {
        const auto id = short_id(layer.diff_id);
        registry::Descriptor blob = layer.blob ? *layer.blob : prepare(layer);
        check_stop();
        auto &client = target_.client;

        if (client.blob_exists(target_.repository, blob.digest)) {
            remember(blob.digest);
            sink_.status(id, "Layer already exists");
            return blob;
        }
        if (auto from = try_mounts(blob.digest)) {
            remember(blob.digest);
            sink_.status(id, "Mounted from " + *from);
            return blob;
        }
        check_stop();
        registry::BlobPushOptions options;
        options.stop = stop_;
        const auto source = reporting_source(service_.content().path_of(blob.digest), id, sink_, stop_);
        client.push_blob(target_.repository, blob.digest, source, options);
        remember(blob.digest);
        sink_.status(id, "Pushed");
        return blob;
    }

private:
    void check_stop() const {
        if (stop_.stop_requested()) throw_canceled();
    }

    registry::Descriptor prepare(const LayerUpload &layer) {
        const auto record = service_.layers().get(layer.chain_id);
        if (!record) throw images::NotFound("layer " + layer.chain_id + " does not exist");
        return layer_blob_for_push(service_, *record, stop_);
    }

    // Other repositories of this registry the index says hold the blob;
    // returns the one that mounted, nullopt when none did.
    std::optional<std::string> try_mounts(const std::string &digest) {
        size_t attempts = 0;
        for (const auto &loc : index_.locations(digest)) {
            if (loc.registry != target_.registry || loc.repository == target_.repository) continue;
            if (attempts++ == kMaxMountAttempts) break;
            check_stop();
            try {
                if (target_.client.mount_blob(target_.repository, digest, loc.repository)) return loc.repository;
            } catch (const registry::RegistryError &) {
                // No pull access to the source, or it is gone: upload instead.
            }
        }
        return std::nullopt;
    }

    void remember(const std::string &digest) { index_.add(digest, target_.registry, target_.repository); }

    images::ImageService &service_;
    const UploadTarget &target_;
    BlobSourceIndex &index_;
    ProgressSink &sink_;
    std::stop_token stop_;
};

} // namespace

std::vector<registry::Descriptor> upload_layers(images::ImageService &service, const UploadTarget &target,
                                                BlobSourceIndex &index, const std::vector<LayerUpload> &layers,
                                                ProgressSink &sink, std::stop_token stop, size_t concurrency) {
    if (concurrency == 0) concurrency = 1;
    for (const auto &layer : layers) sink.status(short_id(layer.diff_id), "Preparing");
    // moby says "Waiting" for a transfer that cannot start at once.
    for (size_t i = concurrency; i < layers.size(); ++i) sink.status(short_id(layers[i].diff_id), "Waiting");

    // The workers' own stop source: the caller's token or the first failure
    // stops all of them.
    std::stop_source stopper;
    std::stop_callback forward(stop, [&stopper] { stopper.request_stop(); });
    LayerPusher pusher(service, target, index, sink, stopper.get_token());

    std::vector<registry::Descriptor> pushed(layers.size());
    std::atomic<size_t> next{0};
    std::mutex error_mutex;
    std::exception_ptr first_error;
    auto work = [&] {
        while (!stopper.stop_requested()) {
            const size_t i = next.fetch_add(1);
            if (i >= layers.size()) return;
            try {
                pushed[i] = pusher.push(layers[i]);
            } catch (...) {
                {
                    std::lock_guard lock(error_mutex);
                    if (!first_error) first_error = std::current_exception();
                }
                stopper.request_stop();
                return;
            }
        }
    };
    {
        std::vector<std::jthread> workers; // joined before leaving this block, even when one throws
        const size_t threads = std::min(concurrency, layers.size());
        for (size_t w = 1; w < threads; ++w) workers.emplace_back(work);
        work(); // this thread is a worker too
    }
    if (first_error) std::rethrow_exception(first_error);
    if (stop.stop_requested()) throw_canceled();
    return pushed;
}

} // namespace berth::distribution
