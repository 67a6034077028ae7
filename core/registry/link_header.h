// link_header.h — internal: the rel="next" target of an RFC 8288 Link header,
// which registries use to page tag lists.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace berth::registry::detail {

// `</v2/x/tags/list?last=b&n=2>; rel="next"` → "/v2/x/tags/list?last=b&n=2".
std::optional<std::string> next_link(std::string_view header);

} // namespace berth::registry::detail
