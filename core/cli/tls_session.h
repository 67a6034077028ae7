#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "daemon_client.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

// A TLS client session on an already connected socket, for the raw
// (hijacked) connections of attach/exec/wait. Checks the daemon's
// certificate against the CA and the host name it was dialled by, and
// presents the client certificate when one is configured, as DaemonClient's
// Beast streams do.
namespace berth::cli {

class TlsSession {
public:
    // Handshakes; throws TransportError (or CliError for unreadable files).
    TlsSession(int fd, const TlsFiles& files, const std::string& host, const std::string& address_text);
    ~TlsSession();
    TlsSession(const TlsSession&) = delete;
    TlsSession& operator=(const TlsSession&) = delete;

    // 0 at EOF or on error.
    std::size_t read_some(char* buffer, std::size_t capacity);
    bool write_all(std::string_view data);
    bool has_pending() const;
    // Sends close_notify; reading may go on.
    void close_write();

private:
    struct Free {
        void operator()(SSL_CTX* ctx) const;
        void operator()(SSL* ssl) const;
    };
    // Owned so a handshake that throws from the constructor still frees them.
    std::unique_ptr<SSL_CTX, Free> ctx_;
    std::unique_ptr<SSL, Free> ssl_;
};

}  // namespace berth::cli
