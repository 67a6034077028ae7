// plugin_hot_swap_test — hot swap of a real plugin file under concurrent load,
// in-process: a PluginRegistry loads tests/plugins/swap/* (real shared
// libraries, real dlopen) and eight threads call the driver through a
// CallExecutor while the test swaps generations under them.
//
// Needs no root and touches no kernel objects, so it is labelled `unit`.
// BERTH_TEST_SWAP_DIR (set by CMake) is the build's tests/plugins/swap.
#include "plugins/call_executor.h"
#include "plugins/registry.h"

#include <berth/network.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#ifndef BERTH_TEST_SWAP_DIR
#error "BERTH_TEST_SWAP_DIR must name the build's tests/plugins/swap directory"
#endif

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using berth::plugins::CallExecutor;
using berth::plugins::Lease;
using berth::plugins::PluginRecord;
using berth::plugins::PluginRegistry;
using berth::plugins::RegistryOptions;
using berth::plugins::Slot;
using Clock = std::chrono::steady_clock;

const fs::path swap_dir = BERTH_TEST_SWAP_DIR;
constexpr char plugin_file[] = "libberth-network-swaptest.so.1";

// A unique scratch directory, removed with everything below it on scope exit
// (also when an assertion fails half-way). The berth-it- prefix lets a sweep
// find leftovers of a crashed run.
class TempDir {
public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "berth-it-swap-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir &) = delete;
    TempDir &operator=(const TempDir &) = delete;
    const fs::path &path() const { return path_; }

private:
    fs::path path_;
};

// One capabilities call as a load thread saw it.
struct Sample {
    Clock::time_point started; // taken before CallExecutor::run was entered
    int32_t code = BERTH_OK;
    std::string message;
    std::string executor_version; // the generation the lease pinned
    std::string version;          // what the plugin instance says it is
    long long calls = -1;
    long long imported = -1;
};

// Call `capabilities` through the executor. The output buffer is shared with
// the body because the executor may outlive the caller on a timeout.
Sample call_capabilities(CallExecutor &exec, Slot &slot) {
    Sample s;
    s.started = Clock::now();
    auto json = std::make_shared<std::string>();
    const auto outcome = exec.run(
        slot,
        [json](const Lease &lease, berth_call *call) {
            char *out = nullptr;
            const auto *ops = lease.ops<berth_network_ops>();
            const int32_t rc = ops->capabilities(lease.instance(), call, &out);
            if (out != nullptr) {
                *json = out;
                std::free(out); // host->alloc is malloc: the host owns outputs
            }
            return rc;
        },
        5000ms);
    s.code = outcome.code;
    s.message = outcome.message;
    s.executor_version = outcome.version;
    if (s.code != BERTH_OK) return s;
    try {
        const auto j = nlohmann::json::parse(*json);
        s.version = j.at("version").get<std::string>();
        s.calls = j.at("calls").get<long long>();
        s.imported = j.at("imported").get<long long>();
    } catch (const std::exception &e) {
        s.code = BERTH_E_INTERNAL;
        s.message = std::string("unparsable capabilities JSON '") + *json + "': " + e.what();
    }
    return s;
}

// N threads calling capabilities in a loop until stop(); joins on
// destruction so no thread outlives the registry or executor it uses.
class Load {
public:
    Load(CallExecutor &exec, std::shared_ptr<Slot> slot, size_t threads) : samples_(threads) {
        for (size_t i = 0; i < threads; ++i)
            threads_.emplace_back([this, &exec, slot, i] {
                while (!stop_.load()) samples_[i].push_back(call_capabilities(exec, *slot));
            });
    }
    ~Load() { stop(); }
    Load(const Load &) = delete;
    Load &operator=(const Load &) = delete;

    void stop() {
        stop_ = true;
        for (auto &t : threads_)
            if (t.joinable()) t.join();
    }
    // Only after stop().
    std::vector<Sample> all() const {
        std::vector<Sample> out;
        for (const auto &v : samples_) out.insert(out.end(), v.begin(), v.end());
        return out;
    }

private:
    std::atomic<bool> stop_{false};
    std::vector<std::vector<Sample>> samples_; // one per thread: no locking
    std::vector<std::thread> threads_;         // last: joined before samples_ goes
};

std::optional<PluginRecord> find_record(const PluginRegistry &reg, const std::string &version) {
    for (const auto &r : reg.list())
        if (r.name == "swaptest" && r.version == version) return r;
    return std::nullopt;
}

std::string dump(const PluginRegistry &reg) {
    std::string out;
    for (const auto &r : reg.list())
        out += "  " + r.file + " name=" + r.name + " version=" + r.version + " state=" + r.state +
               " gen=" + std::to_string(r.generation) + " reason=" + r.reason + "\n";
    return out;
}

