#pragma once

#include <string_view>

#include "console.h"

namespace berth::cli {

// docker's command.PromptForConfirmation: prints the warning and
// "Are you sure you want to continue? [y/N] ", true only for "y"/"Y".
bool confirm_prompt(const Console& console, std::string_view warning);

}  // namespace berth::cli
