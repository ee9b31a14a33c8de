#include "tests/nat/bad_link.hpp"

#include <algorithm>
#include <cstdlib>

namespace shotcall::test {

std::optional<Impairment> parse_impairment(const std::vector<std::string>& args,
                                           std::vector<std::pair<std::string, std::string>>* rest,
                                           std::string* why) {
  Impairment im;
  for (std::size_t i = 0; i < args.size(); i += 2) {
    const std::string& name = args[i];
    if (i + 1 >= args.size()) {
      *why = name + " needs a value";
      return std::nullopt;
    }
    const std::string& value = args[i + 1];
    double* target = name == "--loss"     ? &im.loss_percent
                     : name == "--delay"  ? &im.delay_ms
                     : name == "--jitter" ? &im.jitter_ms
                                          : nullptr;
    if (!target) {
      if (name != "--dev" && name != "--seed") {
        *why = "unknown flag " + name;
        return std::nullopt;
      }
      if (rest) rest->emplace_back(name, value);
      continue;
    }
    char* end = nullptr;
    const double v = std::strtod(value.c_str(), &end);
    const double max = name == "--loss" ? 100.0 : 10000.0;
    if (value.empty() || *end != '\0' || !(v >= 0) || v > max) {
      *why = name + " must be a number from 0 to " + std::to_string(static_cast<int>(max));
      return std::nullopt;
    }
    *target = v;
  }
  return im;
}

LinkImpairer::LinkImpairer(Impairment impairment, std::uint32_t seed)
    : impairment_(impairment),
      rng_(seed),
      delay_(impairment.delay_ms, std::max(impairment.jitter_ms, 1e-9)) {}

std::optional<double> LinkImpairer::admit() {
  if (impairment_.loss_percent > 0 && uniform_(rng_) < impairment_.loss_percent)
    return std::nullopt;
  if (impairment_.jitter_ms <= 0) return impairment_.delay_ms;
  return std::max(0.0, delay_(rng_));
}

}  // namespace shotcall::test
