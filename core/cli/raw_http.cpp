#include "raw_http.h"

#include <cerrno>
#include <cstring>
#include <strings.h>

#include <netdb.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "errors.h"
#include "cli_extensions.h"

namespace berth::cli {
namespace {

#ifdef BERTH_VERSION
constexpr std::string_view kUserAgent = "Berth-Client/" BERTH_VERSION;
#else
constexpr std::string_view kUserAgent = "Berth-Client";
#endif

[[noreturn]] void connect_failed(const DaemonAddress& addr, int err) {
    if (err == EACCES || err == EPERM)
        throw ConnectionError("permission denied while trying to connect to the Berth daemon socket at " +
                              addr.text + ": " + std::strerror(err));
    throw ConnectionError("Cannot connect to the Berth daemon at " + addr.text + ". Is berthd running?");
}

int connect_unix(const DaemonAddress& addr) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) connect_failed(addr, errno);
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    if (addr.socket_path.size() >= sizeof sa.sun_path) {
        ::close(fd);
        connect_failed(addr, ENAMETOOLONG);
    }
    std::memcpy(sa.sun_path, addr.socket_path.c_str(), addr.socket_path.size() + 1);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) != 0) {
        const int err = errno;
        ::close(fd);
        connect_failed(addr, err);
    }
    return fd;
}

int connect_tcp(const DaemonAddress& addr) {
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    if (::getaddrinfo(addr.host.c_str(), addr.port.c_str(), &hints, &found) != 0) connect_failed(addr, ENOENT);
    int err = ECONNREFUSED;
    for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
        const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) continue;
        if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0) {
            ::freeaddrinfo(found);
            return fd;
        }
        err = errno;
        ::close(fd);
    }
    ::freeaddrinfo(found);
    connect_failed(addr, err);
}

std::string trim(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r");
    return std::string(text.substr(first, last - first + 1));
}

}  // namespace

HttpHeaders upgrade_headers() { return {{"Connection", "Upgrade"}, {"Upgrade", "tcp"}}; }

RawHttpConnection::RawHttpConnection(const ClientConfig& config, std::string_view method, std::string_view target,
                                     std::string_view body, const HttpHeaders& headers)
    : address_text_(config.address.text) {
    fd_ = config.address.kind == DaemonAddress::Kind::Unix ? connect_unix(config.address)
                                                           : connect_tcp(config.address);
    if (config.tls && config.address.kind == DaemonAddress::Kind::Tcp)
        tls_ = cli_extensions().tls_client(*config.tls)->connect(fd_, config.address.host, address_text_);
    std::string request = std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: berth\r\n";
    request += "User-Agent: " + std::string(kUserAgent) + "\r\n";
    bool has_type = false;
    for (const auto& [key, value] : headers) {
        if (::strcasecmp(key.c_str(), "Content-Type") == 0) has_type = true;
        request += key + ": " + value + "\r\n";
    }
    if (!body.empty() && !has_type) request += "Content-Type: application/json\r\n";
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    request += body;
    if (!write_all(request))
        throw TransportError("error sending the request to the Berth daemon at " + address_text_ + ": " +
                             std::strerror(errno));

    std::size_t end;
    while ((end = buffered_.find("\r\n\r\n")) == std::string::npos)
        if (!read_more(buffered_))
            throw TransportError("error reading the reply from the Berth daemon at " + address_text_ +
                                 ": connection closed");
    const std::string head = buffered_.substr(0, end);
    buffered_.erase(0, end + 4);

    std::size_t line_end = head.find("\r\n");
    const std::string status_line = head.substr(0, line_end);
    const auto sp = status_line.find(' ');
    if (sp == std::string::npos)
        throw TransportError("malformed reply from the Berth daemon at " + address_text_);
    response_.status = std::atoi(status_line.c_str() + sp + 1);
    while (line_end != std::string::npos) {
        const std::size_t start = line_end + 2;
        line_end = head.find("\r\n", start);
        const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
        const auto colon = line.find(':');
        if (colon != std::string::npos) response_.headers.emplace_back(line.substr(0, colon), trim(line.substr(colon + 1)));
    }
}

RawHttpConnection::~RawHttpConnection() { close(); }

std::string RawHttpConnection::take_buffered() {
    std::string out;
    out.swap(buffered_);
    return out;
}

std::string RawHttpConnection::read_body() {
    std::string data = take_buffered();
    if (::strcasecmp(response_.header("Transfer-Encoding").c_str(), "chunked") == 0) {
        std::string body;
        std::size_t pos = 0;
        for (;;) {
            std::size_t eol;
            while ((eol = data.find("\r\n", pos)) == std::string::npos)
                if (!read_more(data)) return body;
            const std::size_t size = std::strtoul(data.c_str() + pos, nullptr, 16);
            pos = eol + 2;
            if (size == 0) return body;
            while (data.size() < pos + size + 2)
                if (!read_more(data)) return body + data.substr(pos);
            body.append(data, pos, size);
            pos += size + 2;
        }
    }
    if (const std::string length = response_.header("Content-Length"); !length.empty()) {
        const std::size_t want = std::strtoul(length.c_str(), nullptr, 10);
        while (data.size() < want)
            if (!read_more(data)) break;
        return data.substr(0, want);
    }
    while (read_more(data)) {
    }
    return data;
}

std::size_t RawHttpConnection::read_some(char* buffer, std::size_t capacity) {
    if (fd_ < 0) return 0;
    if (tls_) return tls_->read_some(buffer, capacity);
    for (;;) {
        const ssize_t n = ::read(fd_, buffer, capacity);
        if (n < 0 && errno == EINTR) continue;
        return n > 0 ? static_cast<std::size_t>(n) : 0;
    }
}

bool RawHttpConnection::write_all(std::string_view data) {
    if (fd_ < 0) return false;
    if (tls_) return tls_->write_all(data);
    while (!data.empty()) {
        const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool RawHttpConnection::has_pending() const { return tls_ && tls_->has_pending(); }

bool RawHttpConnection::read_more(std::string& buffer) {
    char chunk[16 * 1024];
    const std::size_t n = read_some(chunk, sizeof chunk);
    if (n == 0) return false;
    buffer.append(chunk, n);
    return true;
}

void RawHttpConnection::close_write() {
    if (fd_ < 0) return;
    if (tls_)
        tls_->close_write();
    else
        ::shutdown(fd_, SHUT_WR);
}

void RawHttpConnection::close() {
    tls_.reset();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
}

}  // namespace berth::cli
