#include "images/reference.h"

#include "images/digest.h"
#include "images/errors.h"

#include <algorithm>
#include <cctype>

namespace berth::images {
namespace {

// Messages of distribution/reference that the docker CLI prints verbatim.
constexpr const char *kInvalidFormat = "invalid reference format";
constexpr const char *kNameEmpty = "repository name must have at least one component";
constexpr const char *kNameUppercase = "repository name must be lowercase";
constexpr const char *kNameTooLong = "repository name must not be more than 255 characters";
constexpr const char *kTagInvalid = "invalid tag format";

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool is_alnum(char c) { return is_lower_alnum(c) || (c >= 'A' && c <= 'Z'); }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    return out;
}

// path-component := [a-z0-9]+ (separator [a-z0-9]+)*, separator := [._] | __ | -+
bool is_path_component(std::string_view s) {
    size_t i = 0;
    const size_t n = s.size();
    for (;;) {
        if (i >= n || !is_lower_alnum(s[i])) return false;
        while (i < n && is_lower_alnum(s[i])) ++i;
        if (i == n) return true;
        if (s[i] == '.') {
            ++i;
        } else if (s[i] == '_') {
            ++i;
            if (i < n && s[i] == '_') ++i;
        } else if (s[i] == '-') {
            while (i < n && s[i] == '-') ++i;
        } else {
            return false;
        }
    }
}

// domain-component := [a-zA-Z0-9] | [a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]
bool is_domain_component(std::string_view s) {
    if (s.empty() || !is_alnum(s.front()) || !is_alnum(s.back())) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

bool is_port(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_digit); }

// digestPat of the reference grammar (the shape only; go-digest then
// validates algorithm and length):
// [A-Za-z][A-Za-z0-9]*([-_+.][A-Za-z][A-Za-z0-9]*)*:[[:xdigit:]]{32,}
bool matches_reference_digest(std::string_view s) {
    const auto colon = s.find(':');
    if (colon == std::string_view::npos) return false;
    const auto alg = s.substr(0, colon);
    const auto hex = s.substr(colon + 1);
    bool need_alpha = true;
    for (char c : alg) {
        if (need_alpha) {
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
            need_alpha = false;
        } else if (c == '-' || c == '_' || c == '+' || c == '.') {
            need_alpha = true;
        } else if (!is_alnum(c)) {
            return false;
        }
    }
    if (need_alpha || hex.size() < 32) return false;
    return std::all_of(hex.begin(), hex.end(),
                       [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
}

struct Split {
    std::string_view name, tag, digest;
};

// namePat := [domain '/'] remote-name
bool is_name(std::string_view name) {
    if (is_valid_remote_name(name)) return true;
    const auto slash = name.find('/');
    return slash != std::string_view::npos && is_valid_domain(name.substr(0, slash)) &&
           is_valid_remote_name(name.substr(slash + 1));
}

// The anchored ReferenceRegexp: name [':' tag] ['@' digest]. Neither a name
// nor a tag can hold '@', and a tag can hold neither ':' nor '/', so the
// first '@' starts the digest and a ':' after the last '/' starts the tag
// (a port's ':' is always followed by a '/').
std::optional<Split> match_reference(std::string_view s) {
    Split out;
    std::string_view left = s;
    if (const auto at = s.find('@'); at != std::string_view::npos) {
        left = s.substr(0, at);
        out.digest = s.substr(at + 1);
        if (!matches_reference_digest(out.digest)) return std::nullopt;
    }
    const auto colon = left.rfind(':');
    const auto slash = left.rfind('/');
    if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
        out.tag = left.substr(colon + 1);
        left = left.substr(0, colon);
        if (!is_valid_tag(out.tag)) return std::nullopt;
    }
    if (!is_name(left)) return std::nullopt;
    out.name = left;
    return out;
}

// splitDockerDomain of the current library, including its rule that an
// uppercase first component is a domain (namespaces are lowercase).
std::pair<std::string, std::string> split_docker_domain(std::string_view name) {
    std::string domain, remote;
    const auto slash = name.find('/');
    if (slash == std::string_view::npos)
        return {std::string(kDefaultDomain), std::string(kOfficialRepoPrefix) + std::string(name)};
    const auto maybe_domain = name.substr(0, slash);
    const auto maybe_remote = name.substr(slash + 1);
    if (maybe_domain == "localhost") {
        domain = maybe_domain, remote = maybe_remote;
    } else if (maybe_domain == kLegacyDefaultDomain) {
        domain = kDefaultDomain, remote = maybe_remote;
    } else if (maybe_domain.find_first_of(".:") != std::string_view::npos) {
        domain = maybe_domain, remote = maybe_remote;
    } else if (lower(maybe_domain) != maybe_domain) {
        domain = maybe_domain, remote = maybe_remote;
    } else {
        domain = kDefaultDomain, remote = name;
    }
    if (domain == kDefaultDomain && remote.find('/') == std::string::npos)
        remote = std::string(kOfficialRepoPrefix) + remote;
    return {domain, remote};
}

void validate_reference_digest(std::string_view d) {
    try {
        validate_digest(d);
    } catch (const InvalidArgument &e) {
        throw InvalidReference(e.what());
    }
}

} // namespace

bool is_valid_tag(std::string_view tag) {
    if (tag.empty() || tag.size() > 128 || !is_word(tag.front())) return false;
    return std::all_of(tag.begin() + 1, tag.end(), [](char c) { return is_word(c) || c == '.' || c == '-'; });
}

bool is_valid_remote_name(std::string_view path) {
    size_t start = 0;
    for (;;) {
        const auto slash = path.find('/', start);
        if (!is_path_component(
                path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start)))
            return false;
        if (slash == std::string_view::npos) return true;
        start = slash + 1;
    }
}

