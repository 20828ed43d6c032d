// Python's random.Random, as far as lm-eval's seeded few-shot sampler needs it, reproduced draw
// for draw so a suite picks the same shots lm-eval picks (tasks/fewshot.h).
//
//   PythonRandom(seed)  random.Random(seed) for a non-negative int: MT19937 seeded with
//                       init_by_array over the seed's 32-bit words, least significant first
//                       (CPython Modules/_randommodule.c, random_seed / init_by_array).
//   GetRandBits(k)      random.getrandbits(k) for k <= 32: the top k bits of one 32-bit output.
//   RandBelow(n)        random._randbelow_with_getrandbits(n): getrandbits(n.bit_length())
//                       until the draw is below n.
//   Sample(n, k)        random.sample(range(n), k): for a small population (n <= setsize, with
//                       setsize = 21, plus 4 ** ceil(log(3k, 4)) when k > 5) the pool branch
//                       (draw j below n - i, swap the last unpicked item into slot j); otherwise
//                       the set branch (draw below n, redraw indices already picked).
//                       (CPython Lib/random.py, Random.sample, unchanged from 3.2 to 3.13.)
//
// tests/tasks/python_random_test.cc pins every function against numbers CPython 3.11 printed.
// Thread-safety: an object is not thread-safe; use one per thread.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace jb::tasks {

class PythonRandom {
 public:
  explicit PythonRandom(uint64_t seed);

  // REQUIRES: 0 <= k <= 32.
  uint32_t GetRandBits(int k);
  // REQUIRES: 0 < n < 2^32.
  uint32_t RandBelow(uint32_t n);
  // Indices into a population of n, in selection order. REQUIRES: k <= n < 2^32.
  std::vector<uint32_t> Sample(uint32_t n, uint32_t k);

 private:
  uint32_t NextUint32();
  void InitGenrand(uint32_t s);

  std::array<uint32_t, 624> state_{};
  size_t index_ = 625;
};

}  // namespace jb::tasks
