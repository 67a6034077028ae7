// case_util.hpp — building blocks shared by the storage cases: fill a layer
// from a generated tar, take a driver's diff apart, and check what a layer's
// mounted root shows. Each fails the case with a message that names the
// layer and the path.
#pragma once

#include "case.hpp"
#include "tar_build.hpp"
#include "tar_read.hpp"
#include "tree.hpp"

#include <string>
#include <vector>

namespace conformance {

// create a read-only layer on parent ("" = base), apply a tar of specs and
// check apply_diff's *out_size equals the tar's content bytes.
std::string fill_layer(Ctx &ctx, const std::string &label, const std::string &parent,
                       const std::vector<TarSpec> &specs);

// Apply a tar of specs into an existing read-only layer; checks *out_size.
void apply_specs(Ctx &ctx, const std::string &id, const std::vector<TarSpec> &specs, const std::string &tar_name);

// diff(id, parent) into a scratch file and read it back.
std::vector<TarItem> diff_items(Ctx &ctx, const std::string &id, const char *parent, const std::string &tar_name);

// The file at root+path must be a regular file with exactly content.
void expect_file(const std::string &root, const std::string &path, const std::string &content,
                 const std::string &where);
// Nothing (not even a dangling symlink) may exist at root+path.
void expect_absent(const std::string &root, const std::string &path, const std::string &where);
// The names in root+dir must be exactly names (sorted).
void expect_listing(const std::string &root, const std::string &dir, const std::vector<std::string> &names,
                    const std::string &where);
// No ".wh." name and no 0/0 character device may be visible in a mounted
// root: those are the driver's storage form, never the user's view.
void expect_no_whiteouts_visible(const Tree &tree, const std::string &where);

// One entry of changes' JSON.
struct Change {
    std::string path;
    int kind = -1;
};
// Parses and checks the shape: an array of {"Path": string, "Kind": 0|1|2}.
std::vector<Change> parse_changes(const std::string &json, const std::string &what);

} // namespace conformance
