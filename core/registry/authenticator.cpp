#include "registry/authenticator.h"

#include "registry/base64.h"
#include "registry/errors.h"
#include "registry/insecure_registries.h"

#include <nlohmann/json.hpp>

namespace berth::registry::detail {
namespace {

// Tokens are renewed this long before the server says they expire, so a
// token does not lapse between our check and the registry's.
constexpr std::chrono::seconds kExpiryMargin{5};
// The distribution spec: no expires_in means 60 s, and less is not allowed.
constexpr int kMinTokenSeconds = 60;

std::string join_scopes(const Scopes &scopes, char sep) {
    std::string out;
    for (const auto &s : scopes) out += (out.empty() ? "" : std::string(1, sep)) + s.str();
    return out;
}

std::string form_field(std::string_view name, std::string_view value) {
    return std::string(name) + "=" + percent_encode(value);
}

} // namespace

Authenticator::Authenticator(std::string registry, Credentials credentials, HttpTransport &transport)
    : registry_(std::move(registry)), credentials_(std::move(credentials)), transport_(transport) {}

void Authenticator::set_challenge(std::optional<AuthChallenge> challenge) {
    std::lock_guard lock(mutex_);
    challenge_ = std::move(challenge);
}

std::optional<std::string> Authenticator::authorization(const Scopes &scopes) {
    if (!credentials_.registry_token.empty()) return "Bearer " + credentials_.registry_token;
    std::optional<AuthChallenge> challenge;
    {
        std::lock_guard lock(mutex_);
        challenge = challenge_;
    }
    if (!challenge) return std::nullopt;
    if (challenge->scheme == "basic") {
        if (!credentials_.has_password()) return std::nullopt;
        return "Basic " + base64_encode(credentials_.username + ":" + credentials_.password);
    }
    if (challenge->scheme != "bearer") return std::nullopt;
    if (auto token = tokens_.find(scopes)) return "Bearer " + *token;
    std::lock_guard fetch(fetch_mutex_);
    if (auto token = tokens_.find(scopes)) return "Bearer " + *token; // another thread just got one
    return "Bearer " + fetch_token(*challenge, scopes);
}

void Authenticator::on_unauthorized(const HttpResponse &reply, const Scopes &scopes) {
    auto challenge = pick_challenge(reply.header_values("WWW-Authenticate"));
    if (!challenge)
        throw RegistryError(ErrorCategory::Unauthorized,
                            "unauthorized: authentication required by registry " + registry_ +
                                " (its 401 reply carries no WWW-Authenticate challenge)",
                            401);
    tokens_.invalidate(scopes);
    set_challenge(std::move(challenge));
}

std::string Authenticator::fetch_token(const AuthChallenge &challenge, const Scopes &scopes) {
    const auto realm_text = challenge.param("realm");
    const auto realm = parse_url(realm_text);
    if (!realm)
        throw RegistryError(ErrorCategory::Invalid,
                            "registry " + registry_ + " names an invalid token realm \"" + realm_text + "\"");
    const bool with_secret = credentials_.has_password() || !credentials_.identity_token.empty();
    if (with_secret && realm->scheme == "http" &&
        !InsecureRegistries(transport_.config().insecure_registries).is_insecure(realm->host_port()))
        throw RegistryError(ErrorCategory::Invalid,
                            "refusing to send credentials to token server " + realm_text + " over plain HTTP");
    const auto service = challenge.param("service");

    HttpRequest req;
    req.url = *realm;
    if (!credentials_.identity_token.empty()) {
        // OAuth2 refresh-token grant, as dockerd does with an identity token.
        req.method = "POST";
        req.content_type = "application/x-www-form-urlencoded";
        req.body = form_field("grant_type", "refresh_token") + "&" +
                   form_field("refresh_token", credentials_.identity_token) + "&" + form_field("service", service) +
                   "&" + form_field("client_id", "berth");
        if (!scopes.empty()) req.body += "&" + form_field("scope", join_scopes(scopes, ' '));
    } else {
        if (!service.empty()) req.url.target = append_query(req.url.target, "service", service);
        for (const auto &s : scopes) req.url.target = append_query(req.url.target, "scope", s.str());
        if (credentials_.has_password()) {
            req.url.target = append_query(req.url.target, "account", credentials_.username);
            req.headers.emplace_back("Authorization",
                                     "Basic " + base64_encode(credentials_.username + ":" + credentials_.password));
        }
    }
    const auto reply = transport_.send(req);
    if (reply.status != 200) {
        const auto err = error_from_reply(reply.status, reply.body, req.method + " " + realm_text);
        throw RegistryError(err.category(), "token server " + realm_text + ": " + err.what(), reply.status,
                            err.entries());
    }
    const auto doc = nlohmann::json::parse(reply.body, nullptr, false);
    std::string token;
    int expires_in = kMinTokenSeconds;
    if (doc.is_object()) {
        for (const char *key : {"token", "access_token"})
            if (auto it = doc.find(key); token.empty() && it != doc.end() && it->is_string())
                token = it->get<std::string>();
        if (auto it = doc.find("expires_in"); it != doc.end() && it->is_number_integer())
            expires_in = std::max(it->get<int>(), kMinTokenSeconds);
    }
    if (token.empty())
        throw RegistryError(ErrorCategory::Unauthorized, "token server " + realm_text + " returned no token");
    tokens_.store(scopes, token, TokenCache::Clock::now() + std::chrono::seconds(expires_in) - kExpiryMargin);
    return token;
}

} // namespace berth::registry::detail
