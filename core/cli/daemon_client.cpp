#include "daemon_client.h"

#include <array>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/write.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "cli_extensions.h"
#include "errors.h"

// The only translation unit that sees Beast. Each request opens a fresh
// connection and closes it afterwards: a CLI process makes a handful of calls,
// and never reusing a connection keeps streaming replies (which may end only
// at EOF) and future hijacked attach streams free of keep-alive bookkeeping.

namespace berth::cli {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using local = asio::local::stream_protocol;

// Big enough that bulk bodies need few reads; small enough that a streaming
// reader hands progress lines over as soon as they arrive.
constexpr std::size_t kReadChunk = 16 * 1024;
constexpr std::string_view kHostHeader = "berth";
constexpr std::string_view kJsonType = "application/json";

// Boost 1.74's Beast has its own string_view type; convert at the boundary.
beast::string_view bsv(std::string_view text) { return {text.data(), text.size()}; }

#ifdef BERTH_VERSION
constexpr std::string_view kUserAgent = "Berth-Client/" BERTH_VERSION;
#else
constexpr std::string_view kUserAgent = "Berth-Client";
#endif

[[noreturn]] void throw_connect_failure(const DaemonAddress& addr, const beast::error_code& ec) {
    // Permission problems have a different fix (group membership, sudo) than
    // a stopped daemon, so they get docker's separate wording.
    if (ec == asio::error::access_denied || ec == asio::error::no_permission)
        throw ConnectionError("permission denied while trying to connect to the Berth daemon socket at " +
                              addr.text + ": " + ec.message());
    throw ConnectionError("Cannot connect to the Berth daemon at " + addr.text + ". Is berthd running?");
}

// lead names the step that failed, e.g. "error reading the reply from".
[[noreturn]] void throw_transport_failure(const DaemonAddress& addr, std::string_view lead,
                                          const beast::error_code& ec) {
    throw TransportError(std::string(lead) + " the Berth daemon at " + addr.text + ": " + ec.message());
}

bool has_header(const HttpHeaders& headers, std::string_view name) {
    for (const auto& [key, value] : headers)
        if (beast::iequals(key, bsv(name))) return true;
    return false;
}

template <class Body>
void set_request_line(http::request<Body>& req, std::string_view method, std::string_view target,
                      const HttpHeaders& headers) {
    const http::verb verb = http::string_to_verb(bsv(method));
    if (verb == http::verb::unknown)
        req.method_string(bsv(method));
    else
        req.method(verb);
    req.target(bsv(target));
    req.version(11);
    // The daemon ignores Host on its own socket, but HTTP/1.1 requires one;
    // a fixed name keeps requests identical over unix and tcp.
    req.set(http::field::host, bsv(kHostHeader));
    req.set(http::field::user_agent, bsv(kUserAgent));
    for (const auto& [key, value] : headers) req.insert(key, value);
}

http::request<http::string_body> build_request(std::string_view method, std::string_view target,
                                               std::string_view body, const HttpHeaders& headers) {
    http::request<http::string_body> req;
    set_request_line(req, method, target, headers);
    if (!body.empty() && !has_header(headers, "Content-Type")) req.set(http::field::content_type, bsv(kJsonType));
    req.body() = std::string(body);
    // Beast sends Content-Length: 0 for a body-less POST/PUT, so the daemon
    // never waits for a body that is not coming, and omits it for GET.
    req.prepare_payload();
    return req;
}

// What to send: either a complete request, or a header plus a body source
// streamed as HTTP chunks.
struct Outgoing {
    const http::request<http::string_body>* whole = nullptr;
    http::request<http::empty_body>* chunked_header = nullptr;
    const DaemonClient::BodySource* source = nullptr;

