#include "network/network.h"

namespace berth::network {

bool is_predefined_name(const std::string &name) {
    return name == kDefaultBridge || name == kHostNetwork || name == kNoneNetwork;
}

bool is_builtin_driver(const std::string &driver) { return driver == kHostDriver || driver == kNullDriver; }

} // namespace berth::network
