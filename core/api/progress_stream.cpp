#include "api/progress_stream.h"

#include <nlohmann/json.hpp>

#include <cstdio>

namespace berth::api {

std::string human_size(double bytes) {
    static const char *const units[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
    size_t i = 0;
    while (bytes >= 1000.0 && i + 1 < std::size(units)) {
        bytes /= 1000.0;
        ++i;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.4g%s", bytes, units[i]);
    return buf;
}

std::string progress_bar(int64_t current, int64_t total) {
    if (current <= 0 && total <= 0) return {};
    char buf[160];
    if (total <= 0) {
        std::snprintf(buf, sizeof buf, "%8s", human_size(double(current)).c_str());
        return buf;
    }
    int percent = int(double(current) / double(total) * 100) / 2;
    if (percent > 50) percent = 50;
    if (percent < 0) percent = 0;
    std::string bar = "[" + std::string(size_t(percent), '=') + ">" + std::string(size_t(50 - percent), ' ') + "] ";
    std::snprintf(buf, sizeof buf, "%8s/%s", human_size(double(current)).c_str(), human_size(double(total)).c_str());
    return bar + buf;
}

std::string progress_json(const distribution::ProgressMessage &m) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    if (!m.stream.empty()) j["stream"] = m.stream;
    if (!m.status.empty()) j["status"] = m.status;
    if (m.current >= 0) {
        nlohmann::ordered_json detail = {{"current", m.current}};
        if (m.total > 0) detail["total"] = m.total;
        j["progressDetail"] = detail;
        j["progress"] = progress_bar(m.current, m.total);
    } else if (!m.status.empty() && !m.id.empty()) {
        j["progressDetail"] = nlohmann::ordered_json::object();
    }
    if (!m.id.empty()) j["id"] = m.id;
    if (!m.aux_json.empty()) j["aux"] = nlohmann::ordered_json::parse(m.aux_json);
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void JsonProgressStream::write_line(const std::string &json) {
    std::lock_guard lock(mutex_);
    if (gone_) throw ClientGone();
    if (!out_.write(json + "\r\n")) {
        gone_ = true;
        throw ClientGone();
    }
}

void JsonProgressStream::send(const distribution::ProgressMessage &message) { write_line(progress_json(message)); }

void JsonProgressStream::error(const std::string &message, int code) noexcept {
    try {
        nlohmann::ordered_json detail = nlohmann::ordered_json::object();
        if (code != 0) detail["code"] = code;
        detail["message"] = message;
        nlohmann::ordered_json j = {{"errorDetail", detail}, {"error", message}};
        write_line(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    } catch (...) {
        // Nobody left to tell.
    }
}

} // namespace berth::api
