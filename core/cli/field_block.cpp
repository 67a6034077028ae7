#include "field_block.h"

#include <algorithm>
#include <ostream>

namespace berth::cli {
namespace {

constexpr std::size_t kMinCellWidth = 20;
constexpr std::size_t kPadding = 1;

}  // namespace

void FieldBlock::add(std::string key, std::string value) { fields_.emplace_back(std::move(key) + ":", std::move(value)); }

void FieldBlock::print(std::ostream& out) const {
    std::size_t width = kMinCellWidth;
    for (const auto& [key, value] : fields_) width = std::max(width, indent_ + key.size() + kPadding);
    for (const auto& [key, value] : fields_) {
        const std::size_t used = indent_ + key.size();
        out << std::string(indent_, ' ') << key << std::string(width - used, ' ') << value << '\n';
    }
}

}  // namespace berth::cli
