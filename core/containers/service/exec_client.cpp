#include "containers/service/exec_client.h"

#include "plugins/call_executor.h"
#include "plugins/host_services.h"

#include <berth/exec.h>

#include <cstdlib>

namespace berth::containers {
namespace {

using plugins::Lease;
using namespace std::chrono_literals;

// Runtime commands (runc create with a big rootfs, delete of a busy cgroup)
// can take a while; none blocks for a container's lifetime.
constexpr auto kCallTimeout = 120s;

berth_exec_stdio to_abi(const ExecStdio &s) {
    berth_exec_stdio out{};
    out.struct_size = sizeof out;
    out.terminal = s.terminal ? 1 : 0;
    out.stdin_fd = s.stdin_fd;
    out.stdout_fd = s.stdout_fd;
    out.stderr_fd = s.stderr_fd;
    out.rows = static_cast<uint16_t>(s.rows);
    out.cols = static_cast<uint16_t>(s.cols);
    return out;
}

std::string adopt(char *text) {
    if (text == nullptr) return {};
    std::string out = text;
    std::free(text);
    return out;
}

const char *opt(const std::string &s) { return s.empty() ? nullptr : s.c_str(); }

// The plugin's own words: CallOutcome prefixes "<STATUS>: ", which users of
// `docker start` should not see.
std::string plain_message(const plugins::CallOutcome &res) {
    std::string msg = res.message;
    const auto colon = msg.find(": ");
    if (colon != std::string::npos && colon < 12) msg = msg.substr(colon + 2);
    // runc's log lines carry Go-quoted messages (\"x\"); users read them plain.
    for (size_t at; (at = msg.find("\\\"")) != std::string::npos;) msg.erase(at, 1);
    return msg;
}

template <class Fn>
void run(plugins::CallExecutor &executor, plugins::Slot &slot, const char *op, Fn fn) {
    auto body = [op, fn = std::move(fn)](const Lease &lease, berth_call *call) -> int32_t {
        const auto *ops = lease.ops<berth_exec_ops>();
        return fn(*ops, lease.instance(), call, op);
    };
    const auto res = executor.run(slot, std::move(body), kCallTimeout);
    if (res.code != BERTH_OK) throw ExecError(res.code, plain_message(res));
}

int32_t notsup(berth_call *call, const char *op) {
    call->message = std::string("the exec driver does not support ") + op;
    return BERTH_E_NOTSUP;
}

} // namespace

ExecClient::ExecClient(std::shared_ptr<plugins::Slot> slot, plugins::CallExecutor &executor)
    : slot_(std::move(slot)), executor_(executor) {}

const std::string &ExecClient::driver_name() const { return slot_->name(); }

int ExecClient::create(const std::string &id, const std::string &bundle_dir, const std::string &options_json,
                       const ExecStdio &stdio) {
    auto pid = std::make_shared<int32_t>(0);
    run(executor_, *slot_, "create",
        [id, bundle_dir, options_json, stdio, pid](const berth_exec_ops &ops, berth_instance *self,
                                                     berth_call *call, const char *op) -> int32_t {
            if (ops.create == nullptr) return notsup(call, op);
            const auto s = to_abi(stdio);
            berth_exec_create_opts o{};
            o.struct_size = sizeof o;
            o.bundle_dir = bundle_dir.c_str();
            o.options_json = options_json.c_str();
            o.stdio = &s;
            return ops.create(self, call, id.c_str(), &o, pid.get());
        });
    return *pid;
}

void ExecClient::start(const std::string &id) {
    run(executor_, *slot_, "start", [id](const berth_exec_ops &ops, berth_instance *self, berth_call *call,
                                         const char *op) -> int32_t {
        if (ops.start == nullptr) return notsup(call, op);
        return ops.start(self, call, id.c_str());
    });
}

std::string ExecClient::state(const std::string &id) {
    auto out = std::make_shared<std::string>();
    run(executor_, *slot_, "state", [id, out](const berth_exec_ops &ops, berth_instance *self, berth_call *call,
                                              const char *op) -> int32_t {
        if (ops.state == nullptr) return notsup(call, op);
        char *json = nullptr;
        const int32_t rc = ops.state(self, call, id.c_str(), &json);
        *out = adopt(json);
        return rc;
    });
    return *out;
}

void ExecClient::kill(const std::string &id, const std::string &exec_id, int signal, bool all) {
    run(executor_, *slot_, "kill",
        [id, exec_id, signal, all](const berth_exec_ops &ops, berth_instance *self, berth_call *call,
                                   const char *op) -> int32_t {
            if (ops.kill == nullptr) return notsup(call, op);
            return ops.kill(self, call, id.c_str(), opt(exec_id), signal, all ? 1 : 0);
        });
}

void ExecClient::remove(const std::string &id) {
    run(executor_, *slot_, "delete", [id](const berth_exec_ops &ops, berth_instance *self, berth_call *call,
                                          const char *op) -> int32_t {
        if (ops.delete_container == nullptr) return notsup(call, op);
        return ops.delete_container(self, call, id.c_str());
    });
}

int ExecClient::exec(const std::string &id, const std::string &exec_id, const std::string &process_json,
                     const ExecStdio &stdio) {
    auto pid = std::make_shared<int32_t>(0);
    run(executor_, *slot_, "exec",
        [id, exec_id, process_json, stdio, pid](const berth_exec_ops &ops, berth_instance *self,
                                                 berth_call *call, const char *op) -> int32_t {
            if (ops.exec == nullptr) return notsup(call, op);
            const auto s = to_abi(stdio);
            return ops.exec(self, call, id.c_str(), exec_id.c_str(), process_json.c_str(), &s, pid.get());
        });
    return *pid;
}

void ExecClient::attach(const std::string &id, const std::string &exec_id, const ExecStdio &stdio) {
    run(executor_, *slot_, "attach",
        [id, exec_id, stdio](const berth_exec_ops &ops, berth_instance *self, berth_call *call,
                             const char *op) -> int32_t {
            if (ops.attach == nullptr) return notsup(call, op);
            const auto s = to_abi(stdio);
            return ops.attach(self, call, id.c_str(), opt(exec_id), &s);
        });
}

void ExecClient::resize(const std::string &id, const std::string &exec_id, unsigned rows, unsigned cols) {
    run(executor_, *slot_, "resize",
        [id, exec_id, rows, cols](const berth_exec_ops &ops, berth_instance *self, berth_call *call,
                                  const char *op) -> int32_t {
            if (ops.resize_pty == nullptr) return notsup(call, op);
            return ops.resize_pty(self, call, id.c_str(), opt(exec_id), static_cast<uint16_t>(rows),
                                  static_cast<uint16_t>(cols));
        });
}

void ExecClient::close_stdin(const std::string &id, const std::string &exec_id) {
    run(executor_, *slot_, "close_stdin",
        [id, exec_id](const berth_exec_ops &ops, berth_instance *self, berth_call *call, const char *op) -> int32_t {
            if (ops.close_stdin == nullptr) return notsup(call, op);
            return ops.close_stdin(self, call, id.c_str(), opt(exec_id));
        });
}

void ExecClient::pause(const std::string &id) {
    run(executor_, *slot_, "pause", [id](const berth_exec_ops &ops, berth_instance *self, berth_call *call,
                                         const char *op) -> int32_t {
        if (ops.pause == nullptr) return notsup(call, op);
        return ops.pause(self, call, id.c_str());
    });
}

void ExecClient::resume(const std::string &id) {
    run(executor_, *slot_, "resume", [id](const berth_exec_ops &ops, berth_instance *self, berth_call *call,
                                          const char *op) -> int32_t {
        if (ops.resume == nullptr) return notsup(call, op);
        return ops.resume(self, call, id.c_str());
    });
}

void ExecClient::update(const std::string &id, const std::string &resources_json) {
    run(executor_, *slot_, "update",
        [id, resources_json](const berth_exec_ops &ops, berth_instance *self, berth_call *call,
                             const char *op) -> int32_t {
            if (ops.update == nullptr) return notsup(call, op);
            return ops.update(self, call, id.c_str(), resources_json.c_str());
        });
}

std::string ExecClient::pids(const std::string &id) {
    auto out = std::make_shared<std::string>();
    run(executor_, *slot_, "pids", [id, out](const berth_exec_ops &ops, berth_instance *self, berth_call *call,
                                             const char *op) -> int32_t {
        if (ops.pids == nullptr) return notsup(call, op);
        char *json = nullptr;
        const int32_t rc = ops.pids(self, call, id.c_str(), &json);
        *out = adopt(json);
        return rc;
    });
    return *out;
}

std::string ExecClient::stats(const std::string &id) {
    auto out = std::make_shared<std::string>();
    run(executor_, *slot_, "stats", [id, out](const berth_exec_ops &ops, berth_instance *self, berth_call *call,
                                              const char *op) -> int32_t {
        if (ops.stats == nullptr) return notsup(call, op);
        char *json = nullptr;
        const int32_t rc = ops.stats(self, call, id.c_str(), &json);
        *out = adopt(json);
        return rc;
    });
    return *out;
}

void ExecClient::restore(const std::string &id, const std::string &options_json) {
    run(executor_, *slot_, "restore",
        [id, options_json](const berth_exec_ops &ops, berth_instance *self, berth_call *call,
                           const char *op) -> int32_t {
            if (ops.restore == nullptr) return notsup(call, op);
            return ops.restore(self, call, id.c_str(), options_json.c_str());
        });
}

} // namespace berth::containers
