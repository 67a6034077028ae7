#include "plugins/registry.h"

#include "plugins/plugin_file.h"

#include <berth/network.h>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdlib>
#include <set>

namespace berth::plugins {
namespace {

std::string abi_text(uint16_t major, uint16_t minor) {
    return std::to_string(major) + "." + std::to_string(minor);
}

std::set<std::pair<uint32_t, std::string>> driver_set(const DescriptorInfo &info) {
    std::set<std::pair<uint32_t, std::string>> out;
    for (const auto &d : info.drivers) out.emplace(d.kind, d.name);
    return out;
}

// Both generations can hand a network driver's state over.
bool can_hand_over(const DriverInfo &a, const DriverInfo &b) {
    return a.kind == BERTH_KIND_NETWORK && b.kind == BERTH_KIND_NETWORK &&
           (a.caps & BERTH_CAP_STATE_HANDOVER) && (b.caps & BERTH_CAP_STATE_HANDOVER) &&
           !a.state_schema.empty() && a.state_schema == b.state_schema;
}

// Call a network op on a generation directly (swap runs with the gate closed
// and nothing in flight, so no lease is needed).
template <class Fn>
int32_t call_network(Generation &g, size_t driver, Fn &&fn, std::string &message) {
    const auto *ops = static_cast<const berth_network_ops *>(g.ops(driver));
    berth_call call;
    const int32_t rc = fn(ops, g.instance(), &call);
    if (rc != BERTH_OK) message = describe_failure(call, rc);
    return rc;
}

} // namespace

PluginRegistry::PluginRegistry(RegistryOptions options) : options_(std::move(options)) {
    reaper_ = std::thread([this] { reaper_loop(); });
}

PluginRegistry::~PluginRegistry() { shutdown(); }

void PluginRegistry::discover() {
    std::set<std::filesystem::path> seen;
    for (const auto &dir : options_.plugin_dirs) {
        std::error_code ec;
        if (!std::filesystem::is_directory(dir, ec)) {
            spdlog::debug("plugin directory {} does not exist; skipped", dir.string());
            continue;
        }
        std::vector<std::filesystem::path> files;
        for (const auto &e : std::filesystem::directory_iterator(dir, ec))
            if (looks_like_plugin_file(e.path())) files.push_back(e.path());
        std::sort(files.begin(), files.end());
        for (const auto &f : files) {
            const auto real = std::filesystem::weakly_canonical(f, ec);
            if (!seen.insert(ec ? f : real).second) continue; // same file twice (symlink)
            load_file(f);
        }
    }
}

std::shared_ptr<Generation> PluginRegistry::load_generation(const std::filesystem::path &file,
                                                            PluginRecord &record,
                                                            bool allow_same_name,
                                                            bool initialise) {
    record.file = file.string();
    if (auto why = preflight(file)) {
        record.reason = *why;
        return nullptr;
    }
    OpenedLibrary lib;
    try {
        lib = open_library(file);
    } catch (const std::exception &e) {
        record.reason = e.what();
        return nullptr;
    }
    const berth_plugin_descriptor *desc = lib.entry();
    if (auto why = check_descriptor(desc, options_.abi)) {
        // Keep what can be read safely for the listing.
        if (desc && desc->magic == BERTH_PLUGIN_MAGIC) record.abi = abi_text(desc->abi_major, desc->abi_minor);
        record.reason = *why;
        return nullptr;
    }
    DescriptorInfo info = copy_descriptor(desc);
    record.name = info.name;
    record.version = info.version;
    record.abi = abi_text(info.abi_major, info.abi_minor);
    record.vendor = info.vendor;
    record.description = info.description;
    for (const auto &d : info.drivers) record.drivers.emplace_back(kind_name(d.kind), d.name);

    {
        std::lock_guard lock(mutex_);
        for (const auto &d : info.drivers) {
            auto it = slots_.find({d.kind, d.name});
            if (it == slots_.end() || !it->second->current().generation) continue;
            if (allow_same_name && it->second->current().generation->info().name == info.name) continue;
            record.reason = "duplicate: " + kind_name(d.kind) + " driver " + d.name +
                            " is already provided by " + it->second->current().generation->path().string();
            return nullptr;
        }
        if (!allow_same_name) {
            for (const auto &e : entries_)
                if (e.generation && !e.generation->retired() && e.record.name == info.name) {
                    record.reason = "duplicate: plugin " + info.name + " is already loaded from " +
                                    e.record.file;
                    return nullptr;
                }
        }
        record.generation = next_generation_++;
    }

    // Homes: a storage driver's data lives in <data-root>/storage/<driver>
    // as dockerd lays it out; other plugins get <data-root>/plugins/<name>.
    const auto &first = info.drivers.front();
    const auto home = first.kind == BERTH_KIND_STORAGE ? options_.data_root / "storage" / first.name
                                                       : options_.data_root / "plugins" / info.name;
    auto services = make_host_services(info.name, options_.host_version, home,
                                       options_.exec_root / "plugins" / info.name,
                                       options_.data_root / "plugin-state" / info.name,
                                       options_.events);
    auto gen = std::make_shared<Generation>(record.generation, file, std::move(lib.handle), desc,
                                            std::move(info), std::move(services));
    if (!initialise) return gen;
    std::string message;
    if (!init_generation(*gen, record.name, message)) {
        record.reason = "init failed: " + message;
        return nullptr;
    }
    return gen;
}

bool PluginRegistry::init_generation(Generation &gen, const std::string &plugin_name, std::string &message) {
    std::string config = options_.plugin_config ? options_.plugin_config(plugin_name) : std::string("{}");
    if (config.empty()) config = "{}";
    std::set<uint32_t> kinds;
    for (const auto &d : gen.info().drivers) kinds.insert(d.kind);
    for (uint32_t kind : kinds) {
        auto it = options_.kind_config.find(kind);
        if (it == options_.kind_config.end()) continue;
        nlohmann::json merged = nlohmann::json::parse(config, nullptr, false);
        const nlohmann::json extra = nlohmann::json::parse(it->second, nullptr, false);
        if (!merged.is_object() || !extra.is_object()) continue; // the plugin reports a bad config itself
        merged.update(extra);
        config = merged.dump();
    }
    return gen.init(config, message) == BERTH_OK;
}

bool PluginRegistry::deferred(const DescriptorInfo &info) const {
    for (const auto &d : info.drivers)
        if (!options_.deferred_kinds.count(d.kind)) return false;
    return !info.drivers.empty();
}

PluginRecord PluginRegistry::load_file(const std::filesystem::path &file) {
    PluginRecord record;
    // Peek whether this file's drivers are all of deferred kinds: load it
    // without init first, then init unless deferred.
    auto gen = load_generation(file, record, /*allow_same_name=*/false, /*initialise=*/false);
    if (gen && !deferred(gen->info())) {
        std::string message;
        if (!init_generation(*gen, record.name, message)) {
            record.reason = "init failed: " + message;
            gen.reset();
        }
    }
    std::lock_guard lock(mutex_);
    if (!gen) {
        record.state = "rejected";
        spdlog::warn("plugin {} refused: {}", file.string(), record.reason);
        entries_.push_back(Entry{record, nullptr});
        return record;
    }
    if (!gen->initialised()) {
        record.state = "standby";
        spdlog::info("plugin {} {} found at {} (ABI {}); starts when selected", record.name, record.version,
                     file.string(), record.abi);
        entries_.push_back(Entry{record, gen});
        return record;
    }
    record.state = "active";
    publish_locked(gen);
    spdlog::info("plugin {} {} loaded from {} (ABI {}, generation {})", record.name, record.version,
                 file.string(), record.abi, record.generation);
    entries_.push_back(Entry{record, gen});
    return record;
}

void PluginRegistry::publish_locked(const std::shared_ptr<Generation> &gen) {
    for (size_t i = 0; i < gen->info().drivers.size(); ++i) {
        const auto &d = gen->info().drivers[i];
        auto key = std::make_pair(d.kind, d.name);
        auto &s = slots_[key];
        if (!s) {
            s = std::make_shared<Slot>(d.kind, d.name);
            slot_order_.push_back(key);
        }
        s->publish(Binding{gen, i});
    }
}

std::string PluginRegistry::activate(uint32_t kind, const std::string &driver) {
    // Copy what we need under the lock: entries_ may grow (and move) later.
    std::shared_ptr<Generation> gen;
    std::string name;
    {
        std::lock_guard lock(mutex_);
        if (auto it = slots_.find({kind, driver}); it != slots_.end() && it->second->current().generation)
            return {}; // already active
        for (auto &e : entries_) {
            if (gen || !e.generation || e.record.state != "standby") continue;
            for (const auto &d : e.generation->info().drivers)
                if (d.kind == kind && d.name == driver) {
                    gen = e.generation;
                    name = e.record.name;
                }
        }
    }
    if (!gen) return "no plugin file provides it";
    std::string message;
    const bool ok = init_generation(*gen, name, message);
    std::lock_guard lock(mutex_);
    for (auto &e : entries_) {
        if (e.generation != gen) continue;
        if (ok) {
            e.record.state = "active";
            publish_locked(gen);
        } else {
            e.record.state = "rejected";
            e.record.reason = "init failed: " + message;
            e.generation.reset();
        }
    }
    if (ok) {
        spdlog::info("plugin {} {} started (generation {})", name, gen->info().version, gen->number());
        return {};
    }
    return message;
}

std::vector<std::string> PluginRegistry::standby_drivers(uint32_t kind) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto &e : entries_)
        if (e.generation && e.record.state == "standby")
            for (const auto &d : e.generation->info().drivers)
                if (d.kind == kind) out.push_back(d.name);
    return out;
}