// Wait until `version`'s record reaches `state` or the timeout passes.
bool wait_state(const PluginRegistry &reg, const std::string &version, const std::string &state,
                std::chrono::milliseconds timeout) {
    const auto until = Clock::now() + timeout;
    do {
        auto r = find_record(reg, version);
        if (r && r->state == state) return true;
        std::this_thread::sleep_for(20ms);
    } while (Clock::now() < until);
    return false;
}

class PluginHotSwap : public ::testing::Test {
protected:
    void SetUp() override {
        for (const char *variant : {"v1", "v2", "bad", "v2-nohandover"})
            ASSERT_TRUE(fs::exists(swap_dir / variant / plugin_file))
                << "test plugin not built: " << (swap_dir / variant / plugin_file);
        RegistryOptions opts;
        opts.plugin_dirs = {swap_dir / "v1"};
        opts.data_root = tmp_.path() / "data";
        opts.exec_root = tmp_.path() / "run";
        opts.host_version = "test";
        opts.drain_timeout = 10000ms;
        fs::create_directories(opts.data_root);
        fs::create_directories(opts.exec_root);
        registry_ = std::make_unique<PluginRegistry>(std::move(opts));
        registry_->discover();
        slot_ = registry_->slot(BERTH_KIND_NETWORK, "swaptest");
        ASSERT_NE(slot_, nullptr) << "swaptest not loaded from v1:\n" << dump(*registry_);
        auto v1 = find_record(*registry_, "1.0.0");
        ASSERT_TRUE(v1.has_value()) << dump(*registry_);
        ASSERT_EQ(v1->state, "active") << dump(*registry_);
        exec_ = std::make_unique<CallExecutor>(8);
    }

    void TearDown() override {
        // Executor first (joins its workers), then the registry (fini every
        // generation), then the temp dir (a member, destroyed last).
        exec_.reset();
        if (registry_) registry_->shutdown();
        registry_.reset();
    }

    TempDir tmp_;
    std::unique_ptr<PluginRegistry> registry_;
    std::shared_ptr<Slot> slot_;
    std::unique_ptr<CallExecutor> exec_;
};

TEST_F(PluginHotSwap, SwapUnderLoadHandsStateOverAndRollsBackABadUpgrade) {
    Load load(*exec_, slot_, 8);
    std::this_thread::sleep_for(200ms);

    const auto result = registry_->swap("swaptest", swap_dir / "v2" / plugin_file);
    const auto swap_returned = Clock::now();
    ASSERT_TRUE(result.ok) << result.message << "\n" << dump(*registry_);
    EXPECT_TRUE(result.handed_over) << "both generations declare swaptest/1 hand-over";

    std::this_thread::sleep_for(200ms);

    // A broken upgrade while the load keeps running: must roll back.
    const auto bad_started = Clock::now();
    const auto bad = registry_->swap("swaptest", swap_dir / "bad" / plugin_file);
    std::this_thread::sleep_for(200ms);
    load.stop();
    const auto samples = load.all();

    EXPECT_FALSE(bad.ok) << "a plugin whose init fails must not replace the active one";
    EXPECT_NE(bad.message.find("init failed"), std::string::npos) << bad.message;
    EXPECT_NE(bad.message.find("refuses to start"), std::string::npos)
        << "the plugin's own message should reach the caller: " << bad.message;

    size_t failed = 0, v1_calls = 0, v2_calls = 0, after_swap = 0, after_bad = 0;
    long long min_v2_calls = -1, v2_imported = -1;
    for (const auto &s : samples) {
        if (s.code != BERTH_OK) {
            if (failed++ < 5) ADD_FAILURE() << "call failed: " << s.message;
            continue;
        }
        EXPECT_EQ(s.version, s.executor_version)
            << "the instance that answered is not the generation the lease pinned";
        if (s.version == "1.0.0") {
            ++v1_calls;
            EXPECT_LT(s.started, swap_returned) << "a call started after swap() returned reached v1";
        } else if (s.version == "2.0.0") {
            ++v2_calls;
            if (min_v2_calls < 0 || s.calls < min_v2_calls) min_v2_calls = s.calls;
            if (v2_imported < 0) v2_imported = s.imported;
            EXPECT_EQ(s.imported, v2_imported) << "v2 imported state more than once";
        } else {
            ADD_FAILURE() << "unexpected version answered: " << s.version;
        }
        if (s.started > swap_returned) {
            ++after_swap;
            EXPECT_EQ(s.version, "2.0.0") << "a call that started after swap() returned";
        }
        if (s.started > bad_started) {
            ++after_bad;
            EXPECT_EQ(s.version, "2.0.0") << "after the failed upgrade v2 must keep serving";
        }
    }
    EXPECT_EQ(failed, 0u) << "of " << samples.size() << " calls";
    // The test means nothing unless both generations really served load.
    EXPECT_GT(v1_calls, 50u);
    EXPECT_GT(v2_calls, 50u);
    EXPECT_GT(after_swap, 50u);
    EXPECT_GT(after_bad, 50u);

    // Hand-over: v1 counted exactly the calls this test made into it, and v2
    // starts from that count. Nothing else calls capabilities.
    EXPECT_EQ(v2_imported, static_cast<long long>(v1_calls))
        << "v2 must have imported v1's exported call count";
    EXPECT_GE(min_v2_calls, static_cast<long long>(v1_calls) + 1)
        << "v2's first answer must already include every v1 call";

    auto v1 = find_record(*registry_, "1.0.0");
    auto v2 = find_record(*registry_, "2.0.0");
    ASSERT_TRUE(v1 && v2) << dump(*registry_);
    EXPECT_EQ(v1->state, "retired") << dump(*registry_);
    EXPECT_EQ(v2->state, "active") << dump(*registry_);
    EXPECT_EQ(v2->generation, result.generation);
    EXPECT_GT(v2->generation, v1->generation);
    auto v3 = find_record(*registry_, "3.0.0");
    if (v3) {
        EXPECT_NE(v3->state, "active") << dump(*registry_);
    }
    EXPECT_EQ(slot_->current().generation->info().version, "2.0.0");

    // After the load: a fresh call still answers from v2.
    const auto last = call_capabilities(*exec_, *slot_);
    EXPECT_EQ(last.code, BERTH_OK) << last.message;
    EXPECT_EQ(last.version, "2.0.0");
}

