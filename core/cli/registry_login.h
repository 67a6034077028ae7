#pragma once

#include <filesystem>
#include <string>
#include <string_view>

// Registry logins as the CLI keeps them: docker's config.json shape
// ({"auths": {"<server>": {"auth": base64(user:pass)}}}, mode 0600) in
// $BERTH_CONFIG/config.json, else ~/.berth/config.json. The file is read and
// written by core/registry's CredentialsStore, the same code berthd uses.
namespace berth::cli {

inline constexpr std::string_view kConfigDirEnv = "BERTH_CONFIG";

std::filesystem::path credentials_file();

// The X-Registry-Auth value for pulls and pushes from `domain`: base64url
// JSON {"username","password","serveraddress"} (or with "identitytoken")
// when there is a login, else "e30=" ({}), which docker always sends.
std::string registry_auth_header(const std::filesystem::path& file, std::string_view domain);

struct LoginRecord {
    std::string server;  // as given, or Docker Hub's v1 URL
    std::string username;
    std::string password;
    std::string identity_token;  // when the daemon returned one
};

// Adds or replaces the login for record.server; other entries and other
// top-level keys of the file are kept. Throws CliError on failure.
void store_login(const std::filesystem::path& file, const LoginRecord& record);

// Removes the login for `server`; false when there was none.
bool erase_login(const std::filesystem::path& file, std::string_view server);

// base64 with the URL-safe alphabet and padding (Go's base64.URLEncoding).
std::string base64url(std::string_view bytes);

}  // namespace berth::cli
