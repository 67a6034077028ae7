// RegistryClient: construction, the ping, and the request path (auth,
// redirects, retries) every call goes through.
#include "registry/client_impl.h"

#include "registry/credentials_store.h"
#include "registry/errors.h"
#include "registry/retry_policy.h"

namespace berth::registry {
namespace {

constexpr int kMaxRedirects = 10;

bool is_redirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

Credentials pick_credentials(const std::string &registry, const RegistryConfig &config,
                             std::optional<Credentials> explicit_credentials) {
    if (explicit_credentials) return *explicit_credentials;
    if (config.credentials_store)
        if (auto c = config.credentials_store->get(registry)) return *c;
    return {};
}

} // namespace

std::string describe(const detail::HttpRequest &request) { return request.method + " " + request.url.str(); }

RegistryClient::Impl::Impl(std::string registry, RegistryConfig cfg, std::optional<Credentials> credentials)
    : config(std::move(cfg)), endpoint(resolve_endpoint(registry, config)), transport(config),
      auth(endpoint.registry, pick_credentials(endpoint.registry, config, std::move(credentials)), transport) {}

Url RegistryClient::Impl::base_url() {
    std::lock_guard lock(ping_mutex_);
    if (base_) return *base_;
    // First scheme that gets any HTTP answer wins: HTTPS, then (loopback and
    // insecure registries only) plain HTTP.
    for (std::size_t i = 0; i < endpoint.schemes.size(); ++i) {
        detail::HttpRequest ping;
        ping.url = Url{endpoint.schemes[i], endpoint.host, endpoint.port, "/v2/"};
        detail::HttpResponse reply;
        try {
            reply = transport.send(ping);
        } catch (const RegistryError &) {
            if (i + 1 < endpoint.schemes.size()) continue;
            throw;
        }
        auth.set_challenge(reply.status == 401 ? pick_challenge(reply.header_values("WWW-Authenticate"))
                                               : std::nullopt);
        base_ = ping.url;
        return *base_;
    }
    throw RegistryError(ErrorCategory::Invalid, "no scheme to reach registry " + endpoint.registry);
}

Url RegistryClient::Impl::v2_url(const std::string &rest) {
    Url u = base_url();
    u.target = "/v2/" + rest;
    return u;
}

detail::Scopes RegistryClient::Impl::scopes(const std::string &repository, Access access) {
    return {detail::Scope{repository, access == Access::Push ? "pull,push" : "pull"}};
}

detail::HttpResponse RegistryClient::Impl::exchange(const detail::HttpRequest &request, const detail::Scopes &scopes,
                                                    const detail::BodyStream *stream, bool trusted_url) {
    const auto registry_origin = base_url().origin();
    detail::HttpRequest current = request;
    bool send_auth = trusted_url || current.url.origin() == registry_origin;
    bool reauthenticated = false;
    for (int redirects = 0;;) {
        detail::HttpRequest attempt = current;
        if (send_auth)
            if (auto value = auth.authorization(scopes)) attempt.headers.emplace_back("Authorization", *value);
        auto reply = transport.send(attempt, stream);
        if (reply.status == 401 && send_auth && !reauthenticated) {
            auth.on_unauthorized(reply, scopes); // throws when there is no challenge to answer
            reauthenticated = true;
            continue;
        }
        const bool follows = current.method == "GET" || current.method == "HEAD";
        if (!follows || !is_redirect(reply.status) || reply.header("Location").empty()) return reply;
        if (++redirects > kMaxRedirects)
            throw RegistryError(ErrorCategory::Corrupt, describe(request) + ": more than " +
                                                            std::to_string(kMaxRedirects) + " redirects");
        const auto next = resolve_url(current.url, reply.header("Location"));
        if (!next)
            throw RegistryError(ErrorCategory::Corrupt,
                                describe(current) + ": invalid redirect Location \"" + reply.header("Location") + "\"");
        current.url = *next;
        // Credentials for the registry never go to object storage or a CDN.
        send_auth = send_auth && current.url.origin() == registry_origin;
    }
}

void RegistryClient::Impl::backoff(int attempt, const std::string &retry_after, const std::stop_token &stop,
                                   const std::string &what) {
    if (!detail::sleep_unless_stopped(detail::backoff_delay(config, attempt, retry_after), stop))
        throw RegistryError(ErrorCategory::Transient, what + ": canceled");
}

detail::HttpResponse RegistryClient::Impl::exchange_with_retries(const detail::HttpRequest &request,
                                                                 const detail::Scopes &scopes,
                                                                 const std::stop_token &stop) {
    for (int attempt = 0;; ++attempt) {
        detail::HttpResponse reply;
        try {
            reply = exchange(request, scopes);
        } catch (const RegistryError &e) {
            if (e.category() != ErrorCategory::Transient || attempt >= config.max_retries) throw;
            backoff(attempt + 1, {}, stop, describe(request));
            continue;
        }
        if (detail::is_transient_status(reply.status) && attempt < config.max_retries) {
            backoff(attempt + 1, reply.header("Retry-After"), stop, describe(request));
            continue;
        }
        return reply;
    }
}

RegistryClient::RegistryClient(std::string registry, RegistryConfig config, std::optional<Credentials> credentials)
    : impl_(std::make_unique<Impl>(std::move(registry), std::move(config), std::move(credentials))) {}

RegistryClient::~RegistryClient() = default;

const std::string &RegistryClient::registry() const { return impl_->endpoint.registry; }

std::string RegistryClient::base_url() {
    const auto u = impl_->base_url();
    return u.scheme + "://" + u.host_port();
}

void RegistryClient::ping() { impl_->base_url(); }

} // namespace berth::registry
