// The strict JSON scanner (signaling/protocol/json_scan.hpp) on arbitrary text, checked against
// json-glib, the parser it guards. Input: one byte picks the depth and value limits, the rest is
// the text. Checks: a verdict is self-consistent (an error has a reason and lies inside the text);
// raising the limits never turns an accepted text into a refused one; and every text the scanner
// calls a faithful object is one json-glib parses into an object (the scanner exists so that
// json-glib only ever sees text it reads right).
#include <glib.h>
#include <json-glib/json-glib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "signaling/protocol/json_scan.hpp"

namespace {

namespace json = shotcall::protocol::json;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "json_scan invariant broken: %s\n", what);
    std::abort();
  }
}

bool json_glib_reads_an_object(std::string_view text) {
  JsonParser* parser = json_parser_new_immutable();
  GError* error = nullptr;
  const bool parsed =
      json_parser_load_from_data(parser, text.data(), static_cast<gssize>(text.size()), &error);
  bool object = false;
  if (parsed) {
    JsonNode* root = json_parser_get_root(parser);
    object = root != nullptr && JSON_NODE_HOLDS_OBJECT(root);
  }
  if (error) g_error_free(error);
  g_object_unref(parser);
  return object;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::size_t depth = 1 + data[0] % 8;
  const std::size_t values = 1 + (data[0] >> 3) * 3;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);

  const json::ScanResult tight = json::scan(text, depth, values);
  const json::ScanResult full = json::scan(text);
  for (const auto* r : {&tight, &full}) {
    check(r->ok == r->error.empty(), "ok and an error message disagree");
    check(r->error_offset <= text.size(), "error offset past the end of the text");
  }
  if (tight.ok) check(full.ok, "accepted under tight limits but refused under the defaults");

  if (json::is_faithful_object(text))
    check(json_glib_reads_an_object(text), "a faithful object that json-glib cannot read");
  return 0;
}
