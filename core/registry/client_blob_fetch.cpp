// Blob downloads: streamed to the caller's sink, resumed with Range after a
// broken connection, redirected to object storage without credentials.
#include "registry/client_impl.h"

#include "registry/blob_verifier.h"
#include "registry/errors.h"
#include "registry/names.h"
#include "registry/retry_policy.h"

#include <charconv>

namespace berth::registry {
namespace {

std::optional<std::uint64_t> parse_u64(std::string_view s) {
    std::uint64_t v = 0;
    const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
    return v;
}

struct ContentRange {
    std::uint64_t start = 0;
    std::optional<std::uint64_t> total;
};

// "bytes 100-199/200" (the total may be "*").
std::optional<ContentRange> parse_content_range(std::string_view v) {
    if (v.substr(0, 6) != "bytes ") return std::nullopt;
    v.remove_prefix(6);
    const auto dash = v.find('-');
    const auto slash = v.find('/');
    if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) return std::nullopt;
    ContentRange r;
    const auto start = parse_u64(v.substr(0, dash));
    if (!start) return std::nullopt;
    r.start = *start;
    r.total = parse_u64(v.substr(slash + 1));
    return r;
}

std::string eof_message(std::uint64_t got, std::uint64_t total, const std::string &digest) {
    return "unexpected EOF: got " + std::to_string(got) + " of " + std::to_string(total) + " bytes for " + digest;
}

} // namespace

BlobFetchResult RegistryClient::fetch_blob(const std::string &repository, const std::string &digest,
                                           const BlobSink &sink, const BlobFetchOptions &options) {
    check_repository(repository);
    check_digest(digest);
    const auto scopes = Impl::scopes(repository, Access::Pull);
    std::uint64_t offset = options.offset;
    std::optional<std::uint64_t> total = options.size;
    BlobFetchResult result;
    int failures = 0; // consecutive attempts that delivered nothing new
    auto canceled = [&] { return RegistryError(ErrorCategory::Transient, "download of " + digest + " canceled"); };

    while (true) {
        if (options.stop.stop_requested()) throw canceled();
        if (total && offset >= *total && offset > 0) break; // resumed with everything already there

        detail::HttpRequest req;
        req.url = impl_->v2_url(repository + "/blobs/" + digest);
        if (offset > 0) req.headers.emplace_back("Range", "bytes=" + std::to_string(offset) + "-");
        const std::uint64_t attempt_start = offset;
        std::uint64_t skip = 0;
        bool streamed = false;

        detail::BodyStream stream;
        stream.on_headers = [&](const detail::HttpResponse &head) {
            if (head.status == 200) {
                // The whole blob (no Range asked, or the server ignored it):
                // drop the part the sink already has.
                skip = attempt_start;
                if (!total) total = parse_u64(head.header("Content-Length"));
            } else if (head.status == 206) {
                const auto range = parse_content_range(head.header("Content-Range"));
                if (!range || range->start > attempt_start)
                    throw RegistryError(ErrorCategory::Corrupt, "GET blob " + digest + ": partial reply \"" +
                                                                    head.header("Content-Range") +
                                                                    "\" does not cover offset " +
                                                                    std::to_string(attempt_start));
                skip = attempt_start - range->start;
                if (!total) total = range->total;
            } else {
                return false; // an error reply: buffer it for the message
            }
            streamed = true;
            return true;
        };
        stream.on_data = [&](std::string_view bytes) {
            if (options.stop.stop_requested()) throw canceled();
            const auto drop = std::min<std::uint64_t>(skip, bytes.size());
            bytes.remove_prefix(std::size_t(drop));
            skip -= drop;
            if (bytes.empty()) return;
            sink(bytes);
            offset += bytes.size();
            if (options.progress) options.progress(offset, total.value_or(0));
        };

        std::optional<RegistryError> failure;
        try {
            const auto reply = impl_->exchange(req, scopes, &stream);
            if (streamed) {
                if (!total || offset >= *total) break; // complete
                failure = RegistryError(ErrorCategory::Transient, eof_message(offset, *total, digest));
            } else if (reply.status == 416) {
                // Nothing past our offset: either we already have it all, or
                // the registry's blob is shorter than its descriptor.
                if (total && offset >= *total) break;
                throw RegistryError(ErrorCategory::Corrupt,
                                    total ? eof_message(offset, *total, digest)
                                          : "GET blob " + digest + ": range from " + std::to_string(offset) +
                                                " not satisfiable");
            } else if (detail::is_transient_status(reply.status)) {
                failure = error_from_reply(reply.status, reply.body, describe(req));
            } else {
                throw error_from_reply(reply.status, reply.body, describe(req));
            }
        } catch (const RegistryError &e) {
            // Network errors and broken bodies are worth another go, from
            // where we got to; anything else (and a cancel) is final.
            if (e.category() != ErrorCategory::Transient || options.stop.stop_requested()) throw;
            failure = e;
        }

        failures = offset > attempt_start ? 1 : failures + 1;
        if (failures > impl_->config.max_retries || result.retries >= impl_->config.max_retries * 100) {
            if (total && offset < *total)
                throw RegistryError(ErrorCategory::Transient,
                                    eof_message(offset, *total, digest) + " (" + failure->what() + ")");
            throw *failure;
        }
        ++result.retries;
        impl_->backoff(failures, {}, options.stop, "download of " + digest);
    }
    result.bytes = offset;
    return result;
}

BlobFetchResult RegistryClient::fetch_blob_verified(const std::string &repository, const Descriptor &blob,
                                                    const BlobSink &sink, ProgressFn progress, std::stop_token stop,
                                                    const std::string &what) {
    BlobVerifier verifier(blob.digest, std::uint64_t(blob.size), what);
    BlobFetchOptions options;
    options.size = std::uint64_t(blob.size);
    options.progress = std::move(progress);
    options.stop = std::move(stop);
    const auto result = fetch_blob(
        repository, blob.digest,
        [&](std::string_view bytes) {
            verifier.update(bytes); // before the sink: excess bytes never reach it
            sink(bytes);
        },
        options);
    verifier.finish();
    return result;
}

std::string RegistryClient::fetch_blob_bytes(const std::string &repository, const Descriptor &blob,
                                             const std::string &what) {
    if (blob.size < 0 || std::uint64_t(blob.size) > impl_->config.max_manifest_bytes)
        throw RegistryError(ErrorCategory::Invalid, what + " " + blob.digest + " is too large to load into memory (" +
                                                        std::to_string(blob.size) + " bytes)");
    std::string out;
    out.reserve(std::size_t(blob.size));
    fetch_blob_verified(repository, blob, [&](std::string_view bytes) { out.append(bytes); }, {}, {}, what);
    return out;
}

} // namespace berth::registry
