// An OpenSSL client session on an already connected socket. Checks the
// daemon's certificate against the CA and the host name it was dialled by
// (--tlsverify means the certificate must name that host, not merely be
// signed by the CA, or any client certificate holder could impersonate the
// daemon), and presents the client certificate when one is configured.

#include "ext/tls_stream.h"

#include <algorithm>
#include <csignal>
#include <ctime>
#include <string_view>

#include <arpa/inet.h>
#include <pthread.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "errors.h"

namespace berth::cli::ext {
namespace {

std::string openssl_error() {
    const unsigned long code = ERR_get_error();
    if (code == 0) return "unknown error";
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    return text;
}

bool is_ip_literal(const std::string& host) {
    unsigned char buffer[16];
    return ::inet_pton(AF_INET, host.c_str(), buffer) == 1 || ::inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

// OpenSSL writes to the socket with write(2), so a daemon that closes
// first (it refused an upload half-way) would kill us with SIGPIPE where
// Asio's sockets get EPIPE. Blocked for the write on this thread; one that
// was raised meanwhile is taken off the queue before unblocking.
class PipeSignalBlock {
public:
    PipeSignalBlock() {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_, &previous_);
    }
    ~PipeSignalBlock() {
        const timespec now{};
        while (sigtimedwait(&pipe_, nullptr, &now) == SIGPIPE) {
        }
        pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
    }
    PipeSignalBlock(const PipeSignalBlock&) = delete;
    PipeSignalBlock& operator=(const PipeSignalBlock&) = delete;

private:
    sigset_t pipe_{};
    sigset_t previous_{};
};

struct SslFree {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
    void operator()(SSL* ssl) const { SSL_free(ssl); }
};

class OpenSslStream final : public TlsStream {
public:
    // Handshakes; throws TransportError.
    OpenSslStream(SSL_CTX* ctx, int fd, const std::string& host, const std::string& address_text) {
        // The session holds its own reference to ctx.
        ssl_.reset(SSL_new(ctx));
        if (ssl_ == nullptr) throw TransportError("TLS setup failed: " + openssl_error());
        SSL_set_fd(ssl_.get(), fd);
        // An IP literal is checked against the IP SANs; SNI only for DNS
        // names (RFC 6066).
        if (is_ip_literal(host)) {
            X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()), host.c_str());
        } else {
            SSL_set1_host(ssl_.get(), host.c_str());
            SSL_set_tlsext_host_name(ssl_.get(), host.c_str());
        }
        if (SSL_connect(ssl_.get()) != 1)
            throw TransportError("TLS handshake failed with the Berth daemon at " + address_text + ": " +
                                 openssl_error());
    }

    std::size_t read_some(char* buffer, std::size_t capacity) override {
        const int n = SSL_read(ssl_.get(), buffer, static_cast<int>(std::min<std::size_t>(capacity, 1 << 30)));
        return n > 0 ? static_cast<std::size_t>(n) : 0;
    }

    bool write_all(std::string_view data) override {
        const PipeSignalBlock quiet;
        while (!data.empty()) {
            const int n =
                SSL_write(ssl_.get(), data.data(), static_cast<int>(std::min<std::size_t>(data.size(), 1 << 30)));
            if (n <= 0) return false;
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return true;
    }

    bool has_pending() const override { return SSL_pending(ssl_.get()) > 0; }

    void close_write() override { SSL_shutdown(ssl_.get()); }

private:
    std::unique_ptr<SSL, SslFree> ssl_;
};

class OpenSslClient final : public TlsClient {
public:
    // Throws CliError for unreadable files.
    explicit OpenSslClient(const TlsFiles& files) {
        ctx_.reset(SSL_CTX_new(TLS_client_method()));
        if (ctx_ == nullptr) throw TransportError("TLS setup failed: " + openssl_error());
        SSL_CTX_set_min_proto_version(ctx_.get(), TLS1_2_VERSION);
        if (SSL_CTX_load_verify_locations(ctx_.get(), files.ca_file.c_str(), nullptr) != 1)
            throw CliError("could not load TLS CA certificate \"" + files.ca_file + "\": " + openssl_error());
        if (!files.cert_file.empty()) {
            if (SSL_CTX_use_certificate_chain_file(ctx_.get(), files.cert_file.c_str()) != 1)
                throw CliError("could not load TLS certificate \"" + files.cert_file + "\": " + openssl_error());
            if (SSL_CTX_use_PrivateKey_file(ctx_.get(), files.key_file.c_str(), SSL_FILETYPE_PEM) != 1)
                throw CliError("could not load TLS key \"" + files.key_file + "\": " + openssl_error());
        }
        SSL_CTX_set_verify(ctx_.get(), SSL_VERIFY_PEER, nullptr);
    }

    std::unique_ptr<TlsStream> connect(int fd, const std::string& host,
                                       const std::string& address_text) const override {
        return std::make_unique<OpenSslStream>(ctx_.get(), fd, host, address_text);
    }

private:
    std::unique_ptr<SSL_CTX, SslFree> ctx_;
};

}  // namespace

std::unique_ptr<TlsClient> make_tls_client(const TlsFiles& files) { return std::make_unique<OpenSslClient>(files); }

}  // namespace berth::cli::ext
