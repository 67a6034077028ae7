# The Dockerfile parser and Docker's shell-word expansion for berth_core,
# relative to core/. nlohmann_json (JSON-form arguments) is linked already.
set(BERTH_DOCKERFILE_SOURCES
  build/dockerfile/go_text.cpp
  build/dockerfile/go_duration.cpp
  build/dockerfile/dockerfile_lines.cpp
  build/dockerfile/instruction_syntax.cpp
  build/dockerfile/instruction_rules.cpp
  build/dockerfile/dockerfile.cpp
  build/dockerfile/word_expansion.cpp
)