// Without hand-over the host publishes the new generation at once and lets
// calls already inside the old one finish there ("draining"); once they have,
// it retires the old one.
TEST_F(PluginHotSwap, SwapWithoutHandOverDrainsTheOldGeneration) {
    // Hold one call open inside v1 so "draining" is observable for certain.
    auto slow = std::make_shared<std::optional<berth::plugins::CallOutcome>>();
    std::thread holder([this, slow] {
        *slow = exec_->run(
            *slot_,
            [](const Lease &lease, berth_call *call) {
                return lease.ops<berth_network_ops>()->event_notify(lease.instance(), call,
                                                                  R"({"sleep_ms":1500})");
            },
            10000ms);
    });
    struct Joiner {
        std::thread &t;
        ~Joiner() {
            if (t.joinable()) t.join();
        }
    } join_holder{holder};

    // Wait until the slow call is really inside v1.
    auto v1_gen = slot_->current().generation;
    ASSERT_NE(v1_gen, nullptr);
    const auto until = Clock::now() + 5s;
    while (v1_gen->in_flight() == 0 && Clock::now() < until) std::this_thread::sleep_for(5ms);
    ASSERT_GT(v1_gen->in_flight(), 0u) << "the slow call never started";

    Load load(*exec_, slot_, 4);
    std::this_thread::sleep_for(100ms);
    const auto result = registry_->swap("swaptest", swap_dir / "v2-nohandover" / plugin_file);
    const auto swap_returned = Clock::now();
    ASSERT_TRUE(result.ok) << result.message << "\n" << dump(*registry_);
    EXPECT_FALSE(result.handed_over) << "2.1.0 does not declare the hand-over capability";

    // The slow call is still running in v1 (it sleeps 1.5 s).
    auto v1 = find_record(*registry_, "1.0.0");
    ASSERT_TRUE(v1) << dump(*registry_);
    EXPECT_EQ(v1->state, "draining") << dump(*registry_);
    EXPECT_FALSE(v1_gen->retired()) << "retired while a call was still running in it";

    std::this_thread::sleep_for(200ms);
    load.stop();
    holder.join();

    ASSERT_TRUE(slow->has_value());
    EXPECT_EQ((*slow)->code, BERTH_OK) << (*slow)->message;
    EXPECT_EQ((*slow)->version, "1.0.0") << "the held call must finish in the generation it began in";

    size_t failed = 0, new_calls = 0;
    for (const auto &s : load.all()) {
        if (s.code != BERTH_OK) {
            if (failed++ < 5) ADD_FAILURE() << "call failed: " << s.message;
            continue;
        }
        if (s.started > swap_returned) {
            EXPECT_EQ(s.version, "2.1.0") << "a call that started after swap() returned";
        }
        if (s.version == "2.1.0") {
            ++new_calls;
            EXPECT_EQ(s.imported, 0) << "no hand-over means no imported state";
        }
    }
    EXPECT_EQ(failed, 0u);
    EXPECT_GT(new_calls, 20u);

    EXPECT_TRUE(wait_state(*registry_, "1.0.0", "retired", 5000ms))
        << "v1 not retired within 5 s of its last call:\n" << dump(*registry_);
    EXPECT_TRUE(v1_gen->retired());
    auto v21 = find_record(*registry_, "2.1.0");
    ASSERT_TRUE(v21) << dump(*registry_);
    EXPECT_EQ(v21->state, "active");
}

} // namespace
