// Built against an installed typenet: links typenet::typenet and, through it,
// ZLIB::ZLIB (found by find_package(typenet)'s find_dependency(ZLIB)).
#include <cstdint>
#include <string>

#include <typenet/typenet.hpp>

int main() {
  // printf 'typenet\n' | gzip -n -9
  static constexpr std::uint8_t gz[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03,
                                        0x2b, 0xa9, 0x2c, 0x48, 0xcd, 0x4b, 0x2d, 0xe1, 0x02, 0x00,
                                        0x10, 0xfc, 0x5b, 0x50, 0x08, 0x00, 0x00, 0x00};
  const auto text = typenet::detail::gunzip(gz, "consumer.gz");
  return std::string(text.begin(), text.end()) == "typenet\n" ? 0 : 1;
}
