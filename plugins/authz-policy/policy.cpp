// policy.cpp — parsing a policy document strictly and deciding one request.
#include "policy.hpp"

#include "path_glob.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <set>

namespace berth::authz_policy {
namespace {

using json = nlohmann::json;

[[noreturn]] void bad(const std::string &where, const std::string &what) { throw PolicyError(where + ": " + what); }

void only_keys(const json &obj, const std::string &where, const std::set<std::string> &known) {
    for (auto it = obj.begin(); it != obj.end(); ++it)
        if (!known.count(it.key())) bad(where, "unknown key \"" + it.key() + "\"");
}

std::string upper(std::string s) {
    for (auto &c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
    return s;
}

std::vector<std::string> parse_users(const json &rule, const std::string &where) {
    const auto it = rule.find("users");
    if (it == rule.end()) bad(where, "\"users\" is required");
    if (!it->is_array() || it->empty()) bad(where + ".users", "must be a non-empty array of user names");
    std::vector<std::string> users;
    for (const auto &u : *it) {
        if (!u.is_string() || u.get<std::string>().empty())
            bad(where + ".users", "must be a non-empty array of user names");
        users.push_back(u.get<std::string>());
    }
    return users;
}

std::vector<std::string> parse_methods(const json &entry, const std::string &where) {
    const auto it = entry.find("method");
    if (it == entry.end()) bad(where, "\"method\" is required (\"*\" for any)");
    std::vector<std::string> methods;
    auto add = [&](const json &m) {
        if (!m.is_string() || m.get<std::string>().empty())
            bad(where + ".method", "must be a method name, \"*\" or an array of method names");
        methods.push_back(upper(m.get<std::string>()));
    };
    if (it->is_array()) {
        if (it->empty()) bad(where + ".method", "must not be an empty array");
        for (const auto &m : *it) add(m);
    } else {
        add(*it);
    }
    return methods;
}

Endpoint parse_endpoint(const json &entry, const std::string &where) {
    if (!entry.is_object()) bad(where, "must be an object with \"method\" and \"path\"");
    only_keys(entry, where, {"method", "path"});
    Endpoint e;
    e.methods = parse_methods(entry, where);
    const auto path = entry.find("path");
    if (path == entry.end()) bad(where, "\"path\" is required");
    if (!path->is_string() || path->get<std::string>().empty() || path->get<std::string>()[0] != '/')
        bad(where + ".path", "must be a string starting with \"/\"");
    e.path = path->get<std::string>();
    return e;
}

Rule parse_rule(const json &rule, const std::string &where) {
    if (!rule.is_object()) bad(where, "must be an object with \"users\" and \"allow\"");
    only_keys(rule, where, {"users", "allow"});
    Rule r;
    r.users = parse_users(rule, where);
    const auto allow = rule.find("allow");
    if (allow == rule.end()) bad(where, "\"allow\" is required");
    if (!allow->is_array()) bad(where + ".allow", "must be an array of {\"method\", \"path\"} objects");
    for (size_t i = 0; i < allow->size(); ++i)
        r.allow.push_back(parse_endpoint((*allow)[i], where + ".allow[" + std::to_string(i) + "]"));
    return r;
}

bool method_matches(const Endpoint &e, std::string_view method) {
    return std::any_of(e.methods.begin(), e.methods.end(), [&](const std::string &m) {
        return m == "*" || m == method || (m == "GET" && method == "HEAD");
    });
}

bool user_matches(const Rule &r, std::string_view user) {
    return std::any_of(r.users.begin(), r.users.end(), [&](const std::string &u) { return u == "*" || u == user; });
}

} // namespace

Policy Policy::parse(std::string_view json_text) {
    json doc;
    try {
        doc = json::parse(json_text);
    } catch (const json::parse_error &e) {
        throw PolicyError(std::string("invalid JSON: ") + e.what());
    }
    if (!doc.is_object()) throw PolicyError("the top level must be an object with \"rules\"");
    only_keys(doc, "policy", {"rules"});
    const auto rules = doc.find("rules");
    if (rules == doc.end()) throw PolicyError("\"rules\" is required");
    if (!rules->is_array()) throw PolicyError("rules: must be an array");
    Policy p;
    for (size_t i = 0; i < rules->size(); ++i)
        p.rules_.push_back(parse_rule((*rules)[i], "rules[" + std::to_string(i) + "]"));
    return p;
}

Decision Policy::decide(std::string_view user, std::string_view method, std::string_view uri) const {
    const std::string path = api_path(uri);
    const std::string m = upper(std::string(method));
    for (const auto &rule : rules_) {
        if (!user_matches(rule, user)) continue;
        for (const auto &e : rule.allow)
            if (method_matches(e, m) && glob_match(e.path, path)) return Decision{true, {}};
    }
    return Decision{false, "user " + std::string(user) + " is not allowed to " + m + " " + path};
}

} // namespace berth::authz_policy
