// stage_plan.h — a Dockerfile cut into its build stages, and which of them
// a build has to run: the target (--target, else the last stage) and,
// transitively, the stages it builds FROM or copies --from. The rest never
// run (an unrelated stage that would fail does not fail the build).
#pragma once

#include "build/dockerfile/dockerfile.h"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace berth::build {

struct Stage {
    int index = 0;
    std::string name; // the AS name, lower case; "" without one
    const Instruction *from = nullptr;
    std::vector<const Instruction *> body; // everything after the FROM
    // After expansion with the meta args: what FROM names (an image or an
    // earlier stage's name).
    std::string base;
    std::optional<int> base_stage; // base is an earlier stage
};

struct StagePlan {
    std::vector<const Instruction *> meta_args; // ARGs before the first FROM
    std::vector<Stage> stages;
    int target = 0;
    std::vector<int> needed; // ascending
    int step_count = 0;      // FROMs plus bodies of the needed stages
};

// The ARGs before the first FROM, for the caller to declare before it
// can expand FROM lines.
std::vector<const Instruction *> meta_args_of(const Dockerfile &file);

// expand: a FROM argument or --from value with the meta args substituted.
// Throws BuildFailed for an unknown --target ("failed to reach build
// target <t> in Dockerfile"), DockerfileError for a --from naming the stage
// itself or a later one, or a stage name used twice.
StagePlan plan_stages(const Dockerfile &file, const std::string &target,
                      const std::function<std::string(std::string_view)> &expand);

// Which stage a COPY --from value names (by AS name or index) among stages
// before `current`; nullopt when it names an image instead.
std::optional<int> stage_reference(const StagePlan &plan, int current, const std::string &from);

} // namespace berth::build
