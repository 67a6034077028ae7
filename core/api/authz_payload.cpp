// authz_payload.cpp — building what plugins see. Credentials never leave the
// daemon (Authorization, X-Registry-Auth, X-Registry-Config, as moby drops
// them), and bodies are only shown when they are JSON of a bounded size: a
// build context or an image tar is neither readable policy input nor
// something to copy per plugin.
#include "api/authz_payload.h"

#include <nlohmann/json.hpp>

namespace berth::api {
namespace {

bool is_credential_header(const std::string &lower_name) {
    return lower_name == "authorization" || lower_name == "x-registry-auth" || lower_name == "x-registry-config";
}

bool is_json_type(const std::string &content_type) {
    return content_type.rfind("application/json", 0) == 0;
}

std::string shown_body(const std::string &content_type, const std::string &body) {
    return is_json_type(content_type) && body.size() <= kAuthzBodyLimit ? body : std::string();
}

std::string dump(const nlohmann::json &j) {
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

berth_str as_str(const std::string &s) { return berth_str{s.data(), s.size()}; }

} // namespace

AuthzRequestPayload AuthzRequestPayload::from(const Request &request) {
    AuthzRequestPayload p;
    p.user = request.user;
    p.authn_method = request.authn_method;
    p.peer_certs_pem = request.peer_certs_pem;
    p.method = request.method;
    p.uri = request.target;
    nlohmann::json headers = nlohmann::json::object();
    for (const auto &[name, value] : request.headers)
        if (!is_credential_header(name)) headers[name] = value;
    p.headers_json = dump(headers);
    // A route that streams its body has not read it yet: body is empty then.
    p.body = shown_body(request.header("content-type"), request.body);
    return p;
}

berth_authz_request AuthzRequestPayload::view() const {
    berth_authz_request r{};
    r.struct_size = sizeof r;
    r.user = user.c_str();
    r.authn_method = authn_method.c_str();
    r.method = method.c_str();
    r.uri = uri.c_str();
    r.headers_json = headers_json.c_str();
    r.body = as_str(body);
    r.peer_certs_pem = peer_certs_pem.empty() ? nullptr : peer_certs_pem.c_str();
    return r;
}

AuthzResponsePayload AuthzResponsePayload::from(const Response &response) {
    AuthzResponsePayload p;
    p.status = response.status;
    nlohmann::json headers = nlohmann::json::object();
    if (!response.content_type.empty()) headers["Content-Type"] = response.content_type;
    for (const auto &[name, value] : response.headers) headers[name] = value;
    p.headers_json = dump(headers);
    p.body = shown_body(response.content_type, response.body);
    return p;
}

berth_authz_response AuthzResponsePayload::view() const {
    berth_authz_response r{};
    r.struct_size = sizeof r;
    r.status = status;
    r.headers_json = headers_json.c_str();
    r.body = as_str(body);
    return r;
}

} // namespace berth::api
