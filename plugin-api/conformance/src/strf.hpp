// strf.hpp — printf-style formatting into std::string. GCC 12 has no
// <format>, and failure messages are built in many places.
#pragma once

#include <string>

namespace conformance {

std::string strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

} // namespace conformance
