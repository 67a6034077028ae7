#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "console.h"

// `berth build -` and `-f -`: what comes in on stdin. The docker CLI peeks
// at the first 512 bytes: a tar (or a gzip/bzip2/xz/zstd stream) is the
// whole context and is sent as is; anything else is a Dockerfile, sent as
// the only file of an otherwise empty context.
namespace berth::cli {

// Reads up to `capacity` bytes from the console's stdin (its raw fd when
// there is one, else its istream); 0 at end of input. Throws CliError.
std::size_t read_stdin(const Console& console, char* buffer, std::size_t capacity);

// Everything left on stdin (a Dockerfile; they are small).
std::string read_all_stdin(const Console& console);

// docker's build.IsArchive on the first bytes of a stream: a known
// compression magic, or a tar header whose checksum adds up.
bool looks_like_archive(std::string_view head);

// A one-file uncompressed tar holding `content` as `name` (mode 0600, owner
// 0:0), for a Dockerfile that came on stdin without a context.
std::string single_file_tar(const std::string& name, std::string_view content);

}  // namespace berth::cli
