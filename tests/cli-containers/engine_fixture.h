#pragma once

#include <csignal>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli_context.h"
#include "errors.h"
#include "fake_engine.h"
#include "temp_dir.h"

// A fake engine plus a CliContext pointed at it, with string streams for
// output and a pipe for stdin. Routes are "METHOD /path" (query and API
// version stripped); each may answer differently on each call.
class EngineTest : public ::testing::Test {
public:
    static EngineReply json_reply(std::string body, int status = 200) {
        EngineReply r;
        r.status = status;
        r.body = std::move(body);
        return r;
    }
    static EngineReply no_content() {
        EngineReply r;
        r.status = 204;
        r.content_type.clear();
        return r;
    }

protected:
    EngineTest()
        : config_env_("BERTH_CONFIG", dir_.path().string()),
          engine_(dir_.path() / "engine.sock", [this](const EngineRequest& req) { return route(req); }) {
        ctx_.global.host = engine_.host();
        ctx_.console.out = &out_;
        ctx_.console.err = &err_;
        ctx_.console.in = &in_;
        ctx_.console.in_fd = -1;
        ctx_.console.out_is_terminal = false;
        ctx_.console.in_is_terminal = false;
    }
    ~EngineTest() override {
        if (stdin_pipe_[0] >= 0) ::close(stdin_pipe_[0]);
        if (stdin_pipe_[1] >= 0) ::close(stdin_pipe_[1]);
    }

    using Route = std::function<EngineReply(const EngineRequest&)>;

    EngineReply route(const EngineRequest& req) {
        Route handler;
        {
            std::lock_guard lock(mutex_);
            const auto it = routes_.find(req.method + " " + req.path());
            if (it == routes_.end()) return json_reply(R"({"message":"page not found"})", 404);
            handler = it->second;
        }
        return handler(req);
    }

    void on(const std::string& key, Route handler) {
        std::lock_guard lock(mutex_);
        routes_[key] = std::move(handler);
    }
    void on(const std::string& key, EngineReply reply) {
        on(key, [reply](const EngineRequest&) { return reply; });
    }

    // Makes stdin a pipe holding `data`, closed after it when `close_after`.
    void give_stdin(const std::string& data, bool close_after = true) {
        ASSERT_EQ(::pipe(stdin_pipe_), 0);
        ASSERT_EQ(::write(stdin_pipe_[1], data.data(), data.size()), static_cast<ssize_t>(data.size()));
        if (close_after) {
            ::close(stdin_pipe_[1]);
            stdin_pipe_[1] = -1;
        }
        ctx_.console.in_fd = stdin_pipe_[0];
    }

    // As main() does: a CliError becomes its message on stderr and its status.
    template <class Fn>
    int run(Fn&& fn) {
        try {
            return fn();
        } catch (const berth::cli::CliError& e) {
            err_ << e.what() << '\n';
            return e.exit_status();
        }
    }

    // The first request with this "METHOD /path", if any arrived.
    std::optional<EngineRequest> find(const std::string& line) const {
        for (const auto& r : engine_.requests())
            if (r.method + " " + r.path() == line) return r;
        return std::nullopt;
    }

    TempDir dir_;
    ScopedEnv config_env_;
    std::mutex mutex_;
    std::map<std::string, Route> routes_;
    FakeEngine engine_;
    berth::cli::CliContext ctx_;
    std::ostringstream out_;
    std::ostringstream err_;
    std::istringstream in_;
    int stdin_pipe_[2] = {-1, -1};
};
