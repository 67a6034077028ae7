#include "runner.hpp"

#include "check.hpp"
#include "fs.hpp"
#include "mountinfo.hpp"
#include "strf.hpp"

#include <algorithm>
#include <cstdio>

namespace conformance {

bool is_optional(Op op) {
    // cleanup: a driver that never mounts has nothing to release.
    return op == Op::usage || op == Op::metadata || op == Op::mounts || op == Op::cleanup;
}

namespace {

enum class Outcome { pass, fail, skip };

std::vector<std::string> new_mounts(const std::vector<std::string> &before, const std::string &home) {
    std::vector<std::string> out;
    for (const auto &m : mounts_under(home))
        if (std::find(before.begin(), before.end(), m) == before.end()) out.push_back(m);
    return out;
}

} // namespace

void run_storage_cases(const RunEnv &env, Reporter &rep) {
    for (const Case &c : storage_cases()) {
        std::string name = c.name;
        if (!env.filter.empty() && name.find(env.filter) == std::string::npos) continue;
        std::fprintf(stderr, "conformance: running %s\n", c.name);
        std::vector<std::string> mounts_before = mounts_under(env.home);
        std::string scratch = make_temp_dir(env.scratch_root, name + "-");
        Layers layers(env.drv);
        Ctx ctx{env.drv, layers, env.host, env.home, scratch, env.outside, env.restart};

        Outcome outcome = Outcome::pass;
        std::string why;
        try {
            c.run(ctx);
        } catch (const CaseFailure &e) {
            outcome = Outcome::fail;
            why = e.what();
        } catch (const CaseSkip &e) {
            outcome = Outcome::skip;
            why = e.what();
        } catch (const MissingOp &m) {
            if (is_optional(m.op)) {
                outcome = Outcome::skip;
                why = strf("the driver has no %s operation (optional)", op_name(m.op));
            } else {
                outcome = Outcome::fail;
                why = strf("the driver has no %s operation (NULL in its ops table), which this case needs",
                           op_name(m.op));
            }
        } catch (const std::exception &e) {
            outcome = Outcome::fail;
            why = e.what();
        }

        std::vector<std::string> problems;
        try {
            problems = layers.cleanup();
        } catch (const std::exception &e) {
            problems.push_back(e.what());
        }
        for (const auto &m : new_mounts(mounts_before, env.home))
            problems.push_back(m + " is still mounted after every layer of the case was put and removed");
        remove_tree(scratch);

        if (!problems.empty()) {
            std::string msg;
            for (const auto &p : problems) msg += (msg.empty() ? "" : "; ") + p;
            if (outcome == Outcome::fail) {
                std::fprintf(stderr, "conformance: %s: clean-up after the failure: %s\n", c.name, msg.c_str());
            } else {
                outcome = Outcome::fail;
                why = "clean-up after the case: " + msg;
            }
        }
        switch (outcome) {
        case Outcome::pass: rep.pass(name); break;
        case Outcome::fail: rep.fail(name, why); break;
        case Outcome::skip: rep.skip(name, why); break;
        }
    }
}

} // namespace conformance