std::vector<PluginRecord> PluginRegistry::list() const {
    std::lock_guard lock(mutex_);
    std::vector<PluginRecord> out;
    for (const auto &e : entries_) out.push_back(e.record);
    return out;
}

std::shared_ptr<Slot> PluginRegistry::slot(uint32_t kind, const std::string &driver) const {
    std::lock_guard lock(mutex_);
    auto it = slots_.find({kind, driver});
    return it == slots_.end() ? nullptr : it->second;
}

std::vector<std::string> PluginRegistry::drivers(uint32_t kind) const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto &key : slot_order_)
        if (key.first == kind && slots_.at(key)->current().generation) out.push_back(key.second);
    return out;
}

void PluginRegistry::mark(uint64_t generation, const std::string &state) {
    std::lock_guard lock(mutex_);
    for (auto &e : entries_)
        if (e.record.generation == generation && e.generation) e.record.state = state;
}

std::filesystem::path PluginRegistry::distinct_copy(const std::filesystem::path &file,
                                                    uint64_t generation) {
    // dlopen of a path that is already loaded returns the old handle, so a
    // reload of the same path loads a private copy instead.
    const auto dir = options_.exec_root / "plugins" / "generations";
    std::filesystem::create_directories(dir);
    const auto copy = dir / (file.filename().string() + ".gen" + std::to_string(generation));
    std::filesystem::copy_file(file, copy, std::filesystem::copy_options::overwrite_existing);
    std::filesystem::permissions(copy, std::filesystem::perms::owner_read |
                                           std::filesystem::perms::owner_write |
                                           std::filesystem::perms::group_read |
                                           std::filesystem::perms::others_read);
    return copy;
}

