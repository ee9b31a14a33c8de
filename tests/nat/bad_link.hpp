// What a bad link does to one packet, as `tc netem loss P% delay D J distribution normal` does:
// drop it with probability P, or hold it for a delay drawn from a normal distribution (mean D,
// standard deviation J, cut at 0). Packets held for different times leave in the order of their
// release times, so jitter reorders them, as netem's time-sorted queue does. Plain C++: the
// program around it (bad_link_main.cpp) moves the packets.
#pragma once

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

namespace shotcall::test {

struct Impairment {
  double loss_percent = 0;  // 0-100
  double delay_ms = 0;      // mean one-way delay added
  double jitter_ms = 0;     // its standard deviation
};

// The flags of shotcall-bad-link (--loss PCT, --delay MS, --jitter MS) into an Impairment; nullopt
// with `why` for an unknown flag or a value out of range. `rest` gets the other flags' values
// (--dev NAME, --seed N) by name.
std::optional<Impairment> parse_impairment(const std::vector<std::string>& args,
                                           std::vector<std::pair<std::string, std::string>>* rest,
                                           std::string* why);

class LinkImpairer {
 public:
  LinkImpairer(Impairment impairment, std::uint32_t seed);
  // nullopt: the packet is lost; else how long to hold it, in ms (>= 0).
  std::optional<double> admit();

 private:
  Impairment impairment_;
  std::mt19937 rng_;
  std::uniform_real_distribution<double> uniform_{0.0, 100.0};
  std::normal_distribution<double> delay_;
};

}  // namespace shotcall::test
