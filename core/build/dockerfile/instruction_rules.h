// instruction_rules.h — the second half of reading an instruction (moby/
// buildkit instructions.ParseInstruction): argument counts, the flags each
// instruction accepts, HEALTHCHECK options, FROM stage names and ONBUILD
// triggers, turning the syntax into the Instruction of dockerfile.h.
#pragma once

#include "build/dockerfile/dockerfile.h"
#include "build/dockerfile/instruction_syntax.h"

namespace berth::build::detail {

// Throws DockerfileError(line, ...) with Docker's message; an unknown
// keyword is "unknown instruction: KEYWORD".
Instruction apply_instruction_rules(InstructionSyntax syntax, std::string original, int line);

} // namespace berth::build::detail
