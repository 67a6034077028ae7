#include "confirm_prompt.h"

#include <istream>
#include <ostream>
#include <string>

namespace berth::cli {

bool confirm_prompt(const Console& console, std::string_view warning) {
    std::ostream& out = *console.out;
    out << warning << "\nAre you sure you want to continue? [y/N] ";
    out.flush();
    std::string answer;
    if (console.in == nullptr || !std::getline(*console.in, answer)) {
        out << '\n';
        return false;
    }
    while (!answer.empty() && (answer.back() == '\r' || answer.back() == ' ')) answer.pop_back();
    return answer == "y" || answer == "Y";
}

}  // namespace berth::cli
