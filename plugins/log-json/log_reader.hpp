// log_reader.hpp — `docker logs` for json-file: read the rotated and live
// files back (compressed ones too), apply tail/since/until, and with follow
// keep sending new lines, across rotations, until the call is cancelled or
// the reader of out_fd goes away.
#pragma once

#include <berth/host.h>

#include <cstdint>
#include <string>

namespace berth::logjson {

struct ReadOptions {
    int64_t tail = -1;  // last N entries; -1: all
    int64_t since = 0;  // unix nanos; 0: from the start
    int64_t until = 0;  // unix nanos; 0: no end
    bool follow = false;
    bool details = false; // include each entry's attrs
};

// Parse read_opts_json ({"v":1,"tail":N,...}). Throws sdk::error INVAL.
ReadOptions parse_read_options(const char *read_opts_json);

// Write the entries of the log at path to out_fd (borrowed) as JSON lines
// {"stream":..,"time":..,"log":..[,"attrs":..]}. Returns when done, when
// out_fd's reader is gone, or (follow) when the call is cancelled.
void read_logs(const berth_host *host, berth_call *call, const std::string &path,
               const ReadOptions &opts, int out_fd);

} // namespace berth::logjson