SwapResult PluginRegistry::swap(const std::string &plugin_name, const std::filesystem::path &new_file) {
    std::lock_guard swap_lock(swap_mutex_);
    SwapResult result;

    std::shared_ptr<Generation> old;
    {
        std::lock_guard lock(mutex_);
        for (const auto &e : entries_)
            if (e.generation && e.record.state == "active" && e.record.name == plugin_name) old = e.generation;
    }
    if (!old) {
        result.message = "no active plugin named " + plugin_name;
        result.not_found = true;
        return result;
    }

    std::filesystem::path file = new_file;
    std::error_code ec;
    bool loaded_already = false;
    {
        std::lock_guard lock(mutex_);
        for (const auto &e : entries_)
            if (e.generation && std::filesystem::equivalent(e.generation->path(), new_file, ec))
                loaded_already = true;
    }
    try {
        if (loaded_already) file = distinct_copy(new_file, next_generation_);
    } catch (const std::exception &e) {
        result.message = "cannot stage " + new_file.string() + ": " + e.what();
        return result;
    }

    PluginRecord record;
    auto gen = load_generation(file, record, /*allow_same_name=*/true);
    record.file = new_file.string();
    auto reject = [&](const std::string &why) {
        record.state = "rejected";
        record.reason = why;
        std::lock_guard lock(mutex_);
        entries_.push_back(Entry{record, nullptr});
        result.message = why + "; " + plugin_name + " " + old->info().version + " (generation " +
                         std::to_string(old->number()) + ") keeps serving";
        spdlog::warn("swap of {} to {} rolled back: {}", plugin_name, new_file.string(), why);
        return result;
    };
    if (!gen) return reject(record.reason);
    if (gen->info().name != plugin_name || driver_set(gen->info()) != driver_set(old->info())) {
        gen->retire();
        return reject("the new file serves other drivers than " + plugin_name +
                      " (a swap must keep the same plugin name and drivers)");
    }

    // Map each driver of the new generation to the old one's index.
    std::vector<std::pair<size_t, size_t>> pairs; // (old index, new index)
    bool hand_over = true;
    for (size_t i = 0; i < old->info().drivers.size(); ++i)
        for (size_t j = 0; j < gen->info().drivers.size(); ++j)
            if (old->info().drivers[i].kind == gen->info().drivers[j].kind &&
                old->info().drivers[i].name == gen->info().drivers[j].name) {
                pairs.emplace_back(i, j);
                hand_over = hand_over && can_hand_over(old->info().drivers[i], gen->info().drivers[j]);
            }

    std::vector<std::shared_ptr<Slot>> slots;
    {
        std::lock_guard lock(mutex_);
        for (const auto &[i, j] : pairs) {
            (void)j;
            const auto &d = old->info().drivers[i];
            slots.push_back(slots_.at({d.kind, d.name}));
        }
    }

    if (hand_over) {
        // Stop the world for this plugin only: new calls wait at the gate,
        // running ones finish, then the state moves across.
        for (auto &s : slots) s->close_gate();
        auto reopen = [&] {
            for (auto &s : slots) s->open_gate();
        };
        if (!old->wait_drained(options_.drain_timeout)) {
            reopen();
            gen->retire();
            return reject("calls into the old generation did not finish within the drain timeout");
        }
        std::vector<size_t> quiesced;
        std::string message;
        auto roll_back = [&](const std::string &why) {
            for (size_t i : quiesced)
                call_network(*old, i, [](auto *ops, auto *inst, auto *call) {
                    return ops->resume ? ops->resume(inst, call) : BERTH_OK;
                }, message);
            reopen();
            gen->retire();
            return reject(why);
        };
        for (const auto &[i, j] : pairs) {
            if (call_network(*old, i, [](auto *ops, auto *inst, auto *call) {
                    return ops->quiesce ? ops->quiesce(inst, call) : BERTH_OK;
                }, message) != BERTH_OK)
                return roll_back("quiesce of the old generation failed: " + message);
            quiesced.push_back(i);
            char *state = nullptr;
            if (call_network(*old, i, [&](auto *ops, auto *inst, auto *call) {
                    return ops->export_state ? ops->export_state(inst, call, &state) : BERTH_E_NOTSUP;
                }, message) != BERTH_OK)
                return roll_back("export_state failed: " + message);
            const std::string exported = state ? state : "{}";
            std::free(state);
            if (call_network(*gen, j, [&](auto *ops, auto *inst, auto *call) {
                    return ops->import_state ? ops->import_state(inst, call, exported.c_str())
                                             : BERTH_E_NOTSUP;
                }, message) != BERTH_OK)
                return roll_back("import_state into the new generation failed: " + message);
        }
        for (size_t k = 0; k < pairs.size(); ++k) slots[k]->publish(Binding{gen, pairs[k].second});
        reopen();
        // Drained and gated: nothing can be running in the old generation.
        old->retire();
        mark(old->number(), "retired");
    } else {
        // No hand-over: publish at once; calls already inside the old
        // generation finish there, and the reaper retires it when drained.
        for (size_t k = 0; k < pairs.size(); ++k) slots[k]->publish(Binding{gen, pairs[k].second});
        mark(old->number(), "draining");
        {
            std::lock_guard lock(reaper_mutex_);
            draining_.push_back(old);
        }
        reaper_cv_.notify_all();
    }

    record.state = "active";
    {
        std::lock_guard lock(mutex_);
        entries_.push_back(Entry{record, gen});
    }
    spdlog::info("plugin {} swapped: generation {} ({}) -> {} ({}){}", plugin_name, old->number(),
                 old->info().version, gen->number(), gen->info().version,
                 hand_over ? " with state hand-over" : "");
    result.ok = true;
    result.generation = gen->number();
    result.handed_over = hand_over;
    return result;
}

