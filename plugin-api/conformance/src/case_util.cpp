#include "case_util.hpp"

#include "check.hpp"
#include "fs.hpp"
#include "json.hpp"
#include "strf.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <algorithm>

namespace conformance {

void apply_specs(Ctx &ctx, const std::string &id, const std::vector<TarSpec> &specs, const std::string &tar_name) {
    std::string tar = ctx.scratch_file(tar_name);
    write_tar(tar, specs);
    int64_t size = ctx.layers.apply(id, tar);
    long long want = content_bytes(specs);
    expect(size == want, strf("apply_diff into layer %s reported *out_size %lld, but the tar has %lld bytes of "
                              "file content",
                              ctx.layers.name(id).c_str(), static_cast<long long>(size), want));
}

std::string fill_layer(Ctx &ctx, const std::string &label, const std::string &parent,
                       const std::vector<TarSpec> &specs) {
    std::string id = ctx.layers.create(label, parent, false);
    apply_specs(ctx, id, specs, label + ".tar");
    return id;
}

std::vector<TarItem> diff_items(Ctx &ctx, const std::string &id, const char *parent, const std::string &tar_name) {
    std::string tar = ctx.scratch_file(tar_name);
    ctx.layers.diff(id, parent, tar);
    try {
        return read_tar(tar);
    } catch (const std::exception &e) {
        fail("diff of layer " + ctx.layers.name(id) + " is not a readable tar: " + e.what());
    }
}

void expect_file(const std::string &root, const std::string &path, const std::string &content,
                 const std::string &where) {
    struct stat st;
    std::string full = root + path;
    if (::lstat(full.c_str(), &st) != 0) fail(where + ": " + path + " is missing (looked at " + full + ")");
    if (!S_ISREG(st.st_mode)) fail(where + ": " + path + " is a " + type_name(st.st_mode) + ", not a regular file");
    std::string got = read_file(full);
    if (got != content)
        fail(strf("%s: %s has %zu bytes of wrong content (expected %zu bytes: \"%.40s\")", where.c_str(),
                  path.c_str(), got.size(), content.size(), content.c_str()));
}

void expect_absent(const std::string &root, const std::string &path, const std::string &where) {
    struct stat st;
    if (::lstat((root + path).c_str(), &st) == 0)
        fail(where + ": " + path + " is still visible (a " + type_name(st.st_mode) + ")");
}

void expect_listing(const std::string &root, const std::string &dir, const std::vector<std::string> &names,
                    const std::string &where) {
    std::vector<std::string> got = list_dir(root + dir);
    if (got == names) return;
    auto join = [](const std::vector<std::string> &v) {
        std::string s;
        for (const auto &n : v) s += (s.empty() ? "" : ", ") + n;
        return "{" + s + "}";
    };
    fail(where + ": " + dir + " lists " + join(got) + ", expected exactly " + join(names));
}

void expect_no_whiteouts_visible(const Tree &tree, const std::string &where) {
    std::vector<std::string> problems;
    for (const auto &[path, n] : tree) {
        std::string base = path.substr(path.rfind('/') + 1);
        if (base.rfind(".wh.", 0) == 0) problems.push_back(path + " (a whiteout name)");
        else if (n.type == S_IFCHR && n.rdev == makedev(0, 0)) problems.push_back(path + " (a 0/0 device)");
    }
    expect_none(problems, where + " shows the driver's whiteout storage instead of hiding the paths");
}

std::vector<Change> parse_changes(const std::string &json, const std::string &what) {
    Json doc;
    try {
        doc = parse_json(json);
    } catch (const std::exception &e) {
        fail(what + " returned malformed JSON (" + e.what() + "): " + json.substr(0, 200));
    }
    if (doc.kind != Json::Kind::array) fail(what + " returned a JSON " + kind_name(doc.kind) + ", expected an array");
    std::vector<Change> out;
    for (const auto &item : doc.items) {
        const Json *p = item.kind == Json::Kind::object ? item.find("Path") : nullptr;
        const Json *k = item.kind == Json::Kind::object ? item.find("Kind") : nullptr;
        if (p == nullptr || k == nullptr || !p->is_string() || k->kind != Json::Kind::number)
            fail(what + " has an entry that is not {\"Path\": string, \"Kind\": number}");
        int kind = static_cast<int>(k->number);
        if (kind < 0 || kind > 2 || kind != k->number) fail(strf("%s lists %s with Kind %g (must be 0, 1 or 2)",
                                                                  what.c_str(), p->str.c_str(), k->number));
        if (p->str.empty() || p->str[0] != '/') fail(what + " lists \"" + p->str + "\", which is not an absolute path");
        out.push_back({p->str, kind});
    }
    return out;
}

} // namespace conformance
