// go_format.h — Go's formatting of string slices as it shows through
// Docker's build history: `%q` (`CMD ["sh" "-c" "x"]`) and `%v`
// (`VOLUME [/data]`). Single strings use dockerfile/go_text.h's go_quote.
#pragma once

#include <string>
#include <vector>

namespace berth::build {

std::string go_quote_list(const std::vector<std::string> &items); // ["a" "b"]
std::string go_plain_list(const std::vector<std::string> &items); // [a b]

} // namespace berth::build
