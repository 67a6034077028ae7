#pragma once

#include <string>
#include <string_view>

// Building "?a=1&b=x%20y" for Engine API requests. Keys keep the order they
// were added in; repeating a key (save's names=, import's changes=) is how
// the API takes lists.
namespace berth::cli {

class QueryString {
public:
    QueryString& add(std::string_view key, std::string_view value);

    // "" when nothing was added, else "?k=v&...".
    std::string str() const { return text_.empty() ? std::string() : "?" + text_; }

private:
    std::string text_;
};

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string escape_query_value(std::string_view value);

// An image name or ID as a path part of /images/{name}/...: the API takes it
// unescaped, slashes, ':' and '@' included (routes match it greedily), so only
// characters that would break the request line or start a query are escaped.
std::string image_path(std::string_view name);

}  // namespace berth::cli
