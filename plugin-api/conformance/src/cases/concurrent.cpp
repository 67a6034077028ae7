// concurrent-get-put: 8 threads x 50 get/put pairs on one layer. Each get
// must succeed and return the same path showing the layer's files; after
// all puts the layer is unreferenced and remove succeeds. Without
// BERTH_CAP_THREADSAFE the kit serialises the calls, as the daemon does.
#include "../case_util.hpp"
#include "../check.hpp"
#include "../fs.hpp"
#include "../strf.hpp"

#include <atomic>
#include <mutex>
#include <thread>

namespace conformance {

void case_concurrent(Ctx &ctx) {
    constexpr int threads = 8;
    constexpr int rounds = 50;
    std::string base = fill_layer(ctx, "base", "", {tar_file("hello", "hello from base\n")});
    std::string L = ctx.layers.create("L", base, true);
    std::string name = ctx.layers.name(L);

    std::mutex mu;
    std::string first_path;
    std::vector<std::string> problems;
    std::atomic<int> refs{0};
    auto note = [&](const std::string &p) {
        std::lock_guard lock(mu);
        if (problems.size() < 16) problems.push_back(p);
    };
    auto worker = [&](int t) {
        for (int i = 0; i < rounds; ++i) {
            std::string path;
            Status st = ctx.drv.get(L, path);
            if (!st.ok()) {
                note(strf("thread %d round %d: get failed: %s", t, i, st.describe().c_str()));
                continue;
            }
            ++refs;
            {
                std::lock_guard lock(mu);
                if (first_path.empty()) first_path = path;
                else if (path != first_path)
                    problems.push_back(strf("thread %d round %d: get returned %s, an earlier get %s", t, i,
                                            path.c_str(), first_path.c_str()));
            }
            try {
                if (read_file(path + "/hello") != "hello from base\n")
                    note(strf("thread %d round %d: %s/hello has the wrong content", t, i, path.c_str()));
            } catch (const std::exception &e) {
                note(strf("thread %d round %d: %s", t, i, e.what()));
            }
            st = ctx.drv.put(L);
            if (!st.ok()) note(strf("thread %d round %d: put failed: %s", t, i, st.describe().c_str()));
            else --refs;
        }
    };
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(worker, t);
    for (auto &th : pool) th.join();
    // References the driver did not drop are put again by the clean-up.
    ctx.layers.add_refs(L, refs.load());
    expect_none(problems, strf("%d threads x %d get/put on layer %s", threads, rounds, name.c_str()));

    Status r = ctx.drv.remove(L);
    if (!r.ok()) fail("remove of layer " + name + " after all " + std::to_string(threads * rounds) +
                      " get/put pairs failed: " + r.describe() + " (a reference leaked?)");
    ctx.layers.forget(L);
}

} // namespace conformance
