// report.hpp — the kit's verdict lines on stdout:
//   PASS <case>
//   FAIL <case>: <what the driver did wrong>
//   SKIP <case>: <why>            (not counted)
// and, last, exactly one "<N> passed, <M> failed". Diagnostics go to stderr
// so stdout stays machine-readable.
#pragma once

#include <string>

namespace conformance {

class Reporter {
public:
    void pass(const std::string &name);
    void fail(const std::string &name, const std::string &why);
    void skip(const std::string &name, const std::string &why);
    // Free-form line (the init skip reason); never a verdict.
    void note(const std::string &line);
    void summary();
    int passed() const { return passed_; }
    int failed() const { return failed_; }

private:
    int passed_ = 0;
    int failed_ = 0;
};

// One line: newlines become "; " so a verdict never spans lines.
std::string one_line(const std::string &text);

} // namespace conformance
