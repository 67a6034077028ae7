#include "check.hpp"

#include "strf.hpp"

namespace conformance {

void expect_none(const std::vector<std::string> &problems, const std::string &intro) {
    if (problems.empty()) return;
    // A long list helps nobody on one line; the first few say what is wrong.
    const size_t shown = 8;
    std::string msg = intro + ": ";
    for (size_t i = 0; i < problems.size() && i < shown; ++i) msg += (i ? "; " : "") + problems[i];
    if (problems.size() > shown) msg += strf(" (and %zu more)", problems.size() - shown);
    fail(msg);
}

} // namespace conformance