bool is_valid_domain(std::string_view domain) {
    std::string_view host = domain, port;
    if (!domain.empty() && domain.front() == '[') {
        // ipv6address := '[' [a-fA-F0-9:]+ ']'
        const auto close = domain.find(']');
        if (close == std::string_view::npos || close == 1) return false;
        const auto inner = domain.substr(1, close - 1);
        if (!std::all_of(inner.begin(), inner.end(),
                         [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':'; }))
            return false;
        const auto rest = domain.substr(close + 1);
        if (rest.empty()) return true;
        return rest.front() == ':' && is_port(rest.substr(1));
    }
    if (const auto colon = domain.find(':'); colon != std::string_view::npos) {
        host = domain.substr(0, colon);
        port = domain.substr(colon + 1);
        if (!is_port(port)) return false;
    }
    size_t start = 0;
    for (;;) {
        const auto dot = host.find('.', start);
        if (!is_domain_component(
                host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start)))
            return false;
        if (dot == std::string_view::npos) return true;
        start = dot + 1;
    }
}

std::string Reference::name() const { return domain.empty() ? path : domain + "/" + path; }

std::string Reference::string() const {
    std::string out = name();
    if (!tag.empty()) out += ":" + tag;
    if (!digest.empty()) out += "@" + digest;
    return out;
}

std::string Reference::familiar_name() const {
    if (domain != kDefaultDomain) return name();
    // Only "library/<one component>" loses its namespace; deeper paths keep it.
    if (path.starts_with(kOfficialRepoPrefix)) {
        const auto rest = std::string_view(path).substr(kOfficialRepoPrefix.size());
        if (rest.find('/') == std::string_view::npos) return std::string(rest);
    }
    return path;
}

std::string Reference::familiar_string() const {
    std::string out = familiar_name();
    if (!tag.empty()) out += ":" + tag;
    if (!digest.empty()) out += "@" + digest;
    return out;
}

Reference Reference::trimmed() const { return Reference{domain, path, {}, {}}; }

Reference Reference::tag_name_only() const {
    Reference r = *this;
    if (r.name_only()) r.tag = kDefaultTag;
    return r;
}

Reference Reference::docker_ref() const {
    if (digested()) return Reference{domain, path, {}, digest};
    return tag_name_only();
}

Reference Reference::with_tag(std::string_view new_tag) const {
    if (!is_valid_tag(new_tag)) throw InvalidReference(kTagInvalid);
    Reference r = *this;
    r.tag = new_tag;
    return r;
}

Reference Reference::with_digest(std::string_view new_digest) const {
    validate_reference_digest(new_digest);
    Reference r = *this;
    r.digest = new_digest;
    return r;
}

Reference parse_reference(std::string_view s) {
    if (s.empty()) throw InvalidReference(kNameEmpty);
    auto m = match_reference(s);
    if (!m) {
        const std::string l = lower(s);
        if (l != s && match_reference(l)) throw InvalidReference(kNameUppercase);
        throw InvalidReference(kInvalidFormat);
    }
    Reference ref;
    // anchoredNameRegexp prefers a domain whenever the first component can
    // be one and the rest is a valid remote name.
    const auto slash = m->name.find('/');
    if (slash != std::string_view::npos && is_valid_domain(m->name.substr(0, slash)) &&
        is_valid_remote_name(m->name.substr(slash + 1))) {
        ref.domain = m->name.substr(0, slash);
        ref.path = m->name.substr(slash + 1);
    } else {
        ref.path = m->name;
    }
    if (ref.path.size() > kRepositoryNameMax) throw InvalidReference(kNameTooLong);
    ref.tag = m->tag;
    if (!m->digest.empty()) {
        validate_reference_digest(m->digest);
        ref.digest = m->digest;
    }
    return ref;
}

Reference parse_normalized_named(std::string_view s) {
    if (is_identifier(s))
        throw InvalidReference("invalid repository name (" + std::string(s) +
                               "), cannot specify 64-byte hexadecimal strings");
    auto [domain, remainder] = split_docker_domain(s);
    const auto remote = std::string_view(remainder).substr(0, remainder.find(':'));
    if (lower(remote) != remote)
        throw InvalidReference("invalid reference format: repository name (" + std::string(remote) +
                               ") must be lowercase");
    return parse_reference(domain + "/" + remainder);
}

AnyReference parse_any_reference(std::string_view s) {
    if (is_identifier(s)) return AnyReference{std::nullopt, std::string(kSha256Prefix) + std::string(s)};
    try {
        validate_digest(s);
        return AnyReference{std::nullopt, std::string(s)};
    } catch (const InvalidArgument &) {
        // Not a digest: it must be a name.
    }
    return AnyReference{parse_normalized_named(s), {}};
}

Reference parse_repo_and_tag(std::string_view repo, std::string_view tag) {
    Reference ref = parse_normalized_named(repo);
    if (ref.digested()) throw InvalidReference("cannot import digest reference");
    if (!tag.empty()) return ref.with_tag(tag);
    return ref.tag_name_only();
}

bool is_image_id_prefix(std::string_view image_id, std::string_view s) {
    if (image_id.starts_with(s)) return true;
    const auto colon = image_id.find(':');
    return colon != std::string_view::npos && image_id.substr(colon + 1).starts_with(s);
}

} // namespace berth::images
