#include "report.hpp"

#include <cstdio>

namespace conformance {

std::string one_line(const std::string &text) {
    std::string out;
    for (char c : text) {
        if (c == '\n') out += "; ";
        else if (c != '\r') out += c;
    }
    return out;
}

void Reporter::pass(const std::string &name) {
    ++passed_;
    std::printf("PASS %s\n", name.c_str());
    std::fflush(stdout);
}

void Reporter::fail(const std::string &name, const std::string &why) {
    ++failed_;
    std::printf("FAIL %s: %s\n", name.c_str(), one_line(why).c_str());
    std::fflush(stdout);
}

void Reporter::skip(const std::string &name, const std::string &why) {
    std::printf("SKIP %s: %s\n", name.c_str(), one_line(why).c_str());
    std::fflush(stdout);
}

void Reporter::note(const std::string &line) {
    std::printf("%s\n", one_line(line).c_str());
    std::fflush(stdout);
}

void Reporter::summary() {
    std::printf("%d passed, %d failed\n", passed_, failed_);
    std::fflush(stdout);
}

} // namespace conformance
