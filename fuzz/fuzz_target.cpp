// One libFuzzer executable per entry of fuzz_targets.h; CMake names the function with GAZETTE_FUZZ_ENTRY.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz_targets.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  gazette::fuzz::GAZETTE_FUZZ_ENTRY(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
