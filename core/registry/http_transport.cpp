// The only file that includes cpp-httplib on the client side. Debian builds
// the library with OpenSSL, zlib and brotli; the same CPPHTTPLIB_* macros
// come from its pkg-config file (see sources.cmake) so the class layouts
// here match the shared library's.
#include "registry/http_transport.h"

#include "registry/endpoint.h"
#include "registry/errors.h"

#include <httplib.h>
#include <openssl/x509.h>

#include <cctype>
#include <exception>
#include <map>
#include <mutex>

namespace berth::registry::detail {
namespace {

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    return true;
}

// Idle connections kept per origin; more concurrent requests than this
// still work, their connections are just closed afterwards.
constexpr std::size_t kMaxIdlePerOrigin = 8;

std::string describe(httplib::Error e) {
    switch (e) {
    case httplib::Error::Connection: return "connection failed (refused or unreachable)";
    case httplib::Error::BindIPAddress: return "cannot bind the local address";
    case httplib::Error::Read: return "connection closed or reset while reading the reply";
    case httplib::Error::Write: return "connection closed or reset while sending the request";
    case httplib::Error::ExceedRedirectCount: return "too many redirects";
    case httplib::Error::Canceled: return "canceled";
    case httplib::Error::SSLConnection: return "TLS handshake failed";
    case httplib::Error::SSLLoadingCerts: return "cannot load CA certificates";
    case httplib::Error::SSLServerVerification: return "TLS certificate verification failed";
    case httplib::Error::ConnectionTimeout: return "connection timed out";
    case httplib::Error::Compression: return "cannot decode the compressed reply";
    default: return "request failed";
    }
}

HttpHeaders to_headers(const httplib::Headers &h) {
    HttpHeaders out;
    for (const auto &[k, v] : h) out.emplace_back(k, v);
    return out;
}

HttpResponse to_response(const httplib::Response &r) {
    HttpResponse out;
    out.status = r.status;
    out.reason = r.reason;
    out.headers = to_headers(r.headers);
    return out;
}

} // namespace

std::string HttpResponse::header(std::string_view name) const {
    for (const auto &[k, v] : headers)
        if (iequals(k, name)) return v;
    return {};
}

std::vector<std::string> HttpResponse::header_values(std::string_view name) const {
    std::vector<std::string> out;
    for (const auto &[k, v] : headers)
        if (iequals(k, name)) out.push_back(v);
    return out;
}

// Connections per origin. A connection is owned by one request at a time;
// the mutex only guards the idle lists.
struct HttpTransport::Pool {
    struct Origin {
        TlsSettings tls;
        std::vector<std::unique_ptr<httplib::ClientImpl>> idle;
    };
    std::mutex mutex;
    std::map<std::string, Origin> origins;
};

namespace {

std::unique_ptr<httplib::ClientImpl> make_client(const Url &url, const TlsSettings &tls, const RegistryConfig &cfg) {
    std::unique_ptr<httplib::ClientImpl> client;
    if (url.scheme == "https") {
        auto ssl = tls.client_cert.empty()
                       ? std::make_unique<httplib::SSLClient>(url.host, url.effective_port())
                       : std::make_unique<httplib::SSLClient>(url.host, url.effective_port(), tls.client_cert.string(),
                                                              tls.client_key.string());
        if (!ssl->is_valid()) {
            std::string why = "cannot set up TLS for " + url.host_port();
            if (!tls.client_cert.empty()) why += ": cannot load client certificate " + tls.client_cert.string();
            throw RegistryError(ErrorCategory::Invalid, why);
        }
        if (tls.verify) {
            // certs.d CAs go into this connection's own store; the system CAs
            // are added by cpp-httplib on first use (default verify paths).
            for (const auto &ca : tls.ca_files)
                if (SSL_CTX_load_verify_locations(ssl->ssl_context(), ca.c_str(), nullptr) != 1)
                    throw RegistryError(ErrorCategory::Invalid, "cannot load CA certificate " + ca.string());
        } else {
            ssl->enable_server_certificate_verification(false);
        }
        client = std::move(ssl);
    } else {
        client = std::make_unique<httplib::ClientImpl>(url.host, url.effective_port());
    }
    client->set_connection_timeout(cfg.connect_timeout);
    client->set_read_timeout(cfg.io_timeout);
    client->set_write_timeout(cfg.io_timeout);
    client->set_keep_alive(true);
    client->set_follow_location(false); // redirects decide about Authorization: the caller's job
    client->set_url_encode(false);      // targets come pre-encoded (and Locations verbatim)
    client->set_decompress(false);      // blob bytes must arrive exactly as stored
    client->set_compress(false);
    return client;
}

// Requests with a body go through cpp-httplib's convenience calls, which own
// Content-Length and the provider plumbing. Their replies are small.
httplib::Result send_with_body(httplib::ClientImpl &client, const HttpRequest &r, const httplib::Headers &headers) {
    const std::string type = r.content_type.empty() ? "application/octet-stream" : r.content_type;
    const auto &target = r.url.target;
    if (r.body_reader) {
        httplib::ContentProvider provider = [&r](size_t offset, size_t length, httplib::DataSink &sink) {
            char buf[64 * 1024];
            const std::size_t n = r.body_reader(offset, buf, std::min(length, sizeof buf));
            if (n == 0) return false; // the source is shorter than announced
            sink.write(buf, n);
            return true;
        };
        const auto length = size_t(r.body_length);
        if (r.method == "PUT") return client.Put(target, headers, length, provider, type);
        if (r.method == "PATCH") return client.Patch(target, headers, length, provider, type);
        return client.Post(target, headers, length, provider, type);
    }
    if (r.method == "PUT") return client.Put(target, headers, r.body, type);
    if (r.method == "PATCH") return client.Patch(target, headers, r.body, type);
    return client.Post(target, headers, r.body, type);
}

} // namespace

