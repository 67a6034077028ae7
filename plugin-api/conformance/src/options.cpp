#include "options.hpp"

#include <cstdio>
#include <cstring>

namespace conformance {

namespace {

void usage(FILE *to) {
    std::fputs("usage: berth-plugin-conformance storage <plugin.so> [--home DIR] [--driver NAME]\n"
               "                                [--filter SUBSTR] [--list]\n"
               "\n"
               "Loads a Berth storage driver plugin and runs the storage conformance cases against it.\n"
               "  --home DIR       the driver's home_dir (default: a fresh directory under /var/tmp)\n"
               "  --driver NAME    which storage driver of the plugin (default: its first)\n"
               "  --filter SUBSTR  run only storage cases whose name contains SUBSTR\n"
               "                   (the load, descriptor and init checks always run)\n"
               "  --list           print the cases and exit\n"
               "\n"
               "Prints PASS/FAIL/SKIP <case> lines, then \"N passed, M failed\".\n"
               "Exit status: 0 all passed, 1 a case failed, 2 usage error,\n"
               "77 the driver's init returned PREREQ (not usable on this host).\n"
               "Needs root for most drivers (mounts, chown).\n",
               to);
}

} // namespace

bool parse_options(int argc, char **argv, Options &out, int &exit_code) {
    exit_code = 2;
    std::string positional[2];
    int npos = 0;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto value = [&](std::string &dst) {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "berth-plugin-conformance: %s needs a value\n", a.c_str());
                return false;
            }
            dst = argv[++i];
            return true;
        };
        if (a == "--help" || a == "-h") {
            usage(stdout);
            exit_code = 0;
            return false;
        } else if (a == "--list") {
            out.list = true;
        } else if (a == "--home" || a == "--driver" || a == "--filter") {
            std::string &dst = a == "--home" ? out.home : a == "--driver" ? out.driver : out.filter;
            if (!value(dst)) return false;
        } else if (!a.empty() && a[0] == '-') {
            std::fprintf(stderr, "berth-plugin-conformance: unknown option %s\n", a.c_str());
            usage(stderr);
            return false;
        } else if (npos < 2) {
            positional[npos++] = a;
        } else {
            std::fprintf(stderr, "berth-plugin-conformance: unexpected argument %s\n", a.c_str());
            usage(stderr);
            return false;
        }
    }
    out.kind = positional[0];
    out.plugin = positional[1];
    if (out.kind != "storage") {
        std::fprintf(stderr, "berth-plugin-conformance: %s\n",
                     out.kind.empty() ? "missing the plugin kind (storage)"
                                      : ("unsupported kind " + out.kind + " (only storage)").c_str());
        usage(stderr);
        return false;
    }
    if (out.plugin.empty() && !out.list) {
        std::fprintf(stderr, "berth-plugin-conformance: missing the plugin file\n");
        usage(stderr);
        return false;
    }
    return true;
}

} // namespace conformance
