#include "text_table.h"

#include <algorithm>
#include <ostream>
#include <utility>

namespace berth::cli {
namespace {

constexpr std::size_t kColumnGap = 2;

}  // namespace

TextTable::TextTable(std::vector<std::string> header) { rows_.push_back(std::move(header)); }

void TextTable::add_row(std::vector<std::string> row) {
    row.resize(std::max(row.size(), rows_.front().size()));
    rows_.push_back(std::move(row));
}

void TextTable::print(std::ostream& out) const {
    std::vector<std::size_t> widths;
    for (const auto& row : rows_) {
        if (widths.size() < row.size()) widths.resize(row.size(), 0);
        for (std::size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], display_width(row[i]));
    }
    for (const auto& row : rows_) {
        // Trailing empty cells would otherwise leave trailing spaces.
        std::size_t used = row.size();
        while (used > 0 && row[used - 1].empty()) --used;
        for (std::size_t i = 0; i < used; ++i) {
            out << row[i];
            if (i + 1 < used) out << std::string(widths[i] - display_width(row[i]) + kColumnGap, ' ');
        }
        out << '\n';
    }
}

std::size_t display_width(const std::string& text) {
    // Count every byte except UTF-8 continuation bytes (10xxxxxx).
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

}  // namespace berth::cli
