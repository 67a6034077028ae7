#include "registry/link_header.h"

#include <cctype>

namespace berth::registry::detail {

std::optional<std::string> next_link(std::string_view header) {
    std::size_t pos = 0;
    while (true) {
        const auto open = header.find('<', pos);
        if (open == std::string_view::npos) return std::nullopt;
        const auto close = header.find('>', open);
        if (close == std::string_view::npos) return std::nullopt;
        const auto target = header.substr(open + 1, close - open - 1);
        // Parameters run to the next link (a ',' before the next '<').
        auto next_open = header.find('<', close);
        auto params = header.substr(close + 1, next_open == std::string_view::npos ? std::string_view::npos
                                                                                   : next_open - close - 1);
        std::string lowered;
        for (char ch : params)
            if (ch != ' ' && ch != '\t' && ch != '"') lowered += char(std::tolower(static_cast<unsigned char>(ch)));
        // Registries send a single relation: rel="next" (quotes optional).
        if (lowered.find(";rel=next") != std::string::npos) return std::string(target);
        if (next_open == std::string_view::npos) return std::nullopt;
        pos = next_open;
    }
}

} // namespace berth::registry::detail