    bool is_head() const { return whole != nullptr && whole->method() == http::verb::head; }
};

Outgoing whole_request(const http::request<http::string_body>& req) {
    Outgoing out;
    out.whole = &req;
    return out;
}

template <class Stream>
void send_chunked(Stream& stream, const Outgoing& out, beast::error_code& ec) {
    http::request_serializer<http::empty_body> serializer(*out.chunked_header);
    http::write_header(stream, serializer, ec);
    if (ec) return;
    std::vector<char> buffer(kReadChunk * 4);
    for (;;) {
        const std::size_t got = (*out.source)(buffer.data(), buffer.size());
        if (got == 0) break;
        asio::write(stream, http::make_chunk(asio::buffer(buffer.data(), got)), ec);
        if (ec) return;
    }
    asio::write(stream, http::make_chunk_last(), ec);
}

// Writes the request and reads the reply through a buffer_body parser with a
// read_some loop, so each piece of body is passed on as soon as it is parsed
// rather than when a full buffer or the whole message is in.
template <class Stream>
HttpResponse exchange(Stream& stream, const DaemonAddress& addr, const Outgoing& req,
                      const DaemonClient::ChunkHandler* on_chunk) {
    beast::error_code ec;
    if (req.whole != nullptr)
        http::write(stream, *req.whole, ec);
    else
        send_chunked(stream, req, ec);
    // A daemon that refuses an upload may answer and close before taking the
    // whole body; its reply explains more than our broken pipe would.
    const beast::error_code send_error = ec;
    if (send_error && req.whole != nullptr) throw_transport_failure(addr, "error sending the request to", ec);

    beast::flat_buffer buffer;
    http::response_parser<http::buffer_body> parser;
    // Image pulls and `logs -f` have no natural size bound. Not boost::none:
    // Boost 1.74 compares a Content-Length against the optional and treats
    // "none" as smaller than any length, rejecting every sized body.
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    // A reply to HEAD has no body even if it announces a length.
    if (req.is_head()) parser.skip(true);
    http::read_header(stream, buffer, parser, ec);
    if (ec && send_error) throw_transport_failure(addr, "error sending the request to", send_error);
    if (ec) throw_transport_failure(addr, "error reading the reply from", ec);

    HttpResponse out;
    out.status = static_cast<int>(parser.get().result_int());
    for (const auto& field : parser.get())
        out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    const bool to_caller = on_chunk != nullptr && out.status < 400;

    std::array<char, kReadChunk> chunk{};
    while (!parser.is_done()) {
        parser.get().body().data = chunk.data();
        parser.get().body().size = chunk.size();
        http::read_some(stream, buffer, parser, ec);
        // need_buffer only says our chunk is full; the loop supplies a new one.
        if (ec == http::error::need_buffer) ec = {};
        if (ec) throw_transport_failure(addr, "error reading the reply from", ec);
        const std::size_t got = chunk.size() - parser.get().body().size;
        if (got == 0) continue;
        if (to_caller)
            (*on_chunk)(std::string_view(chunk.data(), got));
        else
            out.body.append(chunk.data(), got);
    }
    return out;
}

HttpResponse over_unix(const DaemonAddress& addr, const Outgoing& req, const DaemonClient::ChunkHandler* on_chunk) {
    asio::io_context io;
    local::socket socket(io);
    beast::error_code ec;
    socket.connect(local::endpoint(addr.socket_path), ec);
    if (ec) throw_connect_failure(addr, ec);
    return exchange(socket, addr, req, on_chunk);
}

void connect_tcp(tcp::socket& socket, const DaemonAddress& addr) {
    tcp::resolver resolver(socket.get_executor());
    beast::error_code ec;
    const auto endpoints = resolver.resolve(addr.host, addr.port, ec);
    if (ec) throw_connect_failure(addr, ec);
    asio::connect(socket, endpoints, ec);
    if (ec) throw_connect_failure(addr, ec);
}

HttpResponse over_tcp(const DaemonAddress& addr, const Outgoing& req, const DaemonClient::ChunkHandler* on_chunk) {
    asio::io_context io;
    tcp::socket socket(io);
    connect_tcp(socket, addr);
    return exchange(socket, addr, req, on_chunk);
}

// Asio's SyncReadStream and SyncWriteStream over the extension module's TLS
// stream (cli_extensions.h), so exchange() runs over TLS unchanged while
// OpenSSL stays out of the berth executable.
class ModuleTlsStream {
public:
    explicit ModuleTlsStream(TlsStream& tls) : tls_(tls) {}

