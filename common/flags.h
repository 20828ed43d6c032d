// Command-line flags that fall back to JOULEBENCH_* environment variables, for Kubernetes.
//
//   jb::AddFlag(cmd, "--db", db_url, "PostgreSQL connection URL");
//
// registers --db with environment fallback JOULEBENCH_DB (name upper-cased, '-' -> '_'), and
// appends "[env: JOULEBENCH_DB]" to the help text. The command line wins over the environment,
// the environment over the default. One way for every subcommand to declare its flags.
#pragma once

#include <string>

#include "CLI/CLI.hpp"

namespace jb {

// The environment variable a flag falls back to: "--http-listen" -> "JOULEBENCH_HTTP_LISTEN".
std::string FlagEnvName(const std::string& flag);

template <typename T>
CLI::Option* AddFlag(CLI::App* cmd, const std::string& flag, T& value, const std::string& help) {
  return cmd->add_option(flag, value, help)->envname(FlagEnvName(flag))->capture_default_str();
}

// A boolean switch: present means true (JOULEBENCH_X=true or 1 in the environment).
inline CLI::Option* AddFlag(CLI::App* cmd, const std::string& flag, bool& value,
                            const std::string& help) {
  return cmd->add_flag(flag, value, help)->envname(FlagEnvName(flag));
}

}  // namespace jb
