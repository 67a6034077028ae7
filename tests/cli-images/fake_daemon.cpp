#include "fake_daemon.h"

#include <cstring>
#include <stdexcept>
#include <strings.h>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace {

bool read_some(int fd, std::string& buffer) {
    char chunk[4096];
    const ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
}

void write_all(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

// Reads until `buffer` holds at least `want` bytes from `pos`.
bool fill(int fd, std::string& buffer, std::size_t want) {
    while (buffer.size() < want)
        if (!read_some(fd, buffer)) return false;
    return true;
}

std::string reason(int status) {
    switch (status) {
        case 200: return "OK";
        case 201: return "Created";
        case 404: return "Not Found";
        case 409: return "Conflict";
        case 500: return "Internal Server Error";
        default: return "Status";
    }
}

}  // namespace

std::string FakeRequest::header(const std::string& name) const {
    for (const auto& [key, value] : headers)
        if (::strcasecmp(key.c_str(), name.c_str()) == 0) return value;
    return {};
}

FakeDaemon::FakeDaemon(const std::filesystem::path& socket_path, Handler handler)
    : path_(socket_path), handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 8) != 0 || ::pipe(wake_) != 0)
        throw std::runtime_error("fake daemon: cannot listen on " + path_.string() + ": " + std::strerror(errno));
    thread_ = std::thread([this] { serve(); });
}

FakeDaemon::~FakeDaemon() {
    (void)!::write(wake_[1], "x", 1);
    thread_.join();
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
    std::error_code ec;
    std::filesystem::remove(path_, ec);
}

std::vector<FakeRequest> FakeDaemon::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

void FakeDaemon::serve() {
    for (;;) {
        pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) continue;
        if (fds[1].revents != 0) return;
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        handle(fd);
        ::close(fd);
    }
}

void FakeDaemon::handle(int fd) {
    std::string buffer;
    std::size_t header_end;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos)
        if (!read_some(fd, buffer)) return;

    FakeRequest req;
    const std::string head = buffer.substr(0, header_end);
    std::size_t line_end = head.find("\r\n");
    const std::string request_line = head.substr(0, line_end);
    const auto sp1 = request_line.find(' ');
    const auto sp2 = request_line.find(' ', sp1 + 1);
    req.method = request_line.substr(0, sp1);
    req.target = request_line.substr(sp1 + 1, sp2 - sp1 - 1);
    while (line_end != std::string::npos && line_end < head.size()) {
        const std::size_t start = line_end + 2;
        line_end = head.find("\r\n", start);
        const std::string line = head.substr(start, line_end == std::string::npos ? std::string::npos : line_end - start);
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.erase(0, 1);
        req.headers.emplace_back(line.substr(0, colon), value);
    }

    std::size_t pos = header_end + 4;
    if (req.header("Transfer-Encoding") == "chunked") {
        req.chunked = true;
        for (;;) {
            std::size_t eol;
            while ((eol = buffer.find("\r\n", pos)) == std::string::npos)
                if (!read_some(fd, buffer)) return;
            const std::size_t size = std::stoul(buffer.substr(pos, eol - pos), nullptr, 16);
            pos = eol + 2;
            if (!fill(fd, buffer, pos + size + 2)) return;
            req.body.append(buffer, pos, size);
            pos += size + 2;
            if (size == 0) break;
        }
    } else if (const std::string length = req.header("Content-Length"); !length.empty()) {
        const std::size_t size = std::stoul(length);
        if (!fill(fd, buffer, pos + size)) return;
        req.body = buffer.substr(pos, size);
    }

    const FakeResponse resp = handler_(req);
    {
        std::lock_guard lock(mutex_);
        requests_.push_back(req);
    }
    std::string out = "HTTP/1.1 " + std::to_string(resp.status) + " " + reason(resp.status) + "\r\n";
    if (!resp.content_type.empty()) out += "Content-Type: " + resp.content_type + "\r\n";
    out += "Connection: close\r\n";
    if (resp.chunks.size() > 1) {
        out += "Transfer-Encoding: chunked\r\n\r\n";
        write_all(fd, out);
        for (const auto& chunk : resp.chunks) {
            if (chunk.empty()) continue;
            char size[32];
            std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
            write_all(fd, size + chunk + "\r\n");
        }
        write_all(fd, "0\r\n\r\n");
        return;
    }
    const std::string body = resp.chunks.empty() ? std::string() : resp.chunks.front();
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    write_all(fd, out);
}
