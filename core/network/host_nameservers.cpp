#include "network/host_nameservers.h"

#include <fstream>
#include <sstream>

namespace berth::network {

std::vector<std::string> parse_nameservers(const std::string &text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string key, value;
        if (words >> key >> value && key == "nameserver") out.push_back(value);
    }
    return out;
}

std::vector<std::string> host_nameservers() {
    std::ifstream in("/etc/resolv.conf");
    if (!in) return {};
    std::ostringstream s;
    s << in.rdbuf();
    return parse_nameservers(s.str());
}

} // namespace berth::network
