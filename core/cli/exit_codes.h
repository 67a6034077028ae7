#pragma once

// Process exit statuses, kept in one place so every command agrees with the
// docker CLI. Scripts written against `docker` test these numbers, so Berth
// must not invent its own.
namespace berth::cli::exit_code {

inline constexpr int kOk = 0;
// Daemon unreachable, daemon answered with an error, or the command failed.
inline constexpr int kFailure = 1;
// docker's status for errors in the CLI itself (bad flags, bad arguments) and,
// for `run`, errors from the daemon before the container started.
inline constexpr int kUsage = 125;
// Reserved for container commands: the contained command could not be invoked
// (126) or was not found (127), mirroring the shell and `docker run`.
inline constexpr int kCannotInvoke = 126;
inline constexpr int kNotFound = 127;

}  // namespace berth::cli::exit_code
