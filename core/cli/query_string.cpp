#include "query_string.h"

namespace berth::cli {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
           c == '_' || c == '~';
}

void percent(std::string& out, unsigned char c) {
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 0x0F];
}

}  // namespace

std::string escape_query_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (const char ch : value) {
        const auto c = static_cast<unsigned char>(ch);
        if (unreserved(c))
            out += ch;
        else
            percent(out, c);
    }
    return out;
}

QueryString& QueryString::add(std::string_view key, std::string_view value) {
    if (!text_.empty()) text_ += '&';
    text_ += escape_query_value(key);
    text_ += '=';
    text_ += escape_query_value(value);
    return *this;
}

std::string image_path(std::string_view name) {
    std::string out;
    out.reserve(name.size());
    for (const char ch : name) {
        const auto c = static_cast<unsigned char>(ch);
        // Go's url.URL.EscapedPath keeps these as they are.
        if (unreserved(c) || c == '/' || c == ':' || c == '@' || c == '+' || c == '=' || c == '$' || c == '&' ||
            c == ',' || c == ';' || c == '!' || c == '*' || c == '\'' || c == '(' || c == ')')
            out += ch;
        else
            percent(out, c);
    }
    return out;
}

}  // namespace berth::cli
