#include <iostream>
#include <iterator>
#include <memory>
#include <string>

#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include "api_path.h"
#include "commands/commands.h"
#include "commands/image_commands.h"
#include "daemon_reply.h"
#include "errors.h"
#include "exit_codes.h"
#include "image_names.h"
#include "json_text.h"
#include "registry_login.h"

// `berth login [SERVER]` and `berth logout [SERVER]`. The daemon checks the
// credentials against the registry (POST /auth); the CLI stores them in
// docker's config.json shape so later pulls and pushes send them in
// X-Registry-Auth.
namespace berth::cli {
namespace {

std::string read_line(const Console& console) {
    std::string line;
    if (console.in == nullptr || !std::getline(*console.in, line)) return {};
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

// Reads a password from the terminal without echoing it.
std::string read_secret(const Console& console) {
    termios saved{};
    const bool tty = console.in_fd >= 0 && ::tcgetattr(console.in_fd, &saved) == 0;
    if (tty) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(console.in_fd, TCSANOW, &quiet);
    }
    std::string secret = read_line(console);
    if (tty) ::tcsetattr(console.in_fd, TCSANOW, &saved);
    *console.out << '\n';
    return secret;
}

std::string trim_newlines(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

}  // namespace

int run_login(const CliContext& ctx, const LoginOptions& options) {
    const Console& console = ctx.console;
    LoginRecord record;
    record.server = options.server.empty() || options.server == "docker.io" ? std::string(kDockerHubServer)
                                                                          : options.server;
    record.username = options.username;
    record.password = options.password;

    if (!options.password.empty()) {
        *console.err << "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n";
        if (options.password_stdin) throw CliError("--password and --password-stdin are mutually exclusive");
    }
    if (options.password_stdin) {
        if (options.username.empty()) throw CliError("Must provide --username with --password-stdin");
        if (console.in == nullptr) throw CliError("cannot read the password: stdin is not available");
        record.password = trim_newlines(
            std::string(std::istreambuf_iterator<char>(*console.in), std::istreambuf_iterator<char>()));
    }
    if (record.username.empty() || record.password.empty()) {
        if (!console.in_is_terminal) throw CliError("Error: Cannot perform an interactive login from a non TTY device");
        if (record.username.empty()) {
            *console.out << "Username: ";
            console.out->flush();
            record.username = read_line(console);
            if (record.username.empty()) throw CliError("Error: Non-null Username Required");
        }
        if (record.password.empty()) {
            *console.out << "Password: ";
            console.out->flush();
            record.password = read_secret(console);
            if (record.password.empty()) throw CliError("Error: Password Required");
        }
    }

    const nlohmann::json body = {
        {"username", record.username}, {"password", record.password}, {"serveraddress", record.server}};
    const nlohmann::json reply = json_reply(ctx.client().request("POST", api_path("/auth"), dump_json(body)));
    // A registry that hands out a refresh token wants it used instead of the
    // password from now on, so the password is not kept.
    record.identity_token = field_or(reply, "IdentityToken", "");
    if (!record.identity_token.empty()) record.password.clear();

    const auto file = credentials_file();
    store_login(file, record);
    *console.err << "WARNING! Your credentials are stored unencrypted in '" << file.string() << "'.\n"
                 << "Configure a credential helper to remove this warning. See\n"
                 << "https://docs.docker.com/go/credential-store/\n\n";
    const std::string status = field_or(reply, "Status", "");
    *console.out << (status.empty() ? "Login Succeeded" : status) << '\n';
    console.out->flush();
    return exit_code::kOk;
}

int run_logout(const CliContext& ctx, const LogoutOptions& options) {
    const bool hub = options.server.empty() || options.server == "docker.io";
    const std::string server = hub ? std::string(kDockerHubServer) : options.server;
    // docker names a non-Hub registry by its host, whatever URL was typed.
    std::string shown = server;
    if (!hub) {
        std::string_view s = server;
        for (std::string_view scheme : {"https://", "http://"})
            if (s.substr(0, scheme.size()) == scheme) s.remove_prefix(scheme.size());
        shown = std::string(s.substr(0, s.find('/')));
    }
    *ctx.console.out << "Removing login credentials for " << shown << '\n';
    erase_login(credentials_file(), server);
    return exit_code::kOk;
}

void add_login_command(CLI::App& app, CliContext& ctx) {
    auto options = std::make_shared<LoginOptions>();
    CLI::App* cmd = app.add_subcommand("login", "Authenticate to a registry (defaults to Docker Hub)");
    cmd->add_option("SERVER", options->server, "Registry server");
    cmd->add_option("-u,--username", options->username, "Username");
    cmd->add_option("-p,--password", options->password, "Password or Personal Access Token (PAT)");
    cmd->add_flag("--password-stdin", options->password_stdin, "Take the Password or PAT from stdin");
    on_selected(*cmd, ctx, [&ctx, options] { return run_login(ctx, *options); });
}

void add_logout_command(CLI::App& app, CliContext& ctx) {
    auto options = std::make_shared<LogoutOptions>();
    CLI::App* cmd = app.add_subcommand("logout", "Log out from a registry (defaults to Docker Hub)");
    cmd->add_option("SERVER", options->server, "Registry server");
    on_selected(*cmd, ctx, [&ctx, options] { return run_logout(ctx, *options); });
}

}  // namespace berth::cli
