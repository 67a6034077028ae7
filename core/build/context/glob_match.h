// glob_match.h — Go's filepath.Match for one path element or a whole
// "/"-separated path: "*" (any run of non-"/" bytes), "?" (one non-"/"
// character), "[...]" classes with "^" negation and ranges, "\\" escaping
// the next character. Shared by .dockerignore patterns (which add "**" on
// top) and COPY/ADD source globs, so both read patterns the same way.
#pragma once

#include <cstddef>
#include <string_view>

namespace berth::build::glob {

// Whether pattern is well formed (Go returns ErrBadPattern otherwise): every
// "[" closed, classes non-empty, ranges complete, no trailing lone "\\".
bool valid(std::string_view pattern);

// Whether pattern has any of Go's special characters ("*?[\\").
bool has_meta(std::string_view pattern);

// filepath.Match(pattern, name). A malformed pattern matches nothing.
bool match(std::string_view pattern, std::string_view name);

// Matches the class starting at pattern[pos] == '[' against the character
// at name[npos]. On success sets class_end (the index after "]") and
// char_len (bytes of the UTF-8 character consumed). False when the class
// does not match or is malformed (malformed sets class_end to npos).
bool match_class(std::string_view pattern, size_t pos, std::string_view name, size_t npos, size_t &class_end,
                 size_t &char_len);

// Bytes of the UTF-8 character starting at s[pos] (1 for invalid bytes).
size_t utf8_len(std::string_view s, size_t pos);

} // namespace berth::build::glob
