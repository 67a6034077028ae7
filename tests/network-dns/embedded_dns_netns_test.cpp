// The embedded DNS in a real network namespace (root only): a child
// process unshares a fresh namespace (lo down, nothing bound), the server
// binds 127.0.0.11:53 inside it, and the child's queries get answers. The
// namespace has no name and dies with the child and the server's sockets,
// so nothing can be left behind.
#include "dns_test_client.h"
#include "network/dns/embedded_dns.h"

#include <gtest/gtest.h>

#include <dirent.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

namespace berth::network::dns {
namespace {

using testing::Bytes;

constexpr std::uint16_t kA = 1;

// A child in its own network namespace that, once told, asks 127.0.0.11
// over UDP and TCP and writes both replies back (length-prefixed).
class NamespaceChild {
public:
    NamespaceChild(const Bytes &query) {
        if (::pipe(ready_) != 0 || ::pipe(go_) != 0 || ::pipe(results_) != 0) return;
        pid_ = ::fork();
        if (pid_ == 0) run_child(query);
        ::close(ready_[1]);
        ::close(go_[0]);
        ::close(results_[1]);
        char status = 0;
        if (::read(ready_[0], &status, 1) != 1 || status != 'r') unshared_ = false;
    }

    ~NamespaceChild() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
        }
        for (int fd : {ready_[0], go_[1], results_[0]}) ::close(fd);
    }

    bool started() const { return pid_ > 0 && unshared_; }
    std::string netns_path() const { return "/proc/" + std::to_string(pid_) + "/ns/net"; }

    // Tells the child to query and returns {udp reply, tcp reply}; the
    // child then waits until this object is destroyed.
    std::pair<Bytes, Bytes> query() {
        (void)!::write(go_[1], "g", 1);
        Bytes udp = read_result();
        Bytes tcp = read_result();
        return {udp, tcp};
    }

private:
    [[noreturn]] void run_child(const Bytes &query) {
        ::close(ready_[0]);
        ::close(go_[1]);
        ::close(results_[0]);
        const char status = ::unshare(CLONE_NEWNET) == 0 ? 'r' : 'e';
        (void)!::write(ready_[1], &status, 1);
        char go = 0;
        if (status != 'r' || ::read(go_[0], &go, 1) != 1) ::_exit(1);
        for (const auto &reply : {testing::udp_exchange("127.0.0.11", 53, query),
                                  testing::tcp_exchange("127.0.0.11", 53, query)}) {
            const Bytes bytes = reply.value_or(Bytes{});
            const std::uint32_t size = static_cast<std::uint32_t>(bytes.size());
            (void)!::write(results_[1], &size, sizeof size);
            if (size) (void)!::write(results_[1], bytes.data(), size);
        }
        // Stay (and keep the namespace) until the parent lets go.
        (void)!::read(go_[0], &go, 1);
        ::_exit(0);
    }

    Bytes read_result() {
        std::uint32_t size = 0;
        if (::read(results_[0], &size, sizeof size) != sizeof size) return {};
        Bytes bytes(size);
        std::size_t done = 0;
        while (done < size) {
            const ssize_t got = ::read(results_[0], bytes.data() + done, size - done);
            if (got <= 0) return {};
            done += static_cast<std::size_t>(got);
        }
        return bytes;
    }

    pid_t pid_ = -1;
    bool unshared_ = true;
    int ready_[2] = {-1, -1};
    int go_[2] = {-1, -1};
    int results_[2] = {-1, -1};
};

ino_t netns_inode(const std::string &path) {
    struct stat status {};
    return ::stat(path.c_str(), &status) == 0 ? status.st_ino : 0;
}

// Every thread of this process is still in its original namespace.
bool all_threads_in(ino_t netns) {
    DIR *tasks = ::opendir("/proc/self/task");
    if (tasks == nullptr) return false;
    bool all = true;
    while (const dirent *entry = ::readdir(tasks)) {
        if (entry->d_name[0] == '.') continue;
        all = all && netns_inode(std::string("/proc/self/task/") + entry->d_name + "/ns/net") == netns;
    }
    ::closedir(tasks);
    return all;
}

TEST(EmbeddedDnsNamespace, AnswersInsideARealNetworkNamespace) {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root to create a network namespace and setns into it";
    const Bytes query = testing::make_query("web.mynet", kA, 0x2a2a);
    NamespaceChild child(query);
    if (!child.started()) GTEST_SKIP() << "unshare(CLONE_NEWNET) failed: " << std::strerror(errno);

    const ino_t own_netns = netns_inode("/proc/self/ns/net");
    std::string asked_by;
    EmbeddedDns dns(
        [&](const std::string &sandbox, const std::string &name) {
            asked_by = sandbox;
            return name == "web.mynet" ? std::vector<std::string>{"10.89.0.7"} : std::vector<std::string>{};
        },
        {});
    dns.add_sandbox("ctr-netns", child.netns_path());
    EXPECT_TRUE(all_threads_in(own_netns)) << "a berthd thread stayed in the container's namespace";
    ASSERT_TRUE(dns.listening_ports("ctr-netns"));
    EXPECT_EQ(dns.listening_ports("ctr-netns")->udp, 53);

    const auto [udp, tcp] = child.query();
    const auto udp_reply = testing::read_reply(udp);
    ASSERT_TRUE(udp_reply) << "no UDP reply inside the namespace";
    EXPECT_EQ(udp_reply->id, 0x2a2a);
    ASSERT_EQ(udp_reply->answers.size(), 1u);
    EXPECT_EQ(udp_reply->answers[0].data, "10.89.0.7");
    const auto tcp_reply = testing::read_reply(tcp);
    ASSERT_TRUE(tcp_reply) << "no TCP reply inside the namespace";
    EXPECT_EQ(tcp_reply->answers.at(0).data, "10.89.0.7");
    EXPECT_EQ(asked_by, "ctr-netns");

    // The same namespace under the same id: nothing to rebind.
    dns.add_sandbox("ctr-netns", child.netns_path());
    dns.remove_sandbox("ctr-netns");
}

} // namespace
} // namespace berth::network::dns
