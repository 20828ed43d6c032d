#include "worker/energy/energy_tables.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include "common/embedded_file.h"

namespace jb::worker {

namespace embedded {
const std::vector<jb::EmbeddedFile>& EmbeddedFiles();
}  // namespace embedded

const std::string& EnergyTable(absl::string_view name) {
  for (const jb::EmbeddedFile& file : embedded::EmbeddedFiles()) {
    if (file.path == name) return file.contents;
  }
  std::fprintf(stderr, "joulebench: energy table %.*s is not compiled in\n",
               static_cast<int>(name.size()), name.data());
  std::abort();
}

}  // namespace jb::worker
