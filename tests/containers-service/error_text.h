// error_text.h — the message an operation fails with, so tests can compare
// our wording with Docker's exactly.
#pragma once

#include <exception>
#include <string>

namespace berth::test {

// Runs f; returns the what() of the exception of type E it throws,
// "<no error>" when it returns normally. Other exception types propagate,
// so a wrong error class fails the test instead of passing silently.
template <class E, class F> std::string error_text(F &&f) {
    try {
        f();
    } catch (const E &e) {
        return e.what();
    }
    return "<no error>";
}

} // namespace berth::test
