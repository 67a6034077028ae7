#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "daemon_client.h"

// One HTTP exchange on a plain socket that the caller keeps after the reply
// head: the shape of the Engine API's hijacked attach/exec streams (101 or
// 200, then a bare two-way pipe) and of `wait`, whose 200 head comes at once
// while the body comes when the container exits. DaemonClient cannot serve
// these because it only returns once the body is complete.
//
// Over tcp:// with --tlsverify the bytes go through the extension module's
// TLS stream (cli_extensions.h), the one DaemonClient uses too (CA, client
// certificate, daemon host name).
namespace berth::cli {

class TlsStream;

class RawHttpConnection {
public:
    // Connects, sends the request and reads the reply head. Throws
    // ConnectionError / TransportError as DaemonClient does.
    RawHttpConnection(const ClientConfig& config, std::string_view method, std::string_view target,
                      std::string_view body, const HttpHeaders& headers);
    ~RawHttpConnection();
    RawHttpConnection(const RawHttpConnection&) = delete;
    RawHttpConnection& operator=(const RawHttpConnection&) = delete;

    int status() const { return response_.status; }
    // For poll(); with TLS, check has_pending() first: OpenSSL may already
    // hold decrypted bytes the socket will not signal again.
    const HttpResponse& head() const { return response_; }
    int fd() const { return fd_; }

    // Bytes read past the head while looking for its end; a hijacked stream
    // must process these before reading the socket again.
    std::string take_buffered();

    // The rest of a normal (non-hijacked) body, de-chunked when the reply is
    // chunked; for `wait` and for error replies.
    std::string read_body();

    // Raw bytes after the head, for hijacked streams: read_some returns 0 at
    // EOF (or on error), write_all false when the peer is gone.
    std::size_t read_some(char* buffer, std::size_t capacity);
    bool write_all(std::string_view data);
    bool has_pending() const;

    // Half-close: the daemon sees EOF on the container's stdin (with TLS, a
    // close_notify, which Go's TLS reads as EOF).
    void close_write();
    void close();

private:
    bool read_more(std::string& buffer);

    int fd_ = -1;
    std::unique_ptr<TlsStream> tls_;
    std::string buffered_;
    HttpResponse response_;
    std::string address_text_;
};

// The hijack request headers docker sends for attach and exec start.
HttpHeaders upgrade_headers();

}  // namespace berth::cli
