// `berth system df` and `system prune` against the fake engine: the
// requests they send, in docker's order, and what docker prints.
#include "commands/system_commands.h"

#include "engine_fixture.h"

using namespace berth::cli;
using nlohmann::json;

namespace {

class SystemCommands : public EngineTest {
protected:
    // Every prune endpoint answers, with a little deleted in each.
    void answer_prunes() {
        on("POST /containers/prune",
           json_reply(R"({"ContainersDeleted":["c1","c2"],"SpaceReclaimed":1500})"));
        on("POST /networks/prune", json_reply(R"({"NetworksDeleted":["net1"]})"));
        on("POST /volumes/prune", json_reply(R"({"VolumesDeleted":["v1"],"SpaceReclaimed":1000000})"));
        on("POST /images/prune",
           json_reply(R"({"ImagesDeleted":[{"Untagged":"old:1"},{"Deleted":"sha256:abc"}],"SpaceReclaimed":500})"));
        on("POST /build/prune", json_reply(R"({"CachesDeleted":[],"SpaceReclaimed":0})"));
    }

    // The "METHOD /path" of each request, in arrival order.
    std::vector<std::string> calls() const {
        std::vector<std::string> out;
        for (const auto& r : engine_.requests()) out.push_back(r.method + " " + r.path());
        return out;
    }

    static json filters_of(const EngineRequest& req) {
        const std::string q = req.query();
        const auto at = q.find("filters=");
        if (at == std::string::npos) return json();
        std::string enc = q.substr(at + 8, q.find('&', at) - at - 8), dec;
        for (std::size_t i = 0; i < enc.size(); ++i) {
            if (enc[i] == '%' && i + 2 < enc.size()) {
                dec += static_cast<char>(std::stoi(enc.substr(i + 1, 2), nullptr, 16));
                i += 2;
            } else {
                dec += enc[i];
            }
        }
        return json::parse(dec);
    }
};

}  // namespace

TEST_F(SystemCommands, DfPrintsTheSummaryTable) {
    on("GET /system/df", json_reply(R"({"LayersSize":2000,"Images":[{"Id":"sha256:a","Size":2000,"SharedSize":0,
        "Containers":0,"RepoTags":["x:1"],"Created":1}],"Containers":[],"Volumes":[],"BuildCache":[]})"));
    EXPECT_EQ(run([&] { return run_system_df(ctx_, {}); }), 0);
    EXPECT_EQ(out_.str(),
              "TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE\n"
              "Images          1         0         2kB       2kB (100%)\n"
              "Containers      0         0         0B        0B\n"
              "Local Volumes   0         0         0B        0B\n"
              "Build Cache     0         0         0B        0B\n");
}

TEST_F(SystemCommands, DfRefusesVerboseWithAFormat) {
    SystemDfOptions o;
    o.verbose = true;
    o.format = "{{json .}}";
    EXPECT_NE(run([&] { return run_system_df(ctx_, o); }), 0);
    EXPECT_TRUE(engine_.requests().empty());
}

TEST_F(SystemCommands, PruneCallsInDockersOrderAndSumsTheSpace) {
    answer_prunes();
    SystemPruneOptions o;
    o.force = true;
    o.volumes = true;
    EXPECT_EQ(run([&] { return run_system_prune(ctx_, o); }), 0);
    EXPECT_EQ(calls(), (std::vector<std::string>{"POST /containers/prune", "POST /networks/prune",
                                                 "POST /volumes/prune", "POST /images/prune", "POST /build/prune"}));
    EXPECT_EQ(out_.str(),
              "Deleted Containers:\nc1\nc2\n\n"
              "Deleted Networks:\nnet1\n\n"
              "Deleted Volumes:\nv1\n\n"
              "Deleted Images:\nuntagged: old:1\ndeleted: sha256:abc\n\n"
              "Total reclaimed space: 1.002MB\n");
    // Dangling images only without -a; volumes without all=true.
    EXPECT_EQ(filters_of(*find("POST /images/prune")), json::parse(R"({"dangling":{"true":true}})"));
    EXPECT_TRUE(filters_of(*find("POST /volumes/prune")).is_null());
}

TEST_F(SystemCommands, PruneWithoutVolumesLeavesThemAndAllTakesTaggedImages) {
    answer_prunes();
    SystemPruneOptions o;
    o.force = true;
    o.all = true;
    o.filters = {"label=team=a"};
    EXPECT_EQ(run([&] { return run_system_prune(ctx_, o); }), 0);
    EXPECT_FALSE(find("POST /volumes/prune"));
    EXPECT_EQ(filters_of(*find("POST /images/prune")),
              json::parse(R"({"dangling":{"false":true},"label":{"team=a":true}})"));
    EXPECT_EQ(filters_of(*find("POST /containers/prune")), json::parse(R"({"label":{"team=a":true}})"));
    EXPECT_EQ(filters_of(*find("POST /networks/prune")), json::parse(R"({"label":{"team=a":true}})"));
    EXPECT_NE(find("POST /build/prune")->query().find("all=1"), std::string::npos);
}

TEST_F(SystemCommands, PruneThatRemovesNothingPrintsOnlyTheTotal) {
    on("POST /containers/prune", json_reply(R"({"ContainersDeleted":null,"SpaceReclaimed":0})"));
    on("POST /networks/prune", json_reply(R"({"NetworksDeleted":null})"));
    on("POST /images/prune", json_reply(R"({"ImagesDeleted":null,"SpaceReclaimed":0})"));
    on("POST /build/prune", json_reply(R"({"CachesDeleted":null,"SpaceReclaimed":0})"));
    SystemPruneOptions o;
    o.force = true;
    EXPECT_EQ(run([&] { return run_system_prune(ctx_, o); }), 0);
    EXPECT_EQ(out_.str(), "Total reclaimed space: 0B\n");
}

TEST_F(SystemCommands, PromptTextIsDockersAndNoMeansNothingIsCalled) {
    answer_prunes();
    in_.str("n\n");
    SystemPruneOptions o;
    o.filters = {"until=24h", "label=a"};
    EXPECT_EQ(run([&] { return run_system_prune(ctx_, o); }), 1);
    EXPECT_EQ(out_.str(),
              "WARNING! This will remove:\n"
              "  - all stopped containers\n"
              "  - all networks not used by at least one container\n"
              "  - all dangling images\n"
              "  - unused build cache\n"
              "\n"
              "  Items to be pruned will be filtered with:\n"
              "  - label=a\n"
              "  - until=24h\n"
              "\n"
              "Are you sure you want to continue? [y/N] ");
    EXPECT_EQ(err_.str(), "system prune has been cancelled\n");
    EXPECT_TRUE(engine_.requests().empty());
}

TEST_F(SystemCommands, PromptListsVolumesAndAllImages) {
    SystemPruneOptions o;
    o.all = true;
    o.volumes = true;
    EXPECT_EQ(system_prune_warning(o),
              "WARNING! This will remove:\n"
              "  - all stopped containers\n"
              "  - all networks not used by at least one container\n"
              "  - all anonymous volumes not used by at least one container\n"
              "  - all images without at least one container associated to them\n"
              "  - all build cache\n");
}

TEST_F(SystemCommands, UntilWithVolumesIsRefusedBeforeAnyCall) {
    SystemPruneOptions o;
    o.force = true;
    o.volumes = true;
    o.filters = {"until=1h"};
    EXPECT_EQ(run([&] { return run_system_prune(ctx_, o); }), 1);
    EXPECT_EQ(err_.str(), "ERROR: The \"until\" filter is not supported with \"--volumes\"\n");
    EXPECT_TRUE(engine_.requests().empty());
}
