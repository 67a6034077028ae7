// record_store.h — network and endpoint records on disk:
//   <data-root>/network/networks/<id>.json
//   <data-root>/network/endpoints/<id>.json
// Each written with util::write_file_atomic, so a kill -9 leaves the old
// record or the new one, plus at worst a ".<id>.json.tmp-XXXXXX" file that
// load() sweeps. Not thread-safe; NetworkService locks around it.
#pragma once

#include "network/network.h"

#include <filesystem>
#include <string>
#include <vector>

namespace berth::network {

class RecordStore {
public:
    explicit RecordStore(std::filesystem::path network_root); // creates the directories

    struct Loaded {
        std::vector<Network> networks;
        std::vector<Endpoint> endpoints;
        std::vector<std::string> errors; // unreadable records, skipped
    };
    Loaded load();

    // Throw InternalError on failure.
    void save(const Network &n);
    void save(const Endpoint &e);
    void remove_network(const std::string &id);
    void remove_endpoint(const std::string &id);

    const std::filesystem::path &root() const { return root_; }

private:
    std::filesystem::path root_;
};

} // namespace berth::network
