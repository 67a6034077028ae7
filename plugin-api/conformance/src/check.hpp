// check.hpp — how a case ends early. fail() is a driver fault (FAIL line),
// skip() means the case does not apply to this driver (SKIP line, not
// counted). Both unwind so the runner still cleans the case's layers up.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace conformance {

struct CaseFailure : std::runtime_error {
    using std::runtime_error::runtime_error;
};
struct CaseSkip : std::runtime_error {
    using std::runtime_error::runtime_error;
};

[[noreturn]] inline void fail(const std::string &why) { throw CaseFailure(why); }
[[noreturn]] inline void skip(const std::string &why) { throw CaseSkip(why); }

inline void expect(bool ok, const std::string &why) {
    if (!ok) fail(why);
}

// Fails with "<intro>: a; b; c (and N more)" when problems is not empty.
void expect_none(const std::vector<std::string> &problems, const std::string &intro);

} // namespace conformance
