// dockerfile_test_support.h — helpers for the parser tests: parse a text
// and expect Docker's error message and line.
#pragma once

#include "build/dockerfile/dockerfile.h"

#include <gtest/gtest.h>

#include <string>

namespace berth::build::testing {

// The DockerfileError that parsing `text` throws; fails the test (and
// returns a line-0 error) when it parses.
inline DockerfileError parse_error(const std::string &text) {
    try {
        parse_dockerfile(text);
    } catch (const DockerfileError &e) {
        return e;
    }
    ADD_FAILURE() << "parsed without error:\n" << text;
    return DockerfileError(0, "no error");
}

inline DockerfileError trigger_error(const std::string &text) {
    try {
        parse_instruction(text, '\\', 7);
    } catch (const DockerfileError &e) {
        return e;
    }
    ADD_FAILURE() << "parsed without error: " << text;
    return DockerfileError(0, "no error");
}

} // namespace berth::build::testing
