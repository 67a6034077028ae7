#include "api/http_server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <openssl/pem.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <grp.h>
#include <limits>
#include <list>
#include <optional>
#include <mutex>
#include <sys/socket.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace berth::api {
namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using unix_socket = net::local::stream_protocol;
using tcp = net::ip::tcp;

namespace {

// Request bodies above this are refused with 413 (build contexts and image
// loads will stream instead of buffering when they arrive).
constexpr uint64_t kBodyLimit = 64ull << 20;

std::string lower(std::string s) {
    for (auto &c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Who is on the other end of a connection, as requests carry it.
struct PeerIdentity {
    std::string user;         // "uid:<n>" over unix, the certificate's CN over TLS
    std::string authn_method; // "unix" or "TLS"
    std::string certs_pem;    // TLS only: the client's certificate chain
};

template <class Stream>
class BeastResponseStream : public ResponseStream {
public:
    BeastResponseStream(Stream &s, beast::flat_buffer &buf, bool chunked)
        : stream_(s), buffer_(buf), chunked_(chunked) {}
    bool write(std::string_view data) override {
        if (data.empty()) return ok_;
        beast::error_code ec;
        if (chunked_)
            net::write(stream_, http::make_chunk(net::const_buffer(data.data(), data.size())), ec);
        else
            net::write(stream_, net::const_buffer(data.data(), data.size()), ec);
        if (ec) ok_ = false;
        return ok_;
    }
    size_t read_some(char *buf, size_t len) override {
        // Bytes the HTTP parser already buffered come first.
        if (buffer_.size() > 0) {
            const size_t n = net::buffer_copy(net::buffer(buf, len), buffer_.data());
            buffer_.consume(n);
            return n;
        }
        beast::error_code ec;
        const size_t n = stream_.read_some(net::buffer(buf, len), ec);
        return ec ? 0 : n;
    }
    void shutdown_read() override {
        ::shutdown(beast::get_lowest_layer(stream_).native_handle(), SHUT_RD);
    }
    void finish() {
        beast::error_code ec;
        if (chunked_ && ok_) net::write(stream_, http::make_chunk_last(), ec);
    }

private:
    Stream &stream_;
    beast::flat_buffer &buffer_;
    bool chunked_;
    bool ok_ = true;
};

// Answer what we can (a too-large body or head, a malformed head); the
// caller then closes the connection.
template <class Stream>
void reply_and_close(Stream &stream, bool too_big, const beast::error_code &ec) {
    // A head over the limit is 431, as Go's net/http answers one (over its
    // own, larger limit); a body over it is 413.
    const bool head_too_big = ec == http::error::header_limit;
    const auto status = too_big        ? http::status::payload_too_large
                        : head_too_big ? http::status::request_header_fields_too_large
                                       : http::status::bad_request;
    http::response<http::string_body> res{status, 11};
    res.set(http::field::content_type, "application/json");
    res.body() = error_body(too_big        ? "request body is larger than the daemon accepts"
                            : head_too_big ? "request header fields are larger than the daemon accepts"
                                           : "malformed HTTP request: " + ec.message());
    res.prepare_payload();
    res.keep_alive(false);
    beast::error_code ignored;
    http::write(stream, res, ignored);
}

// Serve requests on one connection until it closes or asks to.
template <class Stream>
void serve(Stream &stream, const Router &router, const PeerIdentity &peer) {
    beast::flat_buffer buffer;
    for (;;) {
        // The head first: whether the body is read here (bounded) or by
        // the handler as it arrives depends on the route.
        http::request_parser<http::empty_body> head_parser;
        head_parser.header_limit(64 * 1024);
        head_parser.body_limit(std::numeric_limits<std::uint64_t>::max());
        beast::error_code ec;
        http::read_header(stream, buffer, head_parser, ec);
        if (ec == http::error::end_of_stream || ec == net::error::eof || ec == net::error::connection_reset)
            return;
        if (ec) {
            reply_and_close(stream, false, ec);
            return;
        }
        const std::string method_str(head_parser.get().method_string());
        const std::string target_str(head_parser.get().target());
        const bool streamed = router.streams_body(method_str, target_str);

        Request request;
        std::optional<http::request_parser<http::string_body>> whole;
        std::optional<http::request_parser<http::buffer_body>> pieces;
        const http::request_header<> *head_fields = nullptr;
        if (streamed) {
            pieces.emplace(std::move(head_parser));
            head_fields = &pieces->get();
            request.body_reader = [&stream, &buffer, &pieces](char *out, size_t len) -> size_t {
                auto &p = *pieces;
                while (!p.is_done()) {
                    p.get().body().data = out;
                    p.get().body().size = len;
                    beast::error_code rec;
                    http::read(stream, buffer, p, rec);
                    if (rec == http::error::need_buffer) rec = {};
                    if (rec) throw std::runtime_error("reading the request body: " + rec.message());
                    const size_t n = len - p.get().body().size;
                    if (n > 0) return n;
                }
                return 0;
            };
        } else {
            // Checked here, not by the body parser: the head was parsed
            // without a limit, so a Content-Length beyond it would otherwise
            // be trusted (and reserved) as it stands.
            if (const auto length = head_parser.content_length(); length && *length > kBodyLimit) {
                reply_and_close(stream, true, ec);
                return;
            }
            whole.emplace(std::move(head_parser));
            whole->body_limit(kBodyLimit);
            http::read(stream, buffer, *whole, ec);
            if (ec) {
                reply_and_close(stream, ec == http::error::body_limit, ec);
                return;
            }
            head_fields = &whole->get();
            request.body = std::move(whole->get().body());
        }
        const auto &req = *head_fields;
        request.method = method_str;
        request.target = target_str;
        for (const auto &f : req) request.headers[lower(std::string(f.name_string()))] = std::string(f.value());
        request.user = peer.user;
        request.authn_method = peer.authn_method;
        request.peer_certs_pem = peer.certs_pem;
        // A streamed body the handler did not drain would be read as the
        // next request: such connections end after the response.
        const bool keep_alive = !streamed && whole->keep_alive();
        const bool head = req.method() == http::verb::head;

        Response response = router.dispatch(request);

        if (response.stream) {
            http::response<http::empty_body> res{static_cast<http::status>(response.status), 11};
            if (!response.content_type.empty()) res.set(http::field::content_type, response.content_type);
            for (const auto &[k, v] : response.headers) res.set(k, v);
            if (response.hijack) {
                res.set(http::field::connection, "Upgrade");
                res.set(http::field::upgrade, "tcp");
            } else {
                res.chunked(true);
            }
            http::response_serializer<http::empty_body> sr{res};
            http::write_header(stream, sr, ec);
            if (ec) return;
            BeastResponseStream<Stream> out(stream, buffer, !response.hijack);
            response.stream(out);
            out.finish();
            return; // streams and hijacks end the connection
        }

        http::response<http::string_body> res{static_cast<http::status>(response.status), 11};
        if (!response.content_type.empty()) res.set(http::field::content_type, response.content_type);
        for (const auto &[k, v] : response.headers) res.set(k, v);
        res.body() = head ? std::string() : std::move(response.body);
        res.prepare_payload();
        res.keep_alive(keep_alive);
        http::write(stream, res, ec);
        if (ec || !keep_alive) return;
    }
}

PeerIdentity unix_peer(int fd) {
    ucred cred{};
    socklen_t len = sizeof cred;
    PeerIdentity peer;
    peer.authn_method = "unix";
    peer.user = ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 ? "uid:" + std::to_string(cred.uid)
                                                                             : "uid:unknown";
    return peer;
}

void append_pem(BIO *out, X509 *cert) {
    if (cert != nullptr) PEM_write_bio_X509(out, cert);
}

// The verified client's CN is the user; its certificate (and whatever
// intermediates it sent) go to authz plugins in PEM, as moby hands them the
// peer certificates.
PeerIdentity tls_peer(SSL *ssl) {
    PeerIdentity peer;
    peer.authn_method = "TLS";
    X509 *cert = SSL_get1_peer_certificate(ssl);
    if (cert == nullptr) return peer;
    char cn[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
    peer.user = cn;
    BIO *out = BIO_new(BIO_s_mem());
    if (out != nullptr) {
        append_pem(out, cert);
        // On the server side the chain excludes the leaf written above.
        if (STACK_OF(X509) *chain = SSL_get_peer_cert_chain(ssl))
            for (int i = 0; i < sk_X509_num(chain); ++i) append_pem(out, sk_X509_value(chain, i));
        char *data = nullptr;
        const long n = BIO_get_mem_data(out, &data);
        if (n > 0) peer.certs_pem.assign(data, static_cast<size_t>(n));
        BIO_free(out);
    }
    X509_free(cert);
    return peer;
}

} // namespace

struct HttpServer::Impl {
    const Router &router;
    TlsFiles tls;
    net::io_context io;
    std::unique_ptr<net::ssl::context> ssl_ctx;

    struct Listener {
        std::string address;
        std::string unix_path; // empty for tcp
        std::unique_ptr<unix_socket::acceptor> unix_acceptor;
        std::unique_ptr<tcp::acceptor> tcp_acceptor;
        std::thread thread;
    };
    std::list<Listener> listeners;

    std::mutex mutex;
    std::condition_variable idle;
    std::list<int> open_fds; // connections to shut down on stop
    size_t sessions = 0;
    std::atomic<bool> stopping{false};

    Impl(const Router &r, TlsFiles t) : router(r), tls(std::move(t)) {}

    void track(int fd, bool add) {
        std::lock_guard lock(mutex);
        if (add) {
            open_fds.push_back(fd);
            ++sessions;
        } else {
            open_fds.remove(fd);
            if (--sessions == 0) idle.notify_all();
        }
    }

    // Accept on one listener until stop(); each connection gets a thread
    // that runs handle(socket) and is tracked so stop() can end it.
    template <class Acceptor, class Socket, class Handle>
    void accept_loop(Listener &l, Acceptor &acceptor, Handle handle) {
        for (;;) {
            Socket sock(io);
            beast::error_code ec;
            acceptor.accept(sock, ec);
            if (stopping) return;
            if (ec) {
                spdlog::warn("accept on {}: {}", l.address, ec.message());
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                continue;
            }
            const int fd = sock.native_handle();
            track(fd, true);
            std::thread([this, handle, s = std::move(sock), fd]() mutable {
                try {
                    handle(s, fd);
                } catch (const std::exception &e) {
                    spdlog::debug("connection ended: {}", e.what());
                }
                track(fd, false);
            }).detach();
        }
    }

    void accept_unix(Listener &l) {
        accept_loop<unix_socket::acceptor, unix_socket::socket>(
            l, *l.unix_acceptor, [this](unix_socket::socket &s, int fd) {
                serve(s, router, unix_peer(fd));
                beast::error_code ignored;
                s.shutdown(unix_socket::socket::shutdown_both, ignored);
            });
    }

    void accept_tcp(Listener &l) {
        accept_loop<tcp::acceptor, tcp::socket>(l, *l.tcp_acceptor, [this](tcp::socket &s, int) {
            net::ssl::stream<tcp::socket> stream(std::move(s), *ssl_ctx);
            beast::error_code hec;
            stream.handshake(net::ssl::stream_base::server, hec);
            if (hec) {
                // No valid client certificate: the connection ends here.
                spdlog::info("TLS handshake refused: {}", hec.message());
                return;
            }
            serve(stream, router, tls_peer(stream.native_handle()));
            beast::error_code ignored;
            stream.shutdown(ignored);
        });
    }

    void listen_unix(const std::string &address, const std::string &path) {
        Listener l;
        l.address = address;
        l.unix_path = path;
        // A leftover socket file from a crash is removed; a live one means
        // another daemon serves this address.
        struct stat st {};
        if (::lstat(path.c_str(), &st) == 0) {
            unix_socket::socket probe(io);
            beast::error_code ec;
            probe.connect(unix_socket::endpoint(path), ec);
            if (!ec) throw std::runtime_error("cannot listen on " + address + ": another daemon is serving it");
            ::unlink(path.c_str());
        }
        const auto dir = path.substr(0, path.rfind('/'));
        if (!dir.empty()) std::filesystem::create_directories(dir);
        const mode_t old_mask = ::umask(0117); // the socket is born 0660
        try {
            l.unix_acceptor = std::make_unique<unix_socket::acceptor>(io, unix_socket::endpoint(path));
        } catch (const std::exception &e) {
            ::umask(old_mask);
            throw std::runtime_error("cannot listen on " + address + ": " + e.what());
        }
        ::umask(old_mask);
        ::chmod(path.c_str(), 0660);
        if (const group *g = ::getgrnam("berth")) {
            if (::chown(path.c_str(), 0, g->gr_gid) != 0)
                spdlog::warn("cannot give {} to group berth: {}", path, strerror(errno));
        }
        listeners.push_back(std::move(l));
    }

    void listen_tcp(const std::string &address, const std::string &hostport) {
        if (tls.ca_cert.empty() || tls.cert.empty() || tls.key.empty())
            throw std::runtime_error("cannot listen on " + address +
                                     ": TCP needs mutual TLS (--tlsverify --tlscacert --tlscert --tlskey)");
        if (!ssl_ctx) {
            ssl_ctx = std::make_unique<net::ssl::context>(net::ssl::context::tls_server);
            ssl_ctx->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                                 net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                                 net::ssl::context::no_tlsv1_1);
            try {
                ssl_ctx->use_certificate_chain_file(tls.cert);
                ssl_ctx->use_private_key_file(tls.key, net::ssl::context::pem);
                ssl_ctx->load_verify_file(tls.ca_cert);
            } catch (const std::exception &e) {
                throw std::runtime_error("cannot load TLS files for " + address + ": " + e.what());
            }
            ssl_ctx->set_verify_mode(net::ssl::verify_peer | net::ssl::verify_fail_if_no_peer_cert);
        }
        // host[:port] or [v6][:port]; TCP is always TLS here, so a missing
        // port is dockerd's TLS port, 2376.
        std::string host = hostport, port_text = "2376";
        if (!hostport.empty() && hostport.front() == '[') {
            const auto close = hostport.find(']');
            if (close == std::string::npos) throw std::runtime_error("invalid address " + address + ": missing ']'");
            host = hostport.substr(1, close - 1);
            if (close + 1 < hostport.size()) {
                if (hostport[close + 1] != ':') throw std::runtime_error("invalid address " + address + ": want tcp://[v6]:port");
                port_text = hostport.substr(close + 2);
            }
        } else if (const auto colon = hostport.rfind(':'); colon != std::string::npos) {
            host = hostport.substr(0, colon);
            port_text = hostport.substr(colon + 1);
        }
        if (host.empty()) host = "0.0.0.0";
        Listener l;
        l.address = address;
        try {
            if (port_text.empty() || port_text.find_first_not_of("0123456789") != std::string::npos || port_text.size() > 5 ||
                std::stoi(port_text) > 65535)
                throw std::runtime_error("invalid port \"" + port_text + "\"");
            const auto port = static_cast<unsigned short>(std::stoi(port_text));
            tcp::endpoint ep(net::ip::make_address(host), port);
            l.tcp_acceptor = std::make_unique<tcp::acceptor>(io, ep, /*reuse_address=*/true);
        } catch (const std::exception &e) {
            throw std::runtime_error("cannot listen on " + address + ": " + e.what());
        }
        listeners.push_back(std::move(l));
    }
};

HttpServer::HttpServer(const Router &router, TlsFiles tls)
    : impl_(std::make_unique<Impl>(router, std::move(tls))) {}

HttpServer::~HttpServer() { stop(); }

void HttpServer::listen(const std::string &address) {
    if (address.rfind("unix://", 0) == 0) {
        const std::string path = address.substr(7);
        if (path.empty() || path[0] != '/') throw std::runtime_error("invalid address " + address + ": want unix:///absolute/path");
        impl_->listen_unix(address, path);
    } else if (address.rfind("tcp://", 0) == 0) {
        impl_->listen_tcp(address, address.substr(6));
    } else {
        throw std::runtime_error("invalid address " + address + ": want unix:///path or tcp://host:port");
    }
    spdlog::info("API listening on {}", address);
}

void HttpServer::start() {
    for (auto &l : impl_->listeners) {
        if (l.unix_acceptor)
            l.thread = std::thread([this, &l] { impl_->accept_unix(l); });
        else
            l.thread = std::thread([this, &l] { impl_->accept_tcp(l); });
    }
}

void HttpServer::stop() {
    if (impl_->stopping.exchange(true)) return;
    for (auto &l : impl_->listeners) {
        // shutdown() wakes a thread blocked in accept() on Linux.
        if (l.unix_acceptor) ::shutdown(l.unix_acceptor->native_handle(), SHUT_RDWR);
        if (l.tcp_acceptor) ::shutdown(l.tcp_acceptor->native_handle(), SHUT_RDWR);
    }
    for (auto &l : impl_->listeners)
        if (l.thread.joinable()) l.thread.join();
    {
        std::unique_lock lock(impl_->mutex);
        for (int fd : impl_->open_fds) ::shutdown(fd, SHUT_RDWR);
        impl_->idle.wait_for(lock, std::chrono::seconds(5), [&] { return impl_->sessions == 0; });
    }
    for (auto &l : impl_->listeners) {
        beast::error_code ec;
        if (l.unix_acceptor) l.unix_acceptor->close(ec);
        if (l.tcp_acceptor) l.tcp_acceptor->close(ec);
        if (!l.unix_path.empty()) ::unlink(l.unix_path.c_str());
    }
}

} // namespace berth::api
