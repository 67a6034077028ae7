#pragma once

#include <iosfwd>
#include <string>
#include <utility>
#include <vector>

// "Key:   value" lines as `docker version` prints them: a tabwriter with a
// minimum cell width of 20 and one space of padding, so values line up at
// column 20 unless a key is longer than that.
namespace berth::cli {

class FieldBlock {
public:
    // indent is the number of leading spaces before the key.
    explicit FieldBlock(std::size_t indent) : indent_(indent) {}

    // key is given without the colon.
    void add(std::string key, std::string value);

    void print(std::ostream& out) const;

private:
    std::size_t indent_;
    std::vector<std::pair<std::string, std::string>> fields_;
};

}  // namespace berth::cli
