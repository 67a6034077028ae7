#include "containers/service/signals.h"

#include "containers/store/errors.h"

#include <algorithm>
#include <csignal>
#include <map>

namespace berth::containers {

int parse_signal(const std::string &name) {
    static const std::map<std::string, int> names = {
        {"ABRT", SIGABRT}, {"ALRM", SIGALRM}, {"BUS", SIGBUS},   {"CHLD", SIGCHLD}, {"CONT", SIGCONT},
        {"FPE", SIGFPE},   {"HUP", SIGHUP},   {"ILL", SIGILL},   {"INT", SIGINT},   {"IO", SIGIO},
        {"IOT", SIGIOT},   {"KILL", SIGKILL}, {"PIPE", SIGPIPE}, {"POLL", SIGPOLL}, {"PROF", SIGPROF},
        {"PWR", SIGPWR},   {"QUIT", SIGQUIT}, {"SEGV", SIGSEGV}, {"STKFLT", SIGSTKFLT},
        {"STOP", SIGSTOP}, {"SYS", SIGSYS},   {"TERM", SIGTERM}, {"TRAP", SIGTRAP}, {"TSTP", SIGTSTP},
        {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU}, {"URG", SIGURG},   {"USR1", SIGUSR1}, {"USR2", SIGUSR2},
        {"VTALRM", SIGVTALRM}, {"WINCH", SIGWINCH}, {"XCPU", SIGXCPU}, {"XFSZ", SIGXFSZ}};
    const auto bad = [&] { return InvalidArgument("invalid signal: " + name); };
    if (name.empty()) throw bad();
    if (std::all_of(name.begin(), name.end(), ::isdigit)) {
        if (name.size() > 3) throw bad();
        const int n = std::stoi(name);
        if (n <= 0 || n > SIGRTMAX) throw bad();
        return n;
    }
    std::string n = name;
    std::transform(n.begin(), n.end(), n.begin(), ::toupper);
    if (n.rfind("SIG", 0) == 0) n = n.substr(3);
    if (auto it = names.find(n); it != names.end()) return it->second;
    // RTMIN+n / RTMAX-n
    const auto rt = [&](const std::string &base, int origin, int dir) -> int {
        if (n == base) return origin;
        if (n.rfind(base, 0) != 0 || n.size() < base.size() + 2) throw bad();
        const char sign = n[base.size()];
        if ((dir > 0 && sign != '+') || (dir < 0 && sign != '-')) throw bad();
        const std::string digits = n.substr(base.size() + 1);
        if (!std::all_of(digits.begin(), digits.end(), ::isdigit) || digits.size() > 2) throw bad();
        const int v = origin + dir * std::stoi(digits);
        if (v < SIGRTMIN || v > SIGRTMAX) throw bad();
        return v;
    };
    if (n.rfind("RTMIN", 0) == 0) return rt("RTMIN", SIGRTMIN, 1);
    if (n.rfind("RTMAX", 0) == 0) return rt("RTMAX", SIGRTMAX, -1);
    throw bad();
}

} // namespace berth::containers
