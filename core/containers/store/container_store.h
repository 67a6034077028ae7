// container_store.h — every container the daemon knows, one record per
// container at <data-root>/containers/<id>/config.v2.json, written atomically
// (a kill -9 leaves the old record or the new one, never a torn file).
// Owns name reservation and moby's GetContainer resolution. Thread-safe;
// callers get copies and write changes back with save().
#pragma once

#include "containers/store/container_record.h"

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace berth::containers {

struct NewContainer {
    std::string name; // "" = generate one; otherwise validated
    std::string path;
    std::vector<std::string> args;
    std::string config_json;
    std::string host_config_json;
    std::string endpoints_config_json = "{}";
    std::string image;
    std::string image_name;
    std::string driver;
    std::string rw_layer;
};

class ContainerStore {
public:
    // Loads every record under <data_root>/containers; unreadable ones are
    // skipped, logged to stderr and listed in load_errors().
    explicit ContainerStore(std::filesystem::path data_root);

    const std::vector<std::string> &load_errors() const { return load_errors_; }

    // New container in state "created": fresh ID, the name reserved, the
    // directory made and the record written. Throws InvalidArgument for a bad
    // name, Conflict for a taken one.
    Container create(const NewContainer &spec, TimePoint now = Clock::now());

    // Writes a changed record (the name is not changed here: use rename()).
    // Throws NotFound when the container is unknown.
    void save(const Container &c);

    // `docker rename`: validates and reserves the new name, releases the old.
    void rename(const std::string &id, const std::string &new_name);

    // Forgets the container and deletes its directory.
    void remove(const std::string &id);

    // moby's GetContainer: full ID, exact name (with or without "/"), unique
    // ID prefix. Throws NotFound "No such container: x" otherwise.
    Container resolve(const std::string &ref) const;
    std::optional<Container> get(const std::string &id) const;
    std::vector<Container> list() const;

    std::filesystem::path container_dir(const std::string &id) const;

private:
    std::string reserve_name_locked(const std::string &requested, const std::string &id);
    std::optional<std::string> resolve_id_locked(const std::string &ref) const;
    void write_locked(const Container &c);

    std::filesystem::path root_; // <data-root>/containers
    mutable std::mutex mu_;
    std::map<std::string, Container> by_id_;
    std::map<std::string, std::string> names_; // "/name" -> id
    std::vector<std::string> load_errors_;
};

} // namespace berth::containers
