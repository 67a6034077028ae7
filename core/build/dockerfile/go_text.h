// go_text.h — small text helpers shared by the Dockerfile parser and the
// word expander: Docker's idea of whitespace and Go's %q quoting, because
// Docker's error messages quote the offending text with Go's rules and the
// client compares them.
#pragma once

#include <string>
#include <string_view>

namespace berth::build::detail {

// unicode.IsSpace restricted to ASCII (the parser works on UTF-8 bytes;
// U+0085 and U+00A0 never separate Dockerfile words in practice).
inline bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

std::string_view trim_left(std::string_view s);
std::string_view trim(std::string_view s);

// Go's strconv.Quote for the ASCII range: "a\"b\n" for a"b<LF>.
std::string go_quote(std::string_view s);

std::string to_lower(std::string_view s);
std::string to_upper(std::string_view s);

} // namespace berth::build::detail