HttpTransport::HttpTransport(RegistryConfig config) : config_(std::move(config)), pool_(std::make_unique<Pool>()) {}
HttpTransport::~HttpTransport() = default;

namespace {

// Bodiless requests (GET, HEAD, DELETE) through send(), so the reply body
// can be streamed to the caller or buffered with a size cap. Exceptions
// thrown by the caller's callbacks are parked in `failure`: they must not
// unwind through cpp-httplib.
httplib::Result send_bodiless(httplib::ClientImpl &client, httplib::Request &req, const BodyStream *stream,
                              std::size_t limit, const std::string &what, HttpResponse &head,
                              std::exception_ptr &failure) {
    bool streaming = false;
    std::string body;
    req.response_handler = [&](const httplib::Response &r) {
        head = to_response(r);
        try {
            streaming = stream && stream->on_headers && stream->on_headers(head);
            return true;
        } catch (...) {
            failure = std::current_exception();
            return false;
        }
    };
    req.content_receiver = [&](const char *data, size_t len, uint64_t, uint64_t) {
        try {
            if (streaming) {
                stream->on_data(std::string_view(data, len));
            } else {
                if (body.size() + len > limit)
                    throw RegistryError(ErrorCategory::Corrupt,
                                        "reply to " + what + " exceeds " + std::to_string(limit) + " bytes");
                body.append(data, len);
            }
            return true;
        } catch (...) {
            failure = std::current_exception();
            return false;
        }
    };
    auto res = std::make_unique<httplib::Response>();
    httplib::Error err = httplib::Error::Success;
    const bool ok = client.send(req, *res, err);
    // From the final response: cpp-httplib skips the response handler for
    // HEAD and 204 replies, which have no body.
    if (ok) {
        head = to_response(*res);
        head.body = std::move(body);
    }
    return httplib::Result(ok ? std::move(res) : nullptr, err);
}

[[noreturn]] void throw_transport_error(const httplib::Result &result, httplib::ClientImpl &client,
                                        const std::string &what) {
    const auto err = result.error();
    std::string message = what + ": " + describe(err);
    if (err == httplib::Error::SSLServerVerification)
        if (auto *ssl = dynamic_cast<httplib::SSLClient *>(&client))
            message += ": " + std::string(X509_verify_cert_error_string(ssl->get_openssl_verify_result()));
    // A certificate problem will not go away by retrying.
    const bool trust = err == httplib::Error::SSLServerVerification || err == httplib::Error::SSLLoadingCerts;
    throw RegistryError(trust ? ErrorCategory::Invalid : ErrorCategory::Transient, message);
}

} // namespace

std::unique_ptr<httplib::ClientImpl> HttpTransport::acquire(const Url &url) {
    std::unique_lock lock(pool_->mutex);
    auto it = pool_->origins.find(url.origin());
    if (it == pool_->origins.end()) {
        lock.unlock(); // certs.d is read without holding the pool
        Pool::Origin fresh{tls_settings_for(url.host_port(), config_), {}};
        lock.lock();
        it = pool_->origins.emplace(url.origin(), std::move(fresh)).first; // std::map: `it` stays valid
    }
    auto &idle = it->second.idle;
    if (!idle.empty()) {
        auto client = std::move(idle.back());
        idle.pop_back();
        return client;
    }
    const auto tls = it->second.tls;
    lock.unlock();
    return make_client(url, tls, config_);
}

void HttpTransport::release(const Url &url, std::unique_ptr<httplib::ClientImpl> client) {
    std::lock_guard lock(pool_->mutex);
    auto &idle = pool_->origins[url.origin()].idle;
    if (idle.size() < kMaxIdlePerOrigin) idle.push_back(std::move(client));
}

HttpResponse HttpTransport::send(const HttpRequest &request, const BodyStream *stream) {
    const auto &url = request.url;
    const std::string what = request.method + " " + url.str();
    auto client = acquire(url);

    httplib::Request req;
    req.method = request.method;
    req.path = url.target;
    for (const auto &[k, v] : request.headers) req.headers.emplace(k, v);
    if (!req.has_header("User-Agent")) req.headers.emplace("User-Agent", config_.user_agent);
    req.headers.emplace("Accept-Encoding", "identity");

    HttpResponse head;
    std::exception_ptr failure;
    httplib::Result result{nullptr, httplib::Error::Unknown};
    if (request.body_reader || !request.body.empty() || request.method == "PUT" || request.method == "PATCH" ||
        request.method == "POST") {
        result = send_with_body(*client, request, req.headers);
        if (result) {
            head = to_response(*result);
            head.body = result->body;
        }
    } else {
        result = send_bodiless(*client, req, stream, config_.max_manifest_bytes, what, head, failure);
    }
    // On any failure the connection is dropped with `client`.
    if (failure) std::rethrow_exception(failure);
    if (!result) throw_transport_error(result, *client, what);
    release(url, std::move(client)); // keep-alive for the next request to this origin
    return head;
}

} // namespace berth::registry::detail
