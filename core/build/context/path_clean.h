// path_clean.h — Go's filepath.Clean for "/"-separated paths, which Docker
// applies to .dockerignore patterns, context paths and COPY sources before
// comparing them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace berth::build {

// filepath.Clean: "a//b/./c/.." -> "a/b", "" -> ".", "/.." -> "/";
// a relative path keeps its leading "..".
std::string clean_path(std::string_view path);

// The elements of a path ("a/b" -> {"a", "b"}), empty ones dropped.
std::vector<std::string> split_path(std::string_view path);

} // namespace berth::build
