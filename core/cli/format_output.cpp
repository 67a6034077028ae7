#include "format_output.h"

#include <ostream>

#include "tab_writer.h"
#include "text_table.h"

namespace berth::cli {

void print_formatted(std::ostream& out, const FormatTemplate& format, const std::vector<nlohmann::json>& rows,
                     const std::map<std::string, std::string>& titles) {
    if (!format.is_table()) {
        for (const auto& row : rows) out << format.render(row) << '\n';
        return;
    }
    TabWriter table;
    table.add_line(format.header(titles));
    for (const auto& row : rows) table.add_line(format.render(row));
    table.print(out);
}

std::string truncate_id(std::string_view id) {
    if (const auto colon = id.find(':'); colon != std::string_view::npos) id.remove_prefix(colon + 1);
    return std::string(id.substr(0, 12));
}

std::string ellipsis(std::string_view text, std::size_t width) {
    const std::string whole(text);
    if (display_width(whole) <= width) return whole;
    if (width == 0) return {};
    // Cut after width-1 code points (UTF-8 lead bytes), then add the mark.
    std::size_t kept = 0;
    std::size_t i = 0;
    for (; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            if (kept == width - 1) break;
            ++kept;
        }
    }
    return std::string(text.substr(0, i)) + "\u2026";
}

}  // namespace berth::cli
