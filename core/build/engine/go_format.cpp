#include "build/engine/go_format.h"

#include "build/dockerfile/go_text.h"

namespace berth::build {

std::string go_quote_list(const std::vector<std::string> &items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) out += (i ? " " : "") + detail::go_quote(items[i]);
    return out + "]";
}

std::string go_plain_list(const std::vector<std::string> &items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) out += (i ? " " : "") + items[i];
    return out + "]";
}

} // namespace berth::build
