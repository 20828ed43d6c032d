#include "tasks/python_random.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace jb::tasks {
namespace {

constexpr size_t kN = 624;
constexpr size_t kM = 397;
constexpr uint32_t kMatrixA = 0x9908b0dfU;
constexpr uint32_t kUpperMask = 0x80000000U;
constexpr uint32_t kLowerMask = 0x7fffffffU;

int BitLength(uint32_t n) {
  int bits = 0;
  while (n != 0) {
    ++bits;
    n >>= 1;
  }
  return bits;
}

}  // namespace

// MT19937's reference init_genrand / init_by_array (Matsumoto and Nishimura, mt19937ar.c),
// which CPython's random_seed calls with the absolute value of the int seed split into 32-bit
// words (one word 0 for the seed 0).
void PythonRandom::InitGenrand(uint32_t s) {
  state_[0] = s;
  for (size_t i = 1; i < kN; ++i) {
    state_[i] = 1812433253U * (state_[i - 1] ^ (state_[i - 1] >> 30)) + static_cast<uint32_t>(i);
  }
  index_ = kN;
}

PythonRandom::PythonRandom(uint64_t seed) {
  std::vector<uint32_t> key;
  do {
    key.push_back(static_cast<uint32_t>(seed & 0xffffffffU));
    seed >>= 32;
  } while (seed != 0);
  InitGenrand(19650218U);
  size_t i = 1;
  size_t j = 0;
  for (size_t k = std::max(kN, key.size()); k > 0; --k) {
    state_[i] = (state_[i] ^ ((state_[i - 1] ^ (state_[i - 1] >> 30)) * 1664525U)) + key[j] +
                static_cast<uint32_t>(j);
    ++i;
    ++j;
    if (i >= kN) {
      state_[0] = state_[kN - 1];
      i = 1;
    }
    if (j >= key.size()) j = 0;
  }
  for (size_t k = kN - 1; k > 0; --k) {
    state_[i] = (state_[i] ^ ((state_[i - 1] ^ (state_[i - 1] >> 30)) * 1566083941U)) -
                static_cast<uint32_t>(i);
    ++i;
    if (i >= kN) {
      state_[0] = state_[kN - 1];
      i = 1;
    }
  }
  state_[0] = 0x80000000U;
  index_ = kN;
}

uint32_t PythonRandom::NextUint32() {
  if (index_ >= kN) {
    for (size_t k = 0; k < kN; ++k) {
      const uint32_t y = (state_[k] & kUpperMask) | (state_[(k + 1) % kN] & kLowerMask);
      state_[k] = state_[(k + kM) % kN] ^ (y >> 1) ^ ((y & 1U) ? kMatrixA : 0U);
    }
    index_ = 0;
  }
  uint32_t y = state_[index_++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= y >> 18;
  return y;
}

uint32_t PythonRandom::GetRandBits(int k) {
  // CPython's getrandbits(k <= 32): genrand_uint32() >> (32 - k); getrandbits(0) is 0.
  if (k <= 0) return 0;
  return NextUint32() >> (32 - k);
}

uint32_t PythonRandom::RandBelow(uint32_t n) {
  const int k = BitLength(n);
  uint32_t r = GetRandBits(k);
  while (r >= n) r = GetRandBits(k);
  return r;
}

std::vector<uint32_t> PythonRandom::Sample(uint32_t n, uint32_t k) {
  std::vector<uint32_t> result;
  result.reserve(k);
  uint64_t setsize = 21;
  if (k > 5) {
    // 4 ** _ceil(_log(k * 3, 4)); math.log(x, 4) is log(x) / log(4) in C doubles.
    setsize += static_cast<uint64_t>(
        std::pow(4.0, std::ceil(std::log(static_cast<double>(k) * 3) / std::log(4.0))));
  }
  if (n <= setsize) {
    std::vector<uint32_t> pool(n);
    for (uint32_t i = 0; i < n; ++i) pool[i] = i;
    for (uint32_t i = 0; i < k; ++i) {
      const uint32_t j = RandBelow(n - i);
      result.push_back(pool[j]);
      pool[j] = pool[n - i - 1];
    }
    return result;
  }
  std::set<uint32_t> selected;
  for (uint32_t i = 0; i < k; ++i) {
    uint32_t j = RandBelow(n);
    while (selected.count(j)) j = RandBelow(n);
    selected.insert(j);
    result.push_back(j);
  }
  return result;
}

}  // namespace jb::tasks
