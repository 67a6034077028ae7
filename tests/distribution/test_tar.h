// test_tar.h — small layer tars for the pull and push tests: regular files
// (name -> content) with fixed metadata, so the same files always give the
// same bytes (and the uncompressed form's sha256 is the diff_id).
#pragma once

#include <map>
#include <string>

namespace berth::distribution::test {

enum class Compression { None, Gzip, Zstd };

std::string make_tar(const std::map<std::string, std::string> &files, Compression compression = Compression::None);

} // namespace berth::distribution::test
