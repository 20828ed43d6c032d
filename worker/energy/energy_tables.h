// The energy tables compiled into the binary (worker/CMakeLists.txt, jb_energy_tables_embedded):
// CSV files under worker/energy/data/, derived from CodeCarbon's data with their source and
// year kept (data/README.md). The binary needs no data directory at run time.
// Thread-safety: the tables are immutable.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace jb::worker {

// The contents of data/NAME, e.g. EnergyTable("cpu_tdp.csv"). A name that is not embedded is
// a programming error (checked: aborts with the name).
const std::string& EnergyTable(absl::string_view name);

}  // namespace jb::worker
