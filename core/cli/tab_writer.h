#pragma once

#include <iosfwd>
#include <string>
#include <vector>

// The column layout of docker's formatted tables (`images`, `history`):
// Go's text/tabwriter as docker configures it (minimum cell width 10,
// padding 3). Every cell but a row's last is padded to its column's width;
// the last is written as is, so lines carry no trailing blanks.
//
// Differs from TextTable (two-space gaps) on purpose: these commands are
// diffed against docker's output by users and tests.
namespace berth::cli {

class TabWriter {
public:
    void add_row(std::vector<std::string> cells);

    // Splits a line on '\t' into cells, as a rendered "table" template is.
    void add_line(const std::string& line);

    void print(std::ostream& out) const;

private:
    std::vector<std::vector<std::string>> rows_;
};

}  // namespace berth::cli
