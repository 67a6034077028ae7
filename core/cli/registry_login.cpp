#include "registry_login.h"

#include <cstdlib>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include <pwd.h>
#include <unistd.h>

#include "errors.h"
#include "image_names.h"
#include "registry/base64.h"
#include "registry/credentials_store.h"

namespace berth::cli {
namespace {

std::filesystem::path home_dir() {
    if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') return home;
    // Not thread-safe, but the CLI is single-threaded here.
    if (const passwd* pw = ::getpwuid(::getuid()); pw != nullptr && pw->pw_dir != nullptr) return pw->pw_dir;
    throw CliError("cannot find the home directory for the login file; set " + std::string(kConfigDirEnv));
}

}  // namespace

std::filesystem::path credentials_file() {
    if (const char* dir = std::getenv(std::string(kConfigDirEnv).c_str()); dir != nullptr && *dir != '\0')
        return std::filesystem::path(dir) / "config.json";
    return home_dir() / ".berth" / "config.json";
}

std::string base64url(std::string_view bytes) {
    std::string out = registry::detail::base64_encode(bytes);
    for (char& c : out) {
        if (c == '+') c = '-';
        if (c == '/') c = '_';
    }
    return out;
}

std::string registry_auth_header(const std::filesystem::path& file, std::string_view domain) {
    const std::string server = auth_server_for(domain);
    std::optional<registry::Credentials> found;
    try {
        found = registry::CredentialsStore(file).get(server);
    } catch (const std::runtime_error& e) {
        throw CliError(e.what());
    }
    if (!found) return "e30=";
    // Go's AuthConfig field order, so the header is byte-identical to docker's.
    nlohmann::ordered_json auth = nlohmann::ordered_json::object();
    if (!found->username.empty()) auth["username"] = found->username;
    if (!found->password.empty()) auth["password"] = found->password;
    auth["serveraddress"] = server;
    if (!found->identity_token.empty()) auth["identitytoken"] = found->identity_token;
    if (!found->registry_token.empty()) auth["registrytoken"] = found->registry_token;
    return base64url(auth.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void store_login(const std::filesystem::path& file, const LoginRecord& record) {
    registry::Credentials credentials;
    credentials.username = record.username;
    credentials.password = record.password;
    credentials.identity_token = record.identity_token;
    try {
        registry::CredentialsStore(file).put(record.server, credentials);
    } catch (const std::runtime_error& e) {
        throw CliError(std::string("Error saving credentials: ") + e.what());
    }
}

bool erase_login(const std::filesystem::path& file, std::string_view server) {
    try {
        return registry::CredentialsStore(file).erase(server);
    } catch (const std::runtime_error& e) {
        throw CliError(std::string("could not erase credentials: ") + e.what());
    }
}

}  // namespace berth::cli
