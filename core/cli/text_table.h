#pragma once

#include <iosfwd>
#include <string>
#include <vector>

// Column-aligned table output in the style of docker's `ls` commands: each
// column as wide as its widest cell, two spaces between columns, and no
// trailing padding so `awk`/`cut` users get clean lines.
namespace berth::cli {

class TextTable {
public:
    explicit TextTable(std::vector<std::string> header);

    // Rows shorter than the header are padded with empty cells.
    void add_row(std::vector<std::string> row);

    void print(std::ostream& out) const;

private:
    std::vector<std::vector<std::string>> rows_;  // rows_[0] is the header
};

// Number of terminal columns a UTF-8 string takes, assuming one per code
// point; good enough for names and paths, unlike a byte count.
std::size_t display_width(const std::string& text);

}  // namespace berth::cli