    template <class MutableBuffers>
    std::size_t read_some(const MutableBuffers& buffers, beast::error_code& ec) {
        ec = {};
        for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it) {
            const asio::mutable_buffer buffer = *it;
            if (buffer.size() == 0) continue;
            const std::size_t got = tls_.read_some(static_cast<char*>(buffer.data()), buffer.size());
            if (got == 0) ec = asio::error::eof;
            return got;
        }
        return 0;
    }

    template <class MutableBuffers>
    std::size_t read_some(const MutableBuffers& buffers) {
        beast::error_code ec;
        const std::size_t got = read_some(buffers, ec);
        if (ec) throw beast::system_error(ec);
        return got;
    }

    // Beast hands over a request as many small pieces (each header field);
    // they are joined so they go out as one TLS record, not one each.
    template <class ConstBuffers>
    std::size_t write_some(const ConstBuffers& buffers, beast::error_code& ec) {
        ec = {};
        std::string joined;
        for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it) {
            const asio::const_buffer buffer = *it;
            if (!joined.empty() && joined.size() + buffer.size() > kWriteJoinLimit) break;
            joined.append(static_cast<const char*>(buffer.data()), buffer.size());
        }
        if (joined.empty()) return 0;
        if (!tls_.write_all(joined)) {
            ec = asio::error::broken_pipe;
            return 0;
        }
        return joined.size();
    }

    template <class ConstBuffers>
    std::size_t write_some(const ConstBuffers& buffers) {
        beast::error_code ec;
        const std::size_t sent = write_some(buffers, ec);
        if (ec) throw beast::system_error(ec);
        return sent;
    }

private:
    static constexpr std::size_t kWriteJoinLimit = 64 * 1024;
    TlsStream& tls_;
};

HttpResponse over_tls(const DaemonAddress& addr, const TlsFiles& files,
                      const Outgoing& req, const DaemonClient::ChunkHandler* on_chunk) {
    // Set up before connecting, so unreadable certificate files (or a
    // missing module) are reported as themselves and not as a dead daemon.
    const std::unique_ptr<TlsClient> client = cli_extensions().tls_client(files);
    asio::io_context io;
    tcp::socket socket(io);
    connect_tcp(socket, addr);
    // The module checks the certificate against the CA and the host we
    // dialled, sends SNI for DNS names and presents the client certificate.
    const std::unique_ptr<TlsStream> tls = client->connect(socket.native_handle(), addr.host, addr.text);
    ModuleTlsStream stream(*tls);
    // No TLS shutdown afterwards: the HTTP framing already told us where the
    // body ended and the connection is never reused, so waiting for the
    // daemon's close_notify would only add a round trip (or hang).
    return exchange(stream, addr, req, on_chunk);
}

HttpResponse dispatch(const ClientConfig& config, const Outgoing& req, const DaemonClient::ChunkHandler* on_chunk) {
    const DaemonAddress& addr = config.address;
    if (addr.kind == DaemonAddress::Kind::Unix) return over_unix(addr, req, on_chunk);
    if (config.tls) return over_tls(addr, *config.tls, req, on_chunk);
    return over_tcp(addr, req, on_chunk);
}

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
    for (const auto& [key, value] : headers)
        if (beast::iequals(key, bsv(name))) return value;
    return {};
}

DaemonClient::DaemonClient(ClientConfig config) : config_(std::move(config)) {}

HttpResponse DaemonClient::request(std::string_view method, std::string_view target, std::string_view body,
                                   const HttpHeaders& headers) const {
    const auto req = build_request(method, target, body, headers);
    return dispatch(config_, whole_request(req), nullptr);
}

HttpResponse DaemonClient::request_stream(std::string_view method, std::string_view target, std::string_view body,
                                          const HttpHeaders& headers, const ChunkHandler& on_chunk) const {
    const auto req = build_request(method, target, body, headers);
    return dispatch(config_, whole_request(req), &on_chunk);
}

HttpResponse DaemonClient::request_upload(std::string_view method, std::string_view target, const BodySource& source,
                                          const HttpHeaders& headers, const ChunkHandler& on_chunk) const {
    http::request<http::empty_body> header;
    set_request_line(header, method, target, headers);
    header.chunked(true);
    Outgoing out;
    out.chunked_header = &header;
    out.source = &source;
    return dispatch(config_, out, &on_chunk);
}

}  // namespace berth::cli
