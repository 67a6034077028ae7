#include "api/router.h"

#include "api/api_version.h"
#include "api/authz_middleware.h"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <cctype>

namespace berth::api {
namespace {

std::string url_decode(std::string_view s, bool plus_is_space) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
            std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
            out.push_back(static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)));
            i += 2;
        } else if (plus_is_space && s[i] == '+') {
            out.push_back(' ');
        } else {
            out.push_back(s[i]);
        }
    }
    return out;
}

void parse_query(std::string_view q, Request &r) {
    while (!q.empty()) {
        const auto amp = q.find('&');
        std::string_view pair = q.substr(0, amp);
        q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
        if (pair.empty()) continue;
        const auto eq = pair.find('=');
        std::string key = url_decode(pair.substr(0, eq), true);
        std::string value = eq == std::string_view::npos ? "" : url_decode(pair.substr(eq + 1), true);
        r.query[key] = value;
        r.query_all.emplace(std::move(key), std::move(value));
    }
}

// A "." or ".." segment in the path as sent. dockerd's router cleans such
// paths before matching (and redirects to the cleaned one), so no route
// sees them; here they reach no route either, instead of becoming part of
// a {name:.*} parameter ("GET /images/../../etc/passwd/json").
bool has_dot_segment(std::string_view path) {
    size_t start = 0;
    while (start <= path.size()) {
        const auto slash = path.find('/', start);
        const auto segment = path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
        if (segment == "." || segment == "..") return true;
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return false;
}

} // namespace

std::string Request::query_value(const std::string &key, const std::string &fallback) const {
    auto it = query.find(key);
    return it == query.end() ? fallback : it->second;
}

bool Request::query_bool(const std::string &key) const {
    auto it = query.find(key);
    if (it == query.end()) return false;
    std::string v = it->second;
    for (auto &c : v) c = char(std::tolower(static_cast<unsigned char>(c)));
    return v == "1" || v == "true";
}

std::string Request::header(const std::string &lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

Response Response::json(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
}

Response Response::text(int status, std::string body, std::string type) {
    Response r;
    r.status = status;
    r.content_type = std::move(type);
    r.body = std::move(body);
    return r;
}

Response Response::empty(int status) {
    Response r;
    r.status = status;
    r.content_type.clear();
    return r;
}

std::string error_body(const std::string &message) {
    return nlohmann::json{{"message", message}}.dump(-1, ' ', false,
                                                      nlohmann::json::error_handler_t::replace);
}

void add_standard_headers(Response &response) {
    response.headers.emplace_back("Api-Version", kApiVersion);
    response.headers.emplace_back("Ostype", "linux");
    response.headers.emplace_back("Server", std::string("Berth/") + BERTH_VERSION + " (linux)");
    response.headers.emplace_back("Docker-Experimental", "false");
}

void Router::add(const std::string &method, const std::string &pattern, Handler handler) {
    Route route;
    route.method = method;
    std::string re = "^";
    for (size_t i = 0; i < pattern.size();) {
        if (pattern[i] == '{') {
            const auto end = pattern.find('}', i);
            std::string spec = pattern.substr(i + 1, end - i - 1);
            const auto colon = spec.find(':');
            route.names.push_back(spec.substr(0, colon));
            re += colon == std::string::npos ? "([^/]+)" : "(" + spec.substr(colon + 1) + ")";
            i = end + 1;
        } else {
            const char c = pattern[i++];
            if (std::string(".+*?^$()[]|\\").find(c) != std::string::npos) re += '\\';
            re += c;
        }
    }
    re += "$";
    route.re = std::regex(re);
    route.handler = std::move(handler);
    routes_.push_back(std::move(route));
}

void Router::add_streaming_body(const std::string &method, const std::string &pattern, Handler handler) {
    add(method, pattern, std::move(handler));
    routes_.back().stream_body = true;
}

bool Router::streams_body(const std::string &method, const std::string &target) const {
    try {
        const SplitTarget split = split_target(target);
        for (const auto &r : routes_)
            if (r.stream_body && r.method == method && std::regex_match(split.path, r.re)) return true;
    } catch (const std::exception &) {
        // A malformed target: dispatch will say so.
    }
    return false;
}

std::optional<Router::Match> Router::match(const std::string &method, const std::string &path) const {
    std::optional<Match> found;
    for (const auto &r : routes_) {
        std::smatch m;
        if (!std::regex_match(path, m, r.re)) continue;
        if (!found) found = Match{};
        if (r.method == method || (method == "HEAD" && r.method == "GET")) {
            Match out;
            out.handler = &r.handler;
            for (size_t i = 0; i < r.names.size(); ++i) out.params[r.names[i]] = url_decode(m[i + 1].str(), false);
            return out;
        }
    }
    return found;
}

Response Router::dispatch(Request &request) const {
    if (authz_ != nullptr) return authz_->run(request, [this](Request &r) { return route(r); });
    return route(request);
}

Response Router::route(Request &request) const {
    Response response;
    try {
        const SplitTarget split = split_target(request.target);
        request.path = split.path;
        request.versioned = !split.version.empty();
        request.api_version = request.versioned ? split.version : kApiVersion;
        parse_query(split.query, request);
        if (has_dot_segment(split.path)) throw ApiError(404, "page not found");
        if (const auto bad = check_version(split.version); !bad.empty()) throw ApiError(400, bad);
        auto m = match(request.method, request.path);
        if (!m) throw ApiError(404, "page not found");
        // dockerd's router answers a known path with another method as it
        // answers an unknown path (its MethodNotAllowedHandler is its
        // NotFoundHandler): 404 "page not found", never 405.
        if (m->handler == nullptr) throw ApiError(404, "page not found");
        request.params = std::move(m->params);
        response = (*m->handler)(request);
    } catch (const ApiError &e) {
        response = Response::json(e.status(), error_body(e.what()));
    } catch (const nlohmann::json::exception &e) {
        // Malformed or mistyped JSON in a request body is the client's fault.
        response = Response::json(400, error_body(std::string("invalid JSON: ") + e.what()));
    } catch (const std::exception &e) {
        spdlog::error("{} {}: {}", request.method, request.target, e.what());
        response = Response::json(500, error_body(e.what()));
    }
    add_standard_headers(response);
    return response;
}

} // namespace berth::api
