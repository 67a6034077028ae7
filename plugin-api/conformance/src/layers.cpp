#include "layers.hpp"

#include "check.hpp"
#include "fs.hpp"
#include "strf.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace conformance {

std::string Layers::new_id() { return random_hex(32); }

Layers::Rec *Layers::find(const std::string &id) {
    for (auto &r : recs_)
        if (r.id == id) return &r;
    return nullptr;
}

const Layers::Rec *Layers::find(const std::string &id) const {
    for (const auto &r : recs_)
        if (r.id == id) return &r;
    return nullptr;
}

std::string Layers::name(const std::string &id) const {
    std::lock_guard lock(mu_);
    const Rec *r = find(id);
    std::string label = r != nullptr ? r->label : "(untracked)";
    return label + " [" + id.substr(0, 8) + "]";
}

std::string Layers::parent_of(const std::string &id) const {
    std::lock_guard lock(mu_);
    const Rec *r = find(id);
    return r != nullptr ? r->parent : "";
}

std::string Layers::create(const std::string &label, const std::string &parent, bool rw) {
    std::string id = new_id();
    Status st = drv_.create(id, parent, rw);
    if (!st.ok()) {
        std::string on = parent.empty() ? "as a base layer" : "on " + name(parent);
        // A failed create must leave nothing, but make sure clean-up looks.
        int32_t there = 0;
        if (drv_.has(Op::exists) && drv_.exists(id, there).ok() && there == 1) track(id, label, parent);
        fail(strf("create of %s layer %s [%s] %s failed: %s", rw ? "read-write" : "read-only", label.c_str(),
                  id.substr(0, 8).c_str(), on.c_str(), st.describe().c_str()));
    }
    track(id, label, parent);
    return id;
}

void Layers::track(const std::string &id, const std::string &label, const std::string &parent) {
    std::lock_guard lock(mu_);
    if (find(id) == nullptr) recs_.push_back({id, label, parent, 0, false});
}

void Layers::forget(const std::string &id) {
    std::lock_guard lock(mu_);
    if (Rec *r = find(id)) r->gone = true;
}

std::string Layers::get(const std::string &id) {
    std::string path;
    Status st = drv_.get(id, path);
    if (!st.ok()) fail("get of layer " + name(id) + " failed: " + st.describe());
    add_refs(id, 1);
    struct stat sb;
    if (path.empty() || path[0] != '/')
        fail("get of layer " + name(id) + " returned \"" + path + "\", which is not an absolute path");
    if (::stat(path.c_str(), &sb) != 0 || !S_ISDIR(sb.st_mode))
        fail("get of layer " + name(id) + " returned " + path + ", which is not a directory");
    return path;
}

void Layers::put(const std::string &id) {
    Status st = drv_.put(id);
    if (!st.ok()) fail("put of layer " + name(id) + " failed: " + st.describe());
    add_refs(id, -1);
}

void Layers::add_refs(const std::string &id, int delta) {
    std::lock_guard lock(mu_);
    if (Rec *r = find(id)) r->refs += delta;
}

void Layers::drop_refs(const std::string &id) {
    std::lock_guard lock(mu_);
    if (Rec *r = find(id)) r->refs = 0;
}

int64_t Layers::apply(const std::string &id, const std::string &tar_path) {
    Fd fd(::open(tar_path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) throw_errno("opening " + tar_path, errno);
    std::string parent = parent_of(id);
    int64_t size = 0;
    Status st = drv_.apply_diff(id, parent.empty() ? nullptr : parent.c_str(), fd.get(), size);
    if (!st.ok()) fail("apply_diff into layer " + name(id) + " failed: " + st.describe());
    return size;
}

void Layers::diff(const std::string &id, const char *parent, const std::string &out_path) {
    Fd fd(::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
    if (fd.get() < 0) throw_errno("creating " + out_path, errno);
    Status st = drv_.diff(id, parent, fd.get());
    if (!st.ok()) {
        std::string against = parent == nullptr ? "its parent (NULL)" : name(parent);
        fail("diff of layer " + name(id) + " against " + against + " failed: " + st.describe());
    }
}

std::vector<std::string> Layers::cleanup() {
    std::vector<Rec> recs;
    {
        std::lock_guard lock(mu_);
        recs = recs_;
    }
    std::vector<std::string> problems;
    // Newest first: children were created after their parents.
    for (auto it = recs.rbegin(); it != recs.rend(); ++it) {
        if (it->gone) continue;
        std::string n = it->label + " [" + it->id.substr(0, 8) + "]";
        try {
            for (int i = 0; i < it->refs; ++i) {
                Status st = drv_.put(it->id);
                if (!st.ok()) {
                    problems.push_back("put of layer " + n + " failed: " + st.describe());
                    break;
                }
            }
            Status st = drv_.remove(it->id);
            if (!st.ok()) problems.push_back("remove of layer " + n + " failed: " + st.describe());
        } catch (const MissingOp &m) {
            problems.push_back(strf("cannot clean up layer %s: the driver has no %s operation", n.c_str(),
                                    op_name(m.op)));
        }
    }
    std::lock_guard lock(mu_);
    recs_.clear();
    return problems;
}

} // namespace conformance
