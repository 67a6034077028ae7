// Manifest GET/HEAD/PUT. The bytes are returned untouched: their sha256 is
// the manifest's identity, so nothing here re-serializes them.
#include "registry/client_impl.h"

#include "registry/digest.h"
#include "registry/errors.h"
#include "registry/manifest.h"
#include "registry/media_types.h"
#include "registry/names.h"

#include <charconv>

namespace berth::registry {

FetchedManifest RegistryClient::get_manifest(const std::string &repository, const std::string &reference) {
    check_repository(repository);
    check_reference(reference);
    detail::HttpRequest req;
    req.url = impl_->v2_url(repository + "/manifests/" + reference);
    req.headers.emplace_back("Accept", std::string(media_type::kManifestAccept));
    auto reply = impl_->exchange_with_retries(req, Impl::scopes(repository, Access::Pull));
    if (reply.status != 200) throw error_from_reply(reply.status, reply.body, describe(req));

    FetchedManifest out;
    out.media_type = detect_manifest_media_type(reply.header("Content-Type"), reply.body);
    out.digest = sha256_digest(reply.body);
    if (is_digest(reference)) {
        // By digest, the bytes ARE the reference: anything else is a wrong
        // or tampered manifest, whatever the headers claim.
        if (!is_sha256_digest(reference))
            throw RegistryError(ErrorCategory::Invalid, "unsupported digest algorithm in " + reference);
        if (out.digest != reference)
            throw RegistryError(ErrorCategory::Corrupt,
                                "manifest digest mismatch: requested " + reference + ", got " + out.digest);
    } else if (const auto claimed = reply.header("Docker-Content-Digest");
               is_sha256_digest(claimed) && claimed != out.digest) {
        throw RegistryError(ErrorCategory::Corrupt, "manifest digest mismatch for " + repository + ":" + reference +
                                                        ": registry says " + claimed + ", got " + out.digest);
    }
    out.bytes = std::move(reply.body);
    return out;
}

std::optional<ManifestInfo> RegistryClient::head_manifest(const std::string &repository, const std::string &reference,
                                                          Access access) {
    check_repository(repository);
    check_reference(reference);
    detail::HttpRequest req;
    req.method = "HEAD";
    req.url = impl_->v2_url(repository + "/manifests/" + reference);
    req.headers.emplace_back("Accept", std::string(media_type::kManifestAccept));
    const auto reply = impl_->exchange_with_retries(req, Impl::scopes(repository, access));
    if (reply.status == 404) return std::nullopt;
    if (reply.status != 200) throw error_from_reply(reply.status, reply.body, describe(req));
    ManifestInfo info;
    info.media_type = reply.header("Content-Type");
    info.media_type = info.media_type.substr(0, info.media_type.find(';'));
    info.digest = reply.header("Docker-Content-Digest");
    const auto length = reply.header("Content-Length");
    std::from_chars(length.data(), length.data() + length.size(), info.size);
    return info;
}

std::string RegistryClient::put_manifest(const std::string &repository, const std::string &reference,
                                         const std::string &media_type, const std::string &bytes) {
    check_repository(repository);
    check_reference(reference);
    detail::HttpRequest req;
    req.method = "PUT";
    req.url = impl_->v2_url(repository + "/manifests/" + reference);
    req.content_type = media_type;
    req.body = bytes;
    // PUT of the same bytes is idempotent, so it may be retried.
    const auto reply = impl_->exchange_with_retries(req, Impl::scopes(repository, Access::Push));
    if (reply.status != 201 && reply.status != 200 && reply.status != 202)
        throw error_from_reply(reply.status, reply.body, describe(req));
    const auto reported = reply.header("Docker-Content-Digest");
    return reported.empty() ? sha256_digest(bytes) : reported;
}

} // namespace berth::registry
