#include "tls_session.h"

#include <algorithm>

#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "errors.h"

namespace berth::cli {
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

}  // namespace

TlsSession::TlsSession(int fd, const TlsFiles& files, const std::string& host, const std::string& address_text) {
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
    ssl_.reset(SSL_new(ctx_.get()));
    if (ssl_ == nullptr) throw TransportError("TLS setup failed: " + openssl_error());
    SSL_set_fd(ssl_.get(), fd);
    // The certificate must name the host we dialled (an IP literal is
    // checked against the IP SANs); SNI only for DNS names (RFC 6066).
    if (is_ip_literal(host)) {
        X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl_.get()), host.c_str());
    } else {
        SSL_set1_host(ssl_.get(), host.c_str());
        SSL_set_tlsext_host_name(ssl_.get(), host.c_str());
    }
    if (SSL_connect(ssl_.get()) != 1)
        throw TransportError("TLS handshake failed with the Berth daemon at " + address_text + ": " + openssl_error());
}

void TlsSession::Free::operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
void TlsSession::Free::operator()(SSL* ssl) const { SSL_free(ssl); }

TlsSession::~TlsSession() = default;

std::size_t TlsSession::read_some(char* buffer, std::size_t capacity) {
    const int n = SSL_read(ssl_.get(), buffer, static_cast<int>(std::min<std::size_t>(capacity, 1 << 30)));
    return n > 0 ? static_cast<std::size_t>(n) : 0;
}

bool TlsSession::write_all(std::string_view data) {
    while (!data.empty()) {
        const int n = SSL_write(ssl_.get(), data.data(), static_cast<int>(std::min<std::size_t>(data.size(), 1 << 30)));
        if (n <= 0) return false;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool TlsSession::has_pending() const { return SSL_pending(ssl_.get()) > 0; }

void TlsSession::close_write() { SSL_shutdown(ssl_.get()); }

}  // namespace berth::cli
