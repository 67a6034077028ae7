#include "options.hpp"

#include <cstdlib>
#include <cstring>

namespace berth::shim {

bool parse_options(int argc, char **argv, Options &o, std::string &err) {
    auto number = [&](const char *s, int &out) {
        char *end = nullptr;
        long v = std::strtol(s, &end, 10);
        if (end == s || *end != '\0') return false;
        out = static_cast<int>(v);
        return true;
    };
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        bool *flag = a == "--terminal"     ? &o.terminal
                     : a == "--open-stdin" ? &o.open_stdin
                     : a == "--stdin-once" ? &o.stdin_once
                     : a == "--start"      ? &o.start
                                           : nullptr;
        if (flag != nullptr) {
            *flag = true;
            continue;
        }
        if (i + 1 >= argc) {
            err = "option " + a + " needs a value";
            return false;
        }
        const char *v = argv[++i];
        int n = 0;
        if (a == "--id") o.id = v;
        else if (a == "--bundle") o.bundle = v;
        else if (a == "--dir") o.dir = v;
        else if (a == "--runtime") o.runtime = v;
        else if (a == "--runtime-arg") o.runtime_args.emplace_back(v);
        else if (a == "--log-library") o.log_library = v;
        else if (a == "--log-driver") o.log_driver = v;
        else if (a == "--log-info") o.log_info_file = v;
        else if (a == "--log-plugin-config") o.log_plugin_config = v;
        else if (a == "--ready-fd" && number(v, n)) o.ready_fd = n;
        else if (a == "--stdin" && number(v, n)) o.stdin_fd = n;
        else if (a == "--stdout" && number(v, n)) o.stdout_fd = n;
        else if (a == "--stderr" && number(v, n)) o.stderr_fd = n;
        else if (a == "--rows" && number(v, n)) o.rows = static_cast<unsigned>(n);
        else if (a == "--cols" && number(v, n)) o.cols = static_cast<unsigned>(n);
        else {
            err = "bad option " + a + " " + v;
            return false;
        }
    }
    if (o.id.empty() || o.bundle.empty() || o.dir.empty() || o.runtime.empty()) {
        err = "--id, --bundle, --dir and --runtime are required";
        return false;
    }
    if (!o.log_library.empty() && o.log_info_file.empty()) {
        err = "--log-library needs --log-info";
        return false;
    }
    return true;
}

} // namespace berth::shim
