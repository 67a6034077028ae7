#pragma once

#include <nlohmann/json.hpp>

#include "daemon_client.h"

// Turning HttpResponse into what commands want: an exception for error
// statuses, parsed JSON otherwise. Kept apart from daemon_client.h so the
// client header stays free of the JSON library.
namespace berth::cli {

// Throws DaemonError ("Error response from daemon: <message>") for status
// >= 400, taking the message from the Engine API's {"message": "..."} body.
void throw_if_daemon_error(const HttpResponse& response);

// throw_if_daemon_error, then parse the body. A body that is not JSON means
// we are not talking to berthd (or it is broken): reported as a CliError.
nlohmann::json json_reply(const HttpResponse& response);

}  // namespace berth::cli
