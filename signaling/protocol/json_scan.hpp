// A strict RFC 8259 checker for JSON text, run before json-glib sees a frame.
//
// Why: json-glib 1.6 is lenient and lossy. It accepts `{}{}`, comments, single quotes, hex and
// leading-zero numbers and unknown escapes; it wraps integers beyond 64 bits (2^64+... → -1), turns
// 1e400 into inf (which its generator writes as the invalid `inf.0`), turns a lone `\ud800` into
// invalid UTF-8, truncates strings at `\u0000`, and recurses without a depth limit. Checking the
// text first makes the codec's idea of "valid JSON" the standard one and keeps every value the
// tree holds faithful to the text. It also refuses duplicate member names (json-glib keeps the
// last one: a parser differential). Pure: it allocates only to remember each object's names.
#pragma once

#include <cstddef>
#include <string_view>

namespace shotcall::protocol::json {

// Deepest nesting of objects/arrays accepted. Protocol frames need 4; relayed `data` a few more.
inline constexpr std::size_t kMaxDepth = 64;
// Most values (scalars, objects, arrays; not member names) in one text. The largest protocol
// frames hold a few dozen. Why a bound: json-glib spends ~1-2 µs per value, so 64 KiB of
// `1,1,1,…` costs ~14 ms to parse and at 50 frames/s one connection could take most of a core;
// with this bound the costliest 64 KiB frame takes about half a millisecond.
inline constexpr std::size_t kMaxValues = 256;

struct ScanResult {
  bool ok = false;                   // one strict JSON value, within the depth and value limits
  std::size_t error_offset = 0;      // byte where the text went wrong (when !ok)
  std::string_view error;            // why (static text; empty when ok)
  bool object = false;               // the value is an object
  bool nul_in_string = false;        // a string holds U+0000 (json-glib would cut it off there)
  bool number_out_of_range = false;  // an integer beyond int64 or a number beyond double
};

// `text` must already be valid UTF-8 (checked separately with g_utf8_validate_len): bytes above
// 0x7f inside strings pass through unchecked.
ScanResult scan(std::string_view text, std::size_t max_depth = kMaxDepth,
                std::size_t max_values = kMaxValues);

// True when `text` is one JSON object that a decoder reads back faithfully: valid UTF-8, strict
// syntax within the limits above, no U+0000 in strings, numbers in range. The gate for splicing `data_json` into frames.
bool is_faithful_object(std::string_view text);

}  // namespace shotcall::protocol::json
