#include "fake_engine.h"

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

std::string reason(int status) {
    switch (status) {
        case 101: return "UPGRADED";
        case 200: return "OK";
        case 201: return "Created";
        case 204: return "No Content";
        case 304: return "Not Modified";
        case 404: return "Not Found";
        case 409: return "Conflict";
        case 500: return "Internal Server Error";
        default: return "Status";
    }
}

}  // namespace

void send_bytes(int fd, const std::string& data) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::send(fd, data.data() + done, data.size() - done, MSG_NOSIGNAL);
        if (n <= 0) return;
        done += static_cast<std::size_t>(n);
    }
}

std::string read_until_eof(int fd) {
    std::string all;
    while (read_some(fd, all)) {
    }
    return all;
}

std::string EngineRequest::header(const std::string& name) const {
    for (const auto& [key, value] : headers)
        if (::strcasecmp(key.c_str(), name.c_str()) == 0) return value;
    return {};
}

std::string EngineRequest::path() const {
    std::string p = target.substr(0, target.find('?'));
    if (p.rfind("/v1.", 0) == 0) p.erase(0, p.find('/', 1));
    return p;
}

std::string EngineRequest::query() const {
    const auto q = target.find('?');
    return q == std::string::npos ? std::string() : target.substr(q + 1);
}

FakeEngine::FakeEngine(const std::filesystem::path& socket_path, Handler handler)
    : path_(socket_path), handler_(std::move(handler)) {
    listen_fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path_.c_str(), sizeof addr.sun_path - 1);
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(listen_fd_, 16) != 0 || ::pipe(wake_) != 0)
        throw std::runtime_error("fake engine: cannot listen on " + path_.string() + ": " + std::strerror(errno));
    thread_ = std::thread([this] { serve(); });
}

FakeEngine::~FakeEngine() {
    (void)!::write(wake_[1], "x", 1);
    thread_.join();
    for (auto& t : connections_) t.join();
    ::close(listen_fd_);
    ::close(wake_[0]);
    ::close(wake_[1]);
    std::error_code ec;
    std::filesystem::remove(path_, ec);
}

std::vector<EngineRequest> FakeEngine::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

std::vector<std::string> FakeEngine::request_lines() const {
    std::vector<std::string> lines;
    for (const auto& r : requests()) lines.push_back(r.method + " " + r.path());
    return lines;
}

void FakeEngine::await(const std::string& line) const {
    std::unique_lock lock(mutex_);
    arrived_.wait(lock, [&] {
        for (const auto& r : requests_)
            if (r.method + " " + r.path() == line) return true;
        return false;
    });
}

void FakeEngine::serve() {
    for (;;) {
        pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) continue;
        if (fds[1].revents != 0) return;
        const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) continue;
        connections_.emplace_back([this, fd] {
            handle(fd);
            ::close(fd);
        });
    }
}

void FakeEngine::handle(int fd) {
    std::string buffer;
    std::size_t header_end;
    while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos)
        if (!read_some(fd, buffer)) return;

    EngineRequest req;
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
    if (::strcasecmp(req.header("Transfer-Encoding").c_str(), "chunked") == 0) {
        for (;;) {
            std::size_t eol;
            while ((eol = buffer.find("\r\n", pos)) == std::string::npos)
                if (!read_some(fd, buffer)) return;
            const std::size_t size = std::stoul(buffer.substr(pos, eol - pos), nullptr, 16);
            pos = eol + 2;
            while (buffer.size() < pos + size + 2)
                if (!read_some(fd, buffer)) return;
            req.body.append(buffer, pos, size);
            pos += size + 2;
            if (size == 0) break;
        }
    } else if (const std::string length = req.header("Content-Length"); !length.empty()) {
        const std::size_t size = std::stoul(length);
        while (buffer.size() < pos + size)
            if (!read_some(fd, buffer)) return;
        req.body = buffer.substr(pos, size);
    }

    {
        std::lock_guard lock(mutex_);
        requests_.push_back(req);
    }
    arrived_.notify_all();
    const EngineReply reply = handler_(req);

    std::string out = "HTTP/1.1 " + std::to_string(reply.status) + " " + reason(reply.status) + "\r\n";
    if (!reply.content_type.empty()) out += "Content-Type: " + reply.content_type + "\r\n";
    for (const auto& [key, value] : reply.headers) out += key + ": " + value + "\r\n";
    if (reply.hijack) {
        out += "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
        send_bytes(fd, out);
        reply.hijack(fd);
        return;
    }
    out += "Connection: close\r\n";
    if (reply.late_body) {
        out += "Transfer-Encoding: chunked\r\n\r\n";
        send_bytes(fd, out);
        const std::string body = reply.late_body();
        char size[32];
        std::snprintf(size, sizeof size, "%zx\r\n", body.size());
        if (!body.empty()) send_bytes(fd, size + body + "\r\n");
        send_bytes(fd, "0\r\n\r\n");
        return;
    }
    out += "Content-Length: " + std::to_string(reply.body.size()) + "\r\n\r\n";
    if (req.method != "HEAD") out += reply.body;
    send_bytes(fd, out);
}
