// log-json: Docker's json-file log driver. This file is only the ABI glue:
// the descriptor, and one trampoline per operation that checks the C
// arguments and runs the work inside sdk::guard, so no exception crosses
// the boundary. The format lives in log_writer/json_text, rotation in
// log_writer, `docker logs` in log_reader.
#include "errors.hpp"
#include "log_reader.hpp"
#include "log_writer.hpp"
#include "options.hpp"

#include <berth/log.h>
#include <berth/sdk.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <new>
#include <string>
#include <vector>

// The plugin's instance (opaque to the host). It holds no mutable state, so
// streams of different containers never contend: BERTH_CAP_THREADSAFE.
struct berth_instance {
    const berth_host *host;
};

struct berth_log_stream {
    berth::logjson::LogWriter writer;
};

namespace {

namespace lj = berth::logjson;

// What start() and read() need from info_json.
struct ContainerInfo {
    std::string log_path;
    std::string config; // the log options object as text
    std::map<std::string, std::string> labels;
    std::vector<std::string> env;
};

ContainerInfo parse_info(const char *info_json) {
    if (info_json == nullptr) lj::fail(BERTH_E_INVAL, "info_json is required");
    ContainerInfo info;
    try {
        const auto j = nlohmann::json::parse(info_json);
        info.log_path = j.value("log_path", std::string{});
        if (auto it = j.find("config"); it != j.end() && it->is_object()) info.config = it->dump();
        if (auto it = j.find("labels"); it != j.end() && it->is_object())
            for (const auto &[k, v] : it->items())
                if (v.is_string()) info.labels[k] = v.get<std::string>();
        if (auto it = j.find("env"); it != j.end() && it->is_array())
            for (const auto &e : *it)
                if (e.is_string()) info.env.push_back(e.get<std::string>());
    } catch (const nlohmann::json::exception &e) {
        lj::fail(BERTH_E_INVAL, std::string("info_json: ") + e.what());
    }
    if (info.log_path.empty()) lj::fail(BERTH_E_INVAL, "info_json has no log_path");
    return info;
}

int32_t op_validate_opts(berth_instance *self, berth_call *call, const char *opts_json) {
    return berth::sdk::guard(self->host, call, [&] {
        lj::parse_options(opts_json);
        return int32_t{BERTH_OK};
    });
}

int32_t op_start(berth_instance *self, berth_call *call, const char *info_json, berth_log_stream **out) {
    return berth::sdk::guard(self->host, call, [&] {
        if (out == nullptr) lj::fail(BERTH_E_INVAL, "out must not be NULL");
        const auto info = parse_info(info_json);
        auto opts = lj::parse_options(info.config.c_str());
        auto attrs = lj::extra_attrs_json(opts, info.labels, info.env);
        *out = new berth_log_stream{lj::LogWriter(info.log_path, std::move(opts), std::move(attrs))};
        return int32_t{BERTH_OK};
    });
}

int32_t op_log_batch(berth_instance *self, berth_call *call, berth_log_stream *stream,
                     const berth_log_entry *entries, size_t n) {
    return berth::sdk::guard(self->host, call, [&] {
        if (stream == nullptr) lj::fail(BERTH_E_INVAL, "stream must not be NULL");
        if (n > 0 && entries == nullptr) lj::fail(BERTH_E_INVAL, "entries must not be NULL");
        stream->writer.write_batch(entries, n);
        return int32_t{BERTH_OK};
    });
}

int32_t op_buf_size(berth_instance *self, berth_call *call, uint32_t *out_bytes) {
    return berth::sdk::guard(self->host, call, [&] {
        if (out_bytes == nullptr) lj::fail(BERTH_E_INVAL, "out_bytes must not be NULL");
        *out_bytes = 0; // any batch size: the writer buffers it whole
        return int32_t{BERTH_OK};
    });
}

int32_t op_read(berth_instance *self, berth_call *call, const char *info_json, const char *read_opts_json,
                int out_fd) {
    return berth::sdk::guard(self->host, call, [&] {
        if (out_fd < 0) lj::fail(BERTH_E_INVAL, "out_fd must be a descriptor");
        const auto info = parse_info(info_json);
        lj::read_logs(self->host, call, info.log_path, lj::parse_read_options(read_opts_json), out_fd);
        return int32_t{BERTH_OK};
    });
}

int32_t op_stop(berth_instance *self, berth_call *call, berth_log_stream *stream) {
    return berth::sdk::guard(self->host, call, [&] {
        delete stream; // the writer flushes nothing: every batch is written whole
        return int32_t{BERTH_OK};
    });
}

int32_t init(const berth_host *host, const char *, berth_instance **out, berth_call *call) {
    auto *inst = new (std::nothrow) berth_instance{host};
    if (inst == nullptr) return host->err_set(call, BERTH_E_INTERNAL, "out of memory");
    *out = inst;
    return BERTH_OK;
}

void fini(berth_instance *self) { delete self; }

constexpr char plugin_name[] = "log-json";

constexpr berth_log_ops ops = {
    .struct_size = sizeof(berth_log_ops),
    .reserved0 = 0,
    .validate_opts = op_validate_opts,
    .start = op_start,
    .log_batch = op_log_batch,
    .buf_size = op_buf_size,
    .read = op_read,
    .stop = op_stop,
};

constexpr berth_driver_entry drivers[] = {{
    .struct_size = sizeof(berth_driver_entry),
    .kind = BERTH_KIND_LOG,
    .name = "json-file",
    .ops = &ops,
    .ops_size = sizeof(berth_log_ops),
    .reserved0 = 0,
    .caps = BERTH_CAP_THREADSAFE,
    .state_schema = nullptr,
}};

constexpr berth_plugin_descriptor descriptor = {
    BERTH_DESCRIPTOR_HEADER,
    .reserved0 = {},
    .name = plugin_name,
    .version = BERTH_PLUGIN_VERSION,
    .vendor = "Berth",
    .license = "Apache-2.0",
    .build_id = nullptr,
    .description = "Docker json-file logs with rotation",
    .n_drivers = 1,
    .reserved1 = 0,
    .drivers = drivers,
    .init = init,
    .fini = fini,
    .reserved = {},
};

} // namespace

BERTH_PLUGIN_DEFINE(descriptor)
