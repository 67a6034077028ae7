#pragma once

#include <stdexcept>
#include <string>

#include "exit_codes.h"

// Every failure a command wants to report to the user is one of these. main()
// prints what() to stderr and exits with exit_status(), so commands never call
// exit() themselves and a command like `run` can remap a status simply by
// catching and rethrowing with another code.
namespace berth::cli {

class CliError : public std::runtime_error {
public:
    explicit CliError(const std::string& message, int exit_status = exit_code::kFailure)
        : std::runtime_error(message), exit_status_(exit_status) {}

    int exit_status() const noexcept { return exit_status_; }

private:
    int exit_status_;
};

// Wrong flags or arguments: reported like a parse error, with docker's 125.
class UsageError : public CliError {
public:
    explicit UsageError(const std::string& message) : CliError(message, exit_code::kUsage) {}
};

// The daemon could not be reached at all (no socket, refused, unresolvable).
// Distinct from other failures so `berth version` can still print its Client
// section and scripts can tell "daemon down" apart from "request rejected".
class ConnectionError : public CliError {
public:
    using CliError::CliError;
};

// Connected, but the exchange broke (TLS handshake, reset, malformed HTTP).
class TransportError : public CliError {
public:
    using CliError::CliError;
};

// The daemon answered with HTTP status >= 400. what() is already the
// user-facing "Error response from daemon: ..." line.
class DaemonError : public CliError {
public:
    DaemonError(int http_status, const std::string& daemon_message)
        : CliError("Error response from daemon: " + daemon_message),
          http_status_(http_status),
          daemon_message_(daemon_message) {}

    int http_status() const noexcept { return http_status_; }
    const std::string& daemon_message() const noexcept { return daemon_message_; }

private:
    int http_status_;
    std::string daemon_message_;
};

}  // namespace berth::cli
