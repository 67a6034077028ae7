#include "build/engine/stage_plan.h"

#include "build/engine/builder.h"

#include <algorithm>
#include <cctype>
#include <set>

namespace berth::build {

namespace {

std::string lower(std::string s) {
    for (auto &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool all_digits(const std::string &s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

} // namespace

std::vector<const Instruction *> meta_args_of(const Dockerfile &file) {
    std::vector<const Instruction *> out;
    for (const auto &ins : file.instructions) {
        if (ins.keyword == "from") break;
        if (ins.keyword == "arg") out.push_back(&ins);
    }
    return out;
}

std::optional<int> stage_reference(const StagePlan &plan, int current, const std::string &from) {
    if (all_digits(from)) {
        const int index = std::stoi(from);
        if (index >= current)
            throw DockerfileError(plan.stages[current].from->line,
                                  "invalid from flag value " + from + ": refers to current build stage");
        return index;
    }
    const std::string name = lower(from);
    for (int i = 0; i < current; ++i)
        if (plan.stages[i].name == name) return i;
    return std::nullopt;
}

StagePlan plan_stages(const Dockerfile &file, const std::string &target,
                      const std::function<std::string(std::string_view)> &expand) {
    StagePlan plan;
    plan.meta_args = meta_args_of(file);
    std::set<std::string> names;
    for (const auto &ins : file.instructions) {
        if (ins.keyword == "from") {
            Stage stage;
            stage.index = static_cast<int>(plan.stages.size());
            stage.from = &ins;
            if (ins.args.size() == 3) {
                stage.name = lower(ins.args[2]);
                if (!names.insert(stage.name).second)
                    throw DockerfileError(ins.line, "duplicate name " + ins.args[2]);
            }
            stage.base = expand(ins.args.at(0));
            const std::string base_lower = lower(stage.base);
            for (const auto &earlier : plan.stages)
                if (!earlier.name.empty() && earlier.name == base_lower) stage.base_stage = earlier.index;
            plan.stages.push_back(std::move(stage));
        } else if (!plan.stages.empty()) {
            plan.stages.back().body.push_back(&ins);
        }
    }
    if (plan.stages.empty()) throw BuildFailed("no build stage in current context");

    plan.target = static_cast<int>(plan.stages.size()) - 1;
    if (!target.empty()) {
        const auto it = std::find_if(plan.stages.begin(), plan.stages.end(),
                                     [&](const Stage &s) { return s.name == lower(target); });
        if (it == plan.stages.end())
            throw BuildFailed("failed to reach build target " + target + " in Dockerfile");
        plan.target = it->index;
    }

    // Walk back from the target through FROM <stage> and COPY --from.
    std::set<int> needed;
    std::vector<int> pending{plan.target};
    while (!pending.empty()) {
        const int i = pending.back();
        pending.pop_back();
        if (!needed.insert(i).second) continue;
        const Stage &s = plan.stages[i];
        if (s.base_stage) pending.push_back(*s.base_stage);
        for (const Instruction *ins : s.body) {
            if (ins->keyword != "copy") continue;
            const auto from = ins->flags.find("from");
            if (from == ins->flags.end()) continue;
            if (auto dep = stage_reference(plan, i, expand(from->second))) pending.push_back(*dep);
        }
    }
    plan.needed.assign(needed.begin(), needed.end());
    for (int i : plan.needed) plan.step_count += 1 + static_cast<int>(plan.stages[i].body.size());
    return plan;
}

} // namespace berth::build
