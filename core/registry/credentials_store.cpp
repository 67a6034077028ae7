#include "registry/credentials_store.h"

#include "registry/base64.h"
#include "util/atomic_file.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace berth::registry {
namespace {

using nlohmann::json;

// docker's key for Docker Hub, which `docker login` writes.
constexpr std::string_view kDockerHubKey = "https://index.docker.io/v1/";

json read_file(const std::filesystem::path &file) {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return json::object(); // no logins yet
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error("credentials file " + file.string() + ": cannot be read");
    std::stringstream ss;
    ss << in.rdbuf();
    if (ss.str().find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
    auto doc = json::parse(ss.str(), nullptr, false);
    if (doc.is_discarded() || !doc.is_object())
        throw std::runtime_error("credentials file " + file.string() + ": not a JSON object");
    return doc;
}

void write_file(const std::filesystem::path &file, const json &doc) {
    std::error_code ec;
    if (file.has_parent_path() && !std::filesystem::exists(file.parent_path(), ec)) {
        std::filesystem::create_directories(file.parent_path(), ec);
        if (ec) throw std::runtime_error("credentials file " + file.string() + ": " + ec.message());
        // Only the owner needs to look inside a directory of secrets.
        std::filesystem::permissions(file.parent_path(), std::filesystem::perms::owner_all, ec);
    }
    if (!util::write_file_atomic(file, doc.dump(1, '\t') + "\n", 0600))
        throw std::runtime_error("credentials file " + file.string() + ": " + std::strerror(errno));
}

Credentials entry_credentials(const json &entry) {
    Credentials c;
    if (!entry.is_object()) return c;
    auto str = [&](const char *key) {
        const auto it = entry.find(key);
        return it != entry.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    if (const auto auth = str("auth"); !auth.empty()) {
        if (const auto decoded = detail::base64_decode(auth)) {
            const auto colon = decoded->find(':');
            c.username = decoded->substr(0, colon);
            if (colon != std::string::npos) c.password = decoded->substr(colon + 1);
        }
    }
    if (c.username.empty()) c.username = str("username");
    if (c.password.empty()) c.password = str("password");
    c.identity_token = str("identitytoken");
    c.registry_token = str("registrytoken");
    return c;
}

// The key of `registry` in "auths", if present.
std::optional<std::string> find_key(const json &doc, std::string_view registry) {
    const auto auths = doc.find("auths");
    if (auths == doc.end() || !auths->is_object()) return std::nullopt;
    const auto want = CredentialsStore::normalize_key(registry);
    for (const auto &[key, value] : auths->items())
        if (CredentialsStore::normalize_key(key) == want) return key;
    return std::nullopt;
}

} // namespace

CredentialsStore::CredentialsStore(std::filesystem::path file) : file_(std::move(file)) {}

std::string CredentialsStore::normalize_key(std::string_view registry) {
    auto s = registry;
    for (std::string_view scheme : {"https://", "http://"})
        if (s.substr(0, scheme.size()) == scheme) s.remove_prefix(scheme.size());
    s = s.substr(0, s.find('/'));
    std::string out(s);
    for (auto &ch : out) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    if (out == "index.docker.io" || out == "registry-1.docker.io" || out == "registry.hub.docker.com")
        out = "docker.io";
    return out;
}

std::optional<Credentials> CredentialsStore::get(std::string_view registry) const {
    std::lock_guard lock(mutex_);
    const auto doc = read_file(file_);
    const auto key = find_key(doc, registry);
    if (!key) return std::nullopt;
    auto c = entry_credentials(doc["auths"][*key]);
    if (c.empty()) return std::nullopt;
    return c;
}

void CredentialsStore::put(std::string_view registry, const Credentials &credentials) {
    std::lock_guard lock(mutex_);
    auto doc = read_file(file_);
    if (!doc.contains("auths") || !doc["auths"].is_object()) doc["auths"] = json::object();
    std::string key = find_key(doc, registry).value_or(
        normalize_key(registry) == "docker.io" ? std::string(kDockerHubKey) : normalize_key(registry));
    json entry = json::object();
    if (credentials.has_password())
        entry["auth"] = detail::base64_encode(credentials.username + ":" + credentials.password);
    if (!credentials.identity_token.empty()) entry["identitytoken"] = credentials.identity_token;
    doc["auths"][key] = std::move(entry);
    write_file(file_, doc);
}

bool CredentialsStore::erase(std::string_view registry) {
    std::lock_guard lock(mutex_);
    auto doc = read_file(file_);
    const auto key = find_key(doc, registry);
    if (!key) return false;
    doc["auths"].erase(*key);
    write_file(file_, doc);
    return true;
}

std::vector<std::string> CredentialsStore::registries() const {
    std::lock_guard lock(mutex_);
    const auto doc = read_file(file_);
    std::vector<std::string> out;
    if (const auto auths = doc.find("auths"); auths != doc.end() && auths->is_object())
        for (const auto &[key, value] : auths->items()) out.push_back(key);
    return out;
}

} // namespace berth::registry
