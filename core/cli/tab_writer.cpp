#include "tab_writer.h"

#include <algorithm>
#include <ostream>
#include <utility>

#include "text_table.h"

namespace berth::cli {
namespace {

constexpr std::size_t kMinWidth = 10;
constexpr std::size_t kPadding = 3;

}  // namespace

void TabWriter::add_row(std::vector<std::string> cells) { rows_.push_back(std::move(cells)); }

void TabWriter::add_line(const std::string& line) {
    std::vector<std::string> cells;
    std::size_t start = 0;
    for (;;) {
        const std::size_t tab = line.find('\t', start);
        cells.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
        if (tab == std::string::npos) break;
        start = tab + 1;
    }
    rows_.push_back(std::move(cells));
}

void TabWriter::print(std::ostream& out) const {
    // Only cells followed by a tab (not a row's last) shape a column.
    std::vector<std::size_t> widths;
    for (const auto& row : rows_) {
        if (row.size() > widths.size() + 1) widths.resize(row.size() - 1, kMinWidth);
        for (std::size_t i = 0; i + 1 < row.size(); ++i)
            widths[i] = std::max(widths[i], display_width(row[i]) + kPadding);
    }
    for (const auto& row : rows_) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            out << row[i];
            if (i + 1 < row.size()) out << std::string(widths[i] - display_width(row[i]), ' ');
        }
        out << '\n';
    }
}

}  // namespace berth::cli
