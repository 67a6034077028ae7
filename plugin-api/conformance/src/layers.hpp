// layers.hpp — the layers one case made, by label, and the checked calls a
// case uses on them. Every create and get is recorded, so the runner can put
// outstanding references and remove every layer (children first) after the
// case, whether it passed or not; a driver that refuses that clean-up fails
// the case.
//
// The checked calls fail the case with a message naming the layer by label
// and short id: "apply_diff into layer L3 [0f3a9c2e] failed: INVAL (-3): ...".
#pragma once

#include "driver.hpp"

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace conformance {

class Layers {
public:
    explicit Layers(Driver &drv) : drv_(drv) {}

    // A fresh layer id: 64 lowercase hex characters, never used before.
    static std::string new_id();

    // create(id, parent, rw) and record it. parent "" = base layer.
    std::string create(const std::string &label, const std::string &parent, bool rw);
    // Record a layer the case created with its own call.
    void track(const std::string &id, const std::string &label, const std::string &parent);
    // The case removed it itself; clean-up must not try again.
    void forget(const std::string &id);

    // "label [first 8 hex]" for messages.
    std::string name(const std::string &id) const;
    std::string parent_of(const std::string &id) const;

    // get: fails the case unless OK with a path to a directory.
    std::string get(const std::string &id);
    void put(const std::string &id);
    // Record references taken or dropped by direct driver calls (threads).
    void add_refs(const std::string &id, int delta);
    // The instance that held id's references is gone (restart).
    void drop_refs(const std::string &id);

    // apply_diff of the tar file at tar_path into id (on its recorded
    // parent); fails the case on error; returns *out_size.
    int64_t apply(const std::string &id, const std::string &tar_path);
    // diff(id, parent) into the file out_path. parent nullptr = "its own
    // parent" (the op's NULL); otherwise a layer id.
    void diff(const std::string &id, const char *parent, const std::string &out_path);

    // Put every outstanding reference and remove every layer, newest first.
    // Returns what went wrong, one entry per refusal.
    std::vector<std::string> cleanup();

private:
    struct Rec {
        std::string id, label, parent;
        int refs = 0;
        bool gone = false;
    };
    Rec *find(const std::string &id);
    const Rec *find(const std::string &id) const;

    Driver &drv_;
    mutable std::mutex mu_;
    std::vector<Rec> recs_;
};

} // namespace conformance
