// The strict JSON check in front of json-glib.
#include <gtest/gtest.h>

#include <string>

#include "signaling/protocol/json_scan.hpp"

namespace shotcall::protocol::json {
namespace {

std::string nest(std::size_t depth) {
  return std::string(depth, '[') + std::string(depth, ']');
}

TEST(JsonScan, AcceptsStrictJson) {
  for (const std::string text :
       {"{}", "[]", "0", "-0", "-1.5e+10", "1E-2", "0.0", "true", "false", "null", "\"\"",
        " \t\r\n{ \"a\" : [ 1 , { } , [ ] , \"x\" ] } \n", R"({"":1,"a":{"b":[true,false,null]}})",
        R"("\"\\\/\b\f\n\r\t\u00e9\uD83D\uDE00")", "\"ä日本😀\x7f\"", "9223372036854775807",
        "-9223372036854775808"}) {
    const ScanResult r = scan(text);
    EXPECT_TRUE(r.ok) << text << ": " << r.error << " at " << r.error_offset;
    EXPECT_FALSE(r.number_out_of_range) << text;
  }
}

TEST(JsonScan, RejectsWhatJsonGlibWouldLet) {
  for (const std::string text :
       {"", " ", "{", "}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "[1,]", "[,1]", "{a:1}", "{'a':1}",
        "{}{}", "{} x", "01", "-", "+1", "1.", ".5", "1e", "1e+", "0x10", "NaN", "Infinity", "tru",
        "nul", "TRUE", "\"a", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"", "\"\\ud800\"",
        "\"\\ud800\\u0041\"", "\"\\udc00\"", "\"a\tb\"", "\"a\nb\"", "/* c */ {}", "{} // c",
        "{\"a\":1 /* c */}", "[1 2]", "{\"a\" 1}"}) {
    EXPECT_FALSE(scan(text).ok) << text;
  }
}

TEST(JsonScan, ReportsWhereItFailed) {
  const ScanResult r = scan(R"({"a":1,})");
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error_offset, 7u);
  EXPECT_FALSE(r.error.empty());
}

TEST(JsonScan, LimitsNesting) {
  EXPECT_TRUE(scan(nest(kMaxDepth)).ok);
  const ScanResult deep = scan(nest(kMaxDepth + 1));
  EXPECT_FALSE(deep.ok);
  EXPECT_EQ(deep.error, "nested too deeply");
  // Deep enough to overflow a recursive parser's stack: refused, not crashed.
  EXPECT_FALSE(scan(std::string(1'000'000, '[')).ok);
  std::string objects;
  for (int i = 0; i < 100'000; ++i) objects += "{\"a\":";
  EXPECT_EQ(scan(objects).error, "nested too deeply");
}

// `[1,1,…]` with `n` values in all (the array counts as one).
std::string array_of_values(std::size_t n) {
  std::string text = "[";
  for (std::size_t i = 1; i < n; ++i) text += i == 1 ? "1" : ",1";
  return text + "]";
}

TEST(JsonScan, LimitsTheNumberOfValues) {
  EXPECT_TRUE(scan(array_of_values(kMaxValues)).ok);
  const ScanResult many = scan(array_of_values(kMaxValues + 1));
  EXPECT_FALSE(many.ok);
  EXPECT_EQ(many.error, "too many values");
  EXPECT_TRUE(scan(array_of_values(10), kMaxDepth, 10).ok);
  EXPECT_FALSE(scan(array_of_values(11), kMaxDepth, 10).ok);
  EXPECT_FALSE(scan(R"({"a":{},"b":[],"c":1})", kMaxDepth, 3).ok);  // containers count too
  EXPECT_TRUE(scan(R"({"a":{},"b":[],"c":1})", kMaxDepth, 4).ok);   // member names do not
}

TEST(JsonScan, FlagsNumbersOutOfRange) {
  EXPECT_FALSE(scan("9223372036854775807").number_out_of_range);
  EXPECT_TRUE(scan("9223372036854775808").number_out_of_range);
  EXPECT_FALSE(scan("-9223372036854775808").number_out_of_range);
  EXPECT_TRUE(scan("-9223372036854775809").number_out_of_range);
  EXPECT_TRUE(scan("[99999999999999999999]").number_out_of_range);
  EXPECT_TRUE(scan("{\"a\":1e309}").number_out_of_range);
  EXPECT_TRUE(scan("-1e309").number_out_of_range);
  EXPECT_FALSE(scan("1e308").number_out_of_range);
  EXPECT_FALSE(scan("1e-400").number_out_of_range);  // underflows to 0: still a faithful number
}

TEST(JsonScan, FlagsNulInStrings) {
  EXPECT_TRUE(scan(R"({"a":"x\u0000"})").nul_in_string);
  EXPECT_TRUE(scan(R"({"\u0000":1})").nul_in_string);
  EXPECT_FALSE(scan(R"({"a":"\\u0000"})").nul_in_string);  // an escaped backslash, then text
}

TEST(JsonScan, RefusesDuplicateMemberNames) {
  for (const std::string text :
       {R"({"a":1,"a":2})", R"({"a":1,"b":2,"a":1})", R"({"type":"x","\u0074ype":"y"})",
        R"({"\ud83d\ude00":1,"😀":2})", R"({"\n":1,"\u000a":2})", R"({"\/":1,"/":2})",
        R"([{"x":{"":1,"":2}}])"}) {
    const ScanResult r = scan(text);
    EXPECT_FALSE(r.ok) << text;
    EXPECT_EQ(r.error, "duplicate member name") << text;
  }
  for (const std::string text : {R"({"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]})",
                                 R"({"a":1,"A":2,"a ":3,"\u00e9":4,"e\u0301":5})"}) {
    const ScanResult r = scan(text);
    EXPECT_TRUE(r.ok) << text << ": " << r.error;
  }
}

TEST(JsonScan, FaithfulObject) {
  EXPECT_TRUE(is_faithful_object(R"({"sdp":{"type":"offer","sdp":"v=0\r\n"}})"));
  EXPECT_TRUE(is_faithful_object(" {} "));
  EXPECT_FALSE(is_faithful_object("[]"));
  EXPECT_FALSE(is_faithful_object(""));
  EXPECT_FALSE(is_faithful_object("{\"a\":\"\xff\"}"));
  EXPECT_FALSE(is_faithful_object(std::string("{}\0", 3)));
  EXPECT_FALSE(is_faithful_object(R"({"a":"\u0000"})"));
  EXPECT_FALSE(is_faithful_object(R"({"a":18446744073709551616})"));
}

}  // namespace
}  // namespace shotcall::protocol::json
