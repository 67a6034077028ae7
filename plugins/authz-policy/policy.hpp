// policy.hpp — the authz-policy rules: which users may call which endpoints.
//
//   {"rules": [
//     {"users": ["alice", "ci-runner"],
//      "allow": [{"method": "GET", "path": "/containers/**"},
//                {"method": ["GET", "HEAD"], "path": "/_ping"}]},
//     {"users": ["uid:0"], "allow": [{"method": "*", "path": "/**"}]}
//   ]}
//
// A user is the client certificate's CN over mutual TLS or "uid:<n>" over
// the unix socket; "*" in "users" is any user. "method" is one method, a
// list, or "*"; a GET entry also allows HEAD. Paths are path_glob.hpp
// patterns matched against the API path without its version prefix.
// Everything not allowed is denied.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace berth::authz_policy {

// A policy document that cannot be used; what() names the offending place
// ("rules[1].allow[0].path: ...").
class PolicyError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct Endpoint {
    std::vector<std::string> methods; // upper case; {"*"} for any
    std::string path;                 // glob
};

struct Rule {
    std::vector<std::string> users;
    std::vector<Endpoint> allow;
};

struct Decision {
    bool allow = false;
    std::string message; // why not, when denied
};

class Policy {
public:
    // Throws PolicyError for malformed JSON, unknown keys or wrong types:
    // a typo must not silently widen or narrow what people may do.
    static Policy parse(std::string_view json_text);

    Decision decide(std::string_view user, std::string_view method, std::string_view uri) const;

    const std::vector<Rule> &rules() const { return rules_; }

private:
    std::vector<Rule> rules_;
};

} // namespace berth::authz_policy
