#include "registry/errors.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace berth::registry {
namespace {

struct CodeInfo {
    std::string_view code;
    ErrorCategory category;
    std::string_view default_message; // distribution's text, used when the reply has none
};

// The codes of the distribution spec (plus Docker Hub's TOOMANYREQUESTS).
constexpr std::array kCodes{
    CodeInfo{"BLOB_UNKNOWN", ErrorCategory::NotFound, "blob unknown to registry"},
    CodeInfo{"BLOB_UPLOAD_INVALID", ErrorCategory::Invalid, "blob upload invalid"},
    CodeInfo{"BLOB_UPLOAD_UNKNOWN", ErrorCategory::NotFound, "blob upload unknown to registry"},
    CodeInfo{"DIGEST_INVALID", ErrorCategory::Invalid, "provided digest did not match uploaded content"},
    CodeInfo{"MANIFEST_BLOB_UNKNOWN", ErrorCategory::Invalid, "blob unknown to registry"},
    CodeInfo{"MANIFEST_INVALID", ErrorCategory::Invalid, "manifest invalid"},
    CodeInfo{"MANIFEST_UNKNOWN", ErrorCategory::NotFound, "manifest unknown"},
    CodeInfo{"MANIFEST_UNVERIFIED", ErrorCategory::Invalid, "manifest failed signature verification"},
    CodeInfo{"NAME_INVALID", ErrorCategory::Invalid, "invalid repository name"},
    CodeInfo{"NAME_UNKNOWN", ErrorCategory::NotFound, "repository name not known to registry"},
    CodeInfo{"SIZE_INVALID", ErrorCategory::Invalid, "provided length did not match content length"},
    CodeInfo{"TAG_INVALID", ErrorCategory::Invalid, "manifest tag did not match URI"},
    CodeInfo{"UNAUTHORIZED", ErrorCategory::Unauthorized, "authentication required"},
    CodeInfo{"DENIED", ErrorCategory::Denied, "requested access to the resource is denied"},
    CodeInfo{"UNSUPPORTED", ErrorCategory::Invalid, "The operation is unsupported."},
    CodeInfo{"TOOMANYREQUESTS", ErrorCategory::Transient, "too many requests"},
    CodeInfo{"UNAVAILABLE", ErrorCategory::Transient, "service unavailable"},
};

const CodeInfo *find_code(std::string_view code) {
    for (const auto &c : kCodes)
        if (c.code == code) return &c;
    return nullptr;
}

ErrorCategory category_for_status(int status) {
    if (status == 404) return ErrorCategory::NotFound;
    if (status == 401) return ErrorCategory::Unauthorized;
    if (status == 403) return ErrorCategory::Denied;
    if (status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505))
        return ErrorCategory::Transient;
    return ErrorCategory::Invalid;
}

// moby prints a code as its name in lower case with spaces: MANIFEST_UNKNOWN
// becomes "manifest unknown".
std::string code_words(std::string_view code) {
    std::string out(code);
    for (auto &ch : out) ch = ch == '_' ? ' ' : char(std::tolower(static_cast<unsigned char>(ch)));
    return out;
}

std::string entry_text(const RegistryErrorEntry &e) {
    std::string message = e.message;
    if (message.empty())
        if (const auto *info = find_code(e.code)) message = std::string(info->default_message);
    return code_words(e.code.empty() ? "UNKNOWN" : e.code) + ": " + message;
}

// A short, single-line excerpt of a non-JSON body (an HTML error page, say).
std::string excerpt(std::string_view body) {
    std::string out;
    for (char ch : body.substr(0, 200)) out += (ch == '\n' || ch == '\r' || ch == '\t') ? ' ' : ch;
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

// {"errors":[...]} as entries; empty when the body has another shape.
std::vector<RegistryErrorEntry> parse_entries(std::string_view body) {
    std::vector<RegistryErrorEntry> out;
    const auto doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return out;
    const auto it = doc.find("errors");
    if (it == doc.end() || !it->is_array()) return out;
    for (const auto &e : *it) {
        if (!e.is_object()) continue;
        RegistryErrorEntry entry;
        if (auto c = e.find("code"); c != e.end() && c->is_string()) entry.code = c->get<std::string>();
        if (auto m = e.find("message"); m != e.end() && m->is_string()) entry.message = m->get<std::string>();
        if (auto d = e.find("detail"); d != e.end() && !d->is_null()) entry.detail = d->dump();
        out.push_back(std::move(entry));
    }
    return out;
}

// Token servers (Docker Hub's among them) answer {"details": "..."}.
std::string token_server_details(std::string_view body) {
    const auto doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return {};
    for (const char *key : {"details", "detail", "message", "error_description", "error"})
        if (auto it = doc.find(key); it != doc.end() && it->is_string()) return it->get<std::string>();
    return {};
}

} // namespace

RegistryError::RegistryError(ErrorCategory category, const std::string &message, int registry_status,
                             std::vector<RegistryErrorEntry> entries)
    : std::runtime_error(message), category_(category), registry_status_(registry_status),
      entries_(std::move(entries)) {}

const char *category_name(ErrorCategory category) {
    switch (category) {
    case ErrorCategory::NotFound: return "not found";
    case ErrorCategory::Unauthorized: return "unauthorized";
    case ErrorCategory::Denied: return "denied";
    case ErrorCategory::Transient: return "transient";
    case ErrorCategory::Invalid: return "invalid";
    case ErrorCategory::Corrupt: return "corrupt";
    }
    return "unknown";
}

int suggested_http_status(ErrorCategory category) {
    switch (category) {
    case ErrorCategory::NotFound: return 404;
    case ErrorCategory::Unauthorized: return 401;
    case ErrorCategory::Denied: return 403;
    case ErrorCategory::Transient: return 503;
    case ErrorCategory::Invalid: return 400;
    case ErrorCategory::Corrupt: return 502;
    }
    return 500;
}

ErrorCategory category_for(std::string_view code, int http_status) {
    if (const auto *info = find_code(code)) return info->category;
    return category_for_status(http_status);
}

RegistryError error_from_reply(int status, std::string_view body, std::string_view request) {
    auto entries = parse_entries(body);
    if (!entries.empty()) {
        // Like moby's errcode.Errors: one error reads plainly, several are
        // listed one per line under "errors:".
        std::string message;
        if (entries.size() == 1) {
            message = entry_text(entries.front());
        } else {
            message = "errors:\n";
            for (const auto &e : entries) message += entry_text(e) + "\n";
        }
        const auto category = category_for(entries.front().code, status);
        return RegistryError(category, message, status, std::move(entries));
    }
    const auto category = category_for_status(status);
    std::string said = token_server_details(body);
    if (said.empty()) said = excerpt(body);
    std::string message;
    switch (status) {
    case 401: message = "unauthorized: " + (said.empty() ? std::string("authentication required") : said); break;
    case 403:
        message = "denied: " + (said.empty() ? std::string("requested access to the resource is denied") : said);
        break;
    case 404: message = "not found: " + std::string(request); break;
    case 429: message = "toomanyrequests: " + (said.empty() ? std::string("too many requests") : said); break;
    default:
        message = "unexpected HTTP status " + std::to_string(status) + " from " + std::string(request);
        if (!said.empty()) message += ": " + said;
    }
    return RegistryError(category, message, status);
}

} // namespace berth::registry
