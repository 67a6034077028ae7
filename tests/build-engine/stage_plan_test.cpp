// Which stages a build runs, and how FROM/--from references resolve.
#include "build/dockerfile/dockerfile.h"
#include "build/engine/builder.h"
#include "build/engine/stage_plan.h"

#include <gtest/gtest.h>

namespace berth::build {
namespace {

std::string identity(std::string_view s) { return std::string(s); }

const char *kThreeStages = "FROM busybox AS deps\n"
                           "RUN echo deps\n"
                           "FROM busybox AS unused\n"
                           "RUN exit 9\n"
                           "FROM deps AS app\n"
                           "COPY --from=0 /a /b\n"
                           "FROM busybox\n"
                           "COPY --from=app /b /c\n"
                           "CMD [\"sh\"]\n";

TEST(StagePlan, LastStageIsTheTargetAndOnlyItsDependenciesRun) {
    const auto file = parse_dockerfile(kThreeStages);
    const auto plan = plan_stages(file, "", identity);
    ASSERT_EQ(plan.stages.size(), 4u);
    EXPECT_EQ(plan.target, 3);
    EXPECT_EQ(plan.needed, (std::vector<int>{0, 2, 3}));
    // FROM lines of the three stages plus their bodies (1 + 1 + 2).
    EXPECT_EQ(plan.step_count, 3 + 1 + 1 + 2);
    EXPECT_EQ(plan.stages[2].base_stage, 0);
    EXPECT_FALSE(plan.stages[3].base_stage.has_value());
}

TEST(StagePlan, TargetSelectsAStageByNameInAnyCase) {
    const auto file = parse_dockerfile(kThreeStages);
    const auto plan = plan_stages(file, "UNUSED", identity);
    EXPECT_EQ(plan.target, 1);
    EXPECT_EQ(plan.needed, (std::vector<int>{1}));
    EXPECT_EQ(plan.step_count, 2);
}

TEST(StagePlan, UnknownTargetFailsWithDockersMessage) {
    const auto file = parse_dockerfile(kThreeStages);
    try {
        plan_stages(file, "nope", identity);
        FAIL() << "an unknown target was accepted";
    } catch (const BuildFailed &e) {
        EXPECT_STREQ(e.what(), "failed to reach build target nope in Dockerfile");
    }
}

TEST(StagePlan, MetaArgsComeBeforeTheFirstFromAndExpandFromLines) {
    const auto file = parse_dockerfile("ARG BASE=busybox\nARG V\nFROM $BASE\nRUN true\n");
    const auto meta = meta_args_of(file);
    ASSERT_EQ(meta.size(), 2u);
    EXPECT_EQ(meta[0]->pairs.at(0).key, "BASE");
    const auto plan = plan_stages(file, "", [](std::string_view s) {
        return s == "$BASE" ? std::string("busybox") : std::string(s);
    });
    EXPECT_EQ(plan.stages.at(0).base, "busybox");
    EXPECT_EQ(plan.meta_args.size(), 2u);
}

TEST(StagePlan, FromReferencesResolveByIndexOrNameAndNeverForward) {
    const auto file = parse_dockerfile(kThreeStages);
    const auto plan = plan_stages(file, "", identity);
    EXPECT_EQ(stage_reference(plan, 3, "app"), 2);
    EXPECT_EQ(stage_reference(plan, 3, "APP"), 2);
    EXPECT_EQ(stage_reference(plan, 3, "1"), 1);
    EXPECT_FALSE(stage_reference(plan, 3, "alpine:3").has_value()); // an image
    EXPECT_THROW(stage_reference(plan, 1, "1"), DockerfileError);  // itself
    EXPECT_THROW(stage_reference(plan, 1, "3"), DockerfileError);  // a later stage
}

TEST(StagePlan, DuplicateStageNamesAreRefused) {
    const auto file = parse_dockerfile("FROM busybox AS a\nFROM busybox AS A\n");
    EXPECT_THROW(plan_stages(file, "", identity), DockerfileError);
}

} // namespace
} // namespace berth::build