SwapResult PluginRegistry::reload(const std::string &plugin_name) {
    std::filesystem::path file;
    {
        std::lock_guard lock(mutex_);
        for (const auto &e : entries_)
            if (e.generation && e.record.state == "active" && e.record.name == plugin_name)
                file = e.record.file;
    }
    if (file.empty()) return SwapResult{false, "no active plugin named " + plugin_name, 0, false, true};
    return swap(plugin_name, file);
}

void PluginRegistry::reaper_loop() {
    std::unique_lock lock(reaper_mutex_);
    while (!stopping_) {
        reaper_cv_.wait_for(lock, std::chrono::milliseconds(50));
        for (auto it = draining_.begin(); it != draining_.end();) {
            if ((*it)->in_flight() == 0) {
                (*it)->retire();
                const uint64_t n = (*it)->number();
                it = draining_.erase(it);
                lock.unlock();
                mark(n, "retired");
                spdlog::info("plugin generation {} drained and retired", n);
                lock.lock();
            } else {
                ++it;
            }
        }
    }
}

void PluginRegistry::shutdown() {
    {
        std::lock_guard lock(reaper_mutex_);
        if (stopping_ && !reaper_.joinable()) return;
        stopping_ = true;
    }
    reaper_cv_.notify_all();
    if (reaper_.joinable()) reaper_.join();
    std::vector<std::shared_ptr<Generation>> gens;
    {
        std::lock_guard lock(mutex_);
        for (auto it = entries_.rbegin(); it != entries_.rend(); ++it)
            if (it->generation && !it->generation->retired()) gens.push_back(it->generation);
    }
    for (auto &g : gens) {
        g->wait_drained(options_.drain_timeout);
        g->retire();
        mark(g->number(), "retired");
    }
    std::lock_guard lock(reaper_mutex_);
    draining_.clear();
}

} // namespace berth::plugins
