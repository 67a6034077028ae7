#include "build_output.h"

#include <ostream>

#include <nlohmann/json.hpp>

#include "byte_units.h"

namespace berth::cli {

namespace {
constexpr std::uint64_t kUpdateEvery = 512 * 1024;
constexpr auto kMinInterval = std::chrono::milliseconds(100);
}  // namespace

std::string ContextUploadProgress::line(std::uint64_t bytes) {
    // units.HumanSize in Go's %8v: right-aligned in eight columns.
    std::string size = decimal_size(static_cast<double>(bytes));
    if (size.size() < 8) size.insert(0, 8 - size.size(), ' ');
    return "Sending build context to Docker daemon " + size;
}

void ContextUploadProgress::add(std::size_t bytes) {
    total_ += bytes;
    if (total_ - last_shown_ < kUpdateEvery) return;
    const auto now = std::chrono::steady_clock::now();
    if (now - last_time_ < kMinInterval) return;
    last_shown_ = total_;
    last_time_ = now;
    out_ << line(total_) << '\r';
    out_.flush();
}

void ContextUploadProgress::finish() {
    if (finished_) return;
    finished_ = true;
    out_ << line(total_) << "\r\r\n";
    out_.flush();
}

void BuildStreamDisplay::feed(std::string_view bytes) {
    pending_.append(bytes);
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = pending_.find('\n', start);
        if (end == std::string::npos) break;
        inspect_line(std::string_view(pending_).substr(start, end - start));
        start = end + 1;
    }
    // Whole lines have been looked at; the renderer gets the same bytes
    // and splits them itself.
    renderer_.feed(std::string_view(pending_).substr(0, start));
    pending_.erase(0, start);
}

void BuildStreamDisplay::finish() {
    inspect_line(pending_);
    renderer_.feed(pending_);
    pending_.clear();
    renderer_.finish();
}

void BuildStreamDisplay::inspect_line(std::string_view line) {
    if (failure_) return;  // like docker, nothing after the first error counts
    const auto json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object()) return;  // blank, or garbage the renderer reports
    if (const auto detail = json.find("errorDetail"); detail != json.end() && detail->is_object()) {
        BuildFailure failure;
        if (const auto m = detail->find("message"); m != detail->end() && m->is_string()) failure.message = *m;
        if (failure.message.empty())
            if (const auto e = json.find("error"); e != json.end() && e->is_string()) failure.message = *e;
        if (const auto c = detail->find("code"); c != detail->end() && c->is_number_integer())
            failure.code = c->get<int>();
        failure_ = std::move(failure);
        return;
    }
    if (const auto aux = json.find("aux"); aux != json.end() && aux->is_object())
        if (const auto id = aux->find("ID"); id != aux->end() && id->is_string()) image_id_ = *id;
}

}  // namespace berth::cli
