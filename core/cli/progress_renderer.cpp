#include "progress_renderer.h"

#include <algorithm>
#include <ostream>

#include <nlohmann/json.hpp>

#include "byte_units.h"
#include "errors.h"
#include "json_text.h"

namespace berth::cli {

// One decoded message; only the fields the display uses.
struct ProgressRenderer::Message {
    std::string id;
    std::string status;
    std::string stream;
    std::string progress_message;  // "progress": a bar the daemon rendered
    std::string error;             // deprecated plain "error"
    std::optional<std::string> error_detail;
    bool has_progress = false;  // progressDetail present (even as {})
    long long current = 0;
    long long total = 0;
    bool is_aux = false;
};

namespace {

long long number_field(const nlohmann::json& node, const char* key) {
    const auto it = node.find(key);
    if (it == node.end() || !it->is_number()) return 0;
    return it->get<long long>();
}

void cursor_up(std::ostream& out, std::size_t n) {
    if (n > 0) out << "\x1b[" << n << 'A';
}
void cursor_down(std::ostream& out, std::size_t n) {
    if (n > 0) out << "\x1b[" << n << 'B';
}

}  // namespace

ProgressRenderer::ProgressRenderer(std::ostream& out, Options options) : out_(out), options_(options) {}

std::string ProgressRenderer::progress_text(long long current, long long total, unsigned width) {
    if (current <= 0 && total <= 0) return {};
    if (total <= 0) {
        std::string size = decimal_size(static_cast<double>(current));
        // Go's %8v: right-aligned in eight columns.
        return std::string(size.size() < 8 ? 8 - size.size() : 0, ' ') + size;
    }
    int half_percent = static_cast<int>(static_cast<double>(current) / static_cast<double>(total) * 100) / 2;
    half_percent = std::clamp(half_percent, 0, 50);
    // docker assumes 200 columns when the terminal does not say (a pty
    // without a size, as under `script`), so the bar still shows.
    if (width == 0) width = 200;
    std::string bar;
    if (width > 110)
        bar = "[" + std::string(static_cast<std::size_t>(half_percent), '=') + ">" +
              std::string(static_cast<std::size_t>(50 - half_percent), ' ') + "] ";
    std::string numbers;
    if (current <= total) {
        std::string now = decimal_size(static_cast<double>(current));
        numbers = std::string(now.size() < 8 ? 8 - now.size() : 0, ' ') + now + "/" +
                  decimal_size(static_cast<double>(total));
    }
    return bar + numbers;
}

void ProgressRenderer::feed(std::string_view bytes) {
    pending_.append(bytes);
    std::size_t start = 0;
    for (;;) {
        const std::size_t end = pending_.find('\n', start);
        if (end == std::string::npos) break;
        handle_line(std::string_view(pending_).substr(start, end - start));
        start = end + 1;
    }
    pending_.erase(0, start);
}

void ProgressRenderer::finish() {
    std::string rest;
    rest.swap(pending_);
    handle_line(rest);
    out_.flush();
}

void ProgressRenderer::handle_line(std::string_view line) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t' || line.front() == '\r'))
        line.remove_prefix(1);
    if (line.empty() || error_) return;

    const auto json = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!json.is_object())
        throw CliError("the daemon sent a progress message that is not a JSON object: " + std::string(line));

    Message m;
    m.id = field_or(json, "id", "");
    m.status = field_or(json, "status", "");
    m.stream = field_or(json, "stream", "");
    m.progress_message = field_or(json, "progress", "");
    m.error = field_or(json, "error", "");
    m.is_aux = json.contains("aux");
    if (const auto detail = json.find("errorDetail"); detail != json.end() && detail->is_object()) {
        // docker shows the detail's message; `error` is only its old twin.
        std::string message = field_or(*detail, "message", "");
        m.error_detail = message.empty() ? m.error : message;
    }
    if (const auto detail = json.find("progressDetail"); detail != json.end() && detail->is_object()) {
        m.has_progress = true;
        m.current = number_field(*detail, "current");
        m.total = number_field(*detail, "total");
    }

    if (m.error_detail) {
        error_ = *m.error_detail;
        return;
    }
    // aux carries data for programs (push's digest, build's image ID); the
    // human-readable side of it arrives as ordinary status lines.
    if (m.is_aux) return;
    if (options_.terminal)
        render_terminal(m);
    else
        render_plain(m);
}

// docker's DisplayJSONMessagesStream with a terminal: each ID with progress
// owns a line in the block below the last non-progress output. A new ID adds
// a line at the bottom; an update moves up to its line, redraws it and moves
// back down, so the cursor always rests on the empty line under the block.
void ProgressRenderer::render_terminal(const Message& m) {
    const bool progress_line = !m.id.empty() && (m.has_progress || !m.progress_message.empty());
    std::size_t up = 0;
    if (progress_line) {
        auto it = lines_.find(m.id);
        if (it == lines_.end()) {
            it = lines_.emplace(m.id, lines_.size()).first;
            out_ << '\n';
        }
        up = lines_.size() - it->second;
        cursor_up(out_, up);
    } else {
        // Anything else starts a new block: later progress for a known ID
        // (pull -a moving to the next tag) must not redraw lines above it.
        lines_.clear();
    }

    const char* endl = "";
    if (m.stream.empty() && m.has_progress) {
        out_ << "\x1b[2K\r";
        endl = "\r";
    }
    if (!m.id.empty()) out_ << m.id << ": ";
    if (m.has_progress) {
        out_ << m.status << ' ' << progress_text(m.current, m.total, options_.width) << endl;
    } else if (!m.progress_message.empty()) {
        out_ << m.status << ' ' << m.progress_message << endl;
    } else if (!m.stream.empty()) {
        out_ << m.stream << endl;
    } else {
        out_ << (m.status.empty() ? m.error : m.status) << endl << '\n';
    }
    if (!m.id.empty()) cursor_down(out_, up);
    out_.flush();
}

// Without a terminal: one line per change of an ID's status; the byte
// counters of "Downloading"/"Extracting" would otherwise flood a log file.
void ProgressRenderer::render_plain(const Message& m) {
    if (!m.stream.empty()) {
        out_ << m.stream;
        out_.flush();
        return;
    }
    const std::string& text = m.status.empty() ? m.error : m.status;
    if (!m.id.empty()) {
        auto [it, inserted] = last_status_.try_emplace(m.id, text);
        if (!inserted) {
            if (it->second == text) return;
            it->second = text;
        }
        out_ << m.id << ": " << text << '\n';
    } else {
        if (text.empty()) return;
        out_ << text << '\n';
    }
    out_.flush();
}

}  // namespace berth::cli
