// Blob uploads: existence check, cross-repository mount, and the
// POST → PATCH (chunks with Content-Range) → PUT ?digest= session.
#include "registry/client_impl.h"

#include "registry/errors.h"
#include "registry/names.h"
#include "registry/retry_policy.h"

#include <charconv>
#include <exception>

namespace berth::registry {
namespace {

// The upload session URL from a 202's Location (absolute or relative).
Url session_url(const detail::HttpResponse &reply, const Url &request_url, const std::string &what) {
    const auto location = reply.header("Location");
    const auto url = location.empty() ? std::nullopt : resolve_url(request_url, location);
    if (!url)
        throw RegistryError(ErrorCategory::Corrupt, what + ": registry answered " + std::to_string(reply.status) +
                                                        " without a usable Location");
    return *url;
}

// Raised inside the body reader when the caller's source runs dry, so the
// failure is not mistaken for a network error and retried.
struct SourceEnded {
    std::uint64_t at = 0;
};

} // namespace

std::optional<std::uint64_t> RegistryClient::blob_exists(const std::string &repository, const std::string &digest,
                                                         Access access) {
    check_repository(repository);
    check_digest(digest);
    detail::HttpRequest req;
    req.method = "HEAD";
    req.url = impl_->v2_url(repository + "/blobs/" + digest);
    const auto reply = impl_->exchange_with_retries(req, Impl::scopes(repository, access));
    if (reply.status == 404) return std::nullopt;
    if (reply.status != 200) throw error_from_reply(reply.status, reply.body, describe(req));
    std::uint64_t size = 0;
    const auto length = reply.header("Content-Length");
    std::from_chars(length.data(), length.data() + length.size(), size);
    return size;
}

namespace {

// POST …/blobs/uploads/?mount=&from=: the reply is 201 (mounted) or 202 (an
// upload session instead). Mounting needs pull on the source repository too.
detail::HttpResponse request_mount(RegistryClient::Impl &impl, const std::string &repository,
                                   const std::string &digest, const std::string &from, detail::HttpRequest &req) {
    req.method = "POST";
    req.url = impl.v2_url(repository + "/blobs/uploads/");
    req.url.target = append_query(req.url.target, "mount", digest);
    req.url.target = append_query(req.url.target, "from", from);
    auto scopes = RegistryClient::Impl::scopes(repository, Access::Push);
    scopes.push_back(detail::Scope{from, "pull"});
    return impl.exchange(req, scopes);
}

} // namespace

bool RegistryClient::mount_blob(const std::string &repository, const std::string &digest,
                                const std::string &from_repository) {
    check_repository(repository);
    check_repository(from_repository);
    check_digest(digest);
    detail::HttpRequest req;
    const auto reply = request_mount(*impl_, repository, digest, from_repository, req);
    if (reply.status == 201) return true;
    if (reply.status != 202) throw error_from_reply(reply.status, reply.body, describe(req));
    // Declined: close the session the registry opened instead. Best effort;
    // the registry expires abandoned sessions anyway.
    try {
        detail::HttpRequest cancel;
        cancel.method = "DELETE";
        cancel.url = session_url(reply, req.url, describe(req));
        impl_->exchange(cancel, Impl::scopes(repository, Access::Push), nullptr, true);
    } catch (const RegistryError &) {
    }
    return false;
}

BlobPushResult RegistryClient::push_blob(const std::string &repository, const std::string &digest,
                                         const BlobSource &source, const BlobPushOptions &options) {
    check_repository(repository);
    check_digest(digest);
    if (!options.mount_from.empty()) check_repository(options.mount_from);
    const auto scopes = Impl::scopes(repository, Access::Push);
    const std::size_t chunk = options.chunk_size ? options.chunk_size : impl_->config.upload_chunk_size;
    const std::string what = "upload of " + digest + " to " + repository;

    for (int attempt = 0;; ++attempt) {
        try {
            // 1. A session: from a declined mount (first attempt only), or a plain POST.
            std::optional<Url> location;
            if (!options.mount_from.empty() && attempt == 0) {
                detail::HttpRequest req;
                const auto reply = request_mount(*impl_, repository, digest, options.mount_from, req);
                if (reply.status == 201) {
                    const auto reported = reply.header("Docker-Content-Digest");
                    return BlobPushResult{BlobPushOutcome::Mounted, reported.empty() ? digest : reported};
                }
                if (reply.status != 202) throw error_from_reply(reply.status, reply.body, describe(req));
                location = session_url(reply, req.url, what);
            }
            if (!location) {
                detail::HttpRequest req;
                req.method = "POST";
                req.url = impl_->v2_url(repository + "/blobs/uploads/");
                const auto reply = impl_->exchange(req, scopes);
                if (reply.status != 202) throw error_from_reply(reply.status, reply.body, describe(req));
                location = session_url(reply, req.url, what);
            }

            // 2. The bytes, chunk by chunk; each reply names the next URL.
            if (options.progress) options.progress(0, source.size);
            for (std::uint64_t offset = 0; offset < source.size;) {
                if (options.stop.stop_requested()) throw RegistryError(ErrorCategory::Transient, what + ": canceled");
                const std::uint64_t length = std::min<std::uint64_t>(chunk, source.size - offset);
                detail::HttpRequest req;
                req.method = "PATCH";
                req.url = *location;
                req.content_type = "application/octet-stream";
                req.headers.emplace_back("Content-Range",
                                         std::to_string(offset) + "-" + std::to_string(offset + length - 1));
                req.body_length = length;
                // The source's own failures (short, or throwing) must not
                // unwind through cpp-httplib nor pass for network errors.
                std::optional<SourceEnded> ended;
                std::exception_ptr read_error;
                req.body_reader = [&, offset](std::uint64_t at, char *buf, std::size_t len) -> std::size_t {
                    try {
                        const auto n = source.read_at(offset + at, buf, len);
                        if (n == 0) ended = SourceEnded{offset + at};
                        return n;
                    } catch (...) {
                        read_error = std::current_exception();
                        return 0;
                    }
                };
                auto local_failure = [&] {
                    if (read_error) std::rethrow_exception(read_error);
                    if (ended)
                        throw RegistryError(ErrorCategory::Invalid, what + ": the local blob ended at byte " +
                                                                        std::to_string(ended->at) + " of " +
                                                                        std::to_string(source.size));
                };
                detail::HttpResponse reply;
                try {
                    reply = impl_->exchange(req, scopes, nullptr, true);
                } catch (const RegistryError &) {
                    local_failure(); // not a network failure: no retry
                    throw;
                }
                local_failure();
                if (reply.status != 202 && reply.status != 204)
                    throw error_from_reply(reply.status, reply.body, describe(req));
                if (!reply.header("Location").empty()) location = session_url(reply, req.url, what);
                offset += length;
                if (options.progress) options.progress(offset, source.size);
            }

            // 3. Close the session, naming the digest the registry must verify.
            detail::HttpRequest put;
            put.method = "PUT";
            put.url = *location;
            put.url.target = append_query(put.url.target, "digest", digest);
            put.content_type = "application/octet-stream";
            const auto reply = impl_->exchange(put, scopes, nullptr, true);
            if (reply.status != 201 && reply.status != 204 && reply.status != 200)
                throw error_from_reply(reply.status, reply.body, describe(put));
            const auto reported = reply.header("Docker-Content-Digest");
            if (!reported.empty() && reported != digest)
                throw RegistryError(ErrorCategory::Corrupt,
                                    what + ": registry reports digest " + reported + " for the uploaded bytes");
            return BlobPushResult{BlobPushOutcome::Uploaded, reported.empty() ? digest : reported};
        } catch (const RegistryError &e) {
            // A broken session is not resumed: a fresh one is simpler and
            // every registry supports it.
            if (e.category() != ErrorCategory::Transient || attempt >= impl_->config.max_retries ||
                options.stop.stop_requested())
                throw;
            impl_->backoff(attempt + 1, {}, options.stop, what);
        }
    }
}

} // namespace berth::registry
