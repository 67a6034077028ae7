// errors.h — the image subsystem's exceptions. Each one carries the class of
// failure, so API routes map it to a status (400/404/409/500) with one catch
// and never parse message text. Messages follow Docker's wording where the
// CLI or scripts depend on it ("No such image: x:latest", "conflict: ...").
#pragma once

#include <stdexcept>
#include <string>

namespace berth::images {

enum class ErrorKind {
    InvalidArgument, // 400: bad reference, bad digest, malformed config
    NotFound,        // 404: no such image, blob or layer
    Conflict,        // 409: rmi conflicts, a blob already being written
    Internal,        // 500: I/O failures, driver failures, broken records
};

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string &message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const { return kind_; }

private:
    ErrorKind kind_;
};

class InvalidArgument : public Error {
public:
    explicit InvalidArgument(const std::string &m) : Error(ErrorKind::InvalidArgument, m) {}
};

// A reference that does not parse. Separate so callers that try several
// interpretations (e.g. `docker inspect` moves on past "invalid reference
// format") can tell it from other argument errors.
class InvalidReference : public InvalidArgument {
public:
    using InvalidArgument::InvalidArgument;
};

// Downloaded or ingested bytes that do not hash to what was promised.
class DigestMismatch : public InvalidArgument {
public:
    using InvalidArgument::InvalidArgument;
};

class NotFound : public Error {
public:
    explicit NotFound(const std::string &m) : Error(ErrorKind::NotFound, m) {}
};

// An ID prefix that matches more than one image.
class AmbiguousPrefix : public NotFound {
public:
    using NotFound::NotFound;
};

class Conflict : public Error {
public:
    explicit Conflict(const std::string &m) : Error(ErrorKind::Conflict, m) {}
};

class InternalError : public Error {
public:
    explicit InternalError(const std::string &m) : Error(ErrorKind::Internal, m) {}
};

// The HTTP status the Docker API uses for each kind.
inline int http_status(ErrorKind kind) {
    switch (kind) {
    case ErrorKind::InvalidArgument: return 400;
    case ErrorKind::NotFound: return 404;
    case ErrorKind::Conflict: return 409;
    case ErrorKind::Internal: return 500;
    }
    return 500;
}

} // namespace berth::images
