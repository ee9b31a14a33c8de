// The JSON writer: output json-glib reads back exactly, and that a strict parser accepts.
#include "signaling/protocol/json_writer.hpp"

#include <gtest/gtest.h>
#include <json-glib/json-glib.h>

#include <string>

#include "common/glib_ptr.hpp"
#include "signaling/protocol/json_scan.hpp"

namespace shotcall::protocol::json {
namespace {

// The string json-glib reads from `{"s":<quoted>}`.
std::string read_back(const std::string& object_text) {
  GPtr<JsonParser> parser{json_parser_new()};
  EXPECT_TRUE(json_parser_load_from_data(parser.get(), object_text.c_str(), -1, nullptr))
      << object_text;
  JsonNode* root = json_parser_get_root(parser.get());
  if (root == nullptr || !JSON_NODE_HOLDS_OBJECT(root)) return "<no object>";
  return json_object_get_string_member(json_node_get_object(root), "s");
}

std::string object_with(std::string_view s) {
  Writer w;
  w.begin_object();
  w.string_member("s", s);
  w.end_object();
  return w.take();
}

TEST(JsonWriter, EveryAsciiCharacterRoundTrips) {
  std::string all;
  for (int c = 1; c < 128; ++c) all += static_cast<char>(c);
  const std::string text = object_with(all);
  EXPECT_TRUE(is_faithful_object(text)) << text;
  EXPECT_EQ(read_back(text), all);
  // Control characters are escaped, U+001F included (json-glib 1.6's generator misses it).
  EXPECT_NE(text.find("\\u001f"), std::string::npos);
  EXPECT_NE(text.find("\\n"), std::string::npos);
  EXPECT_EQ(text.find('\x1f'), std::string::npos);
}

TEST(JsonWriter, UnicodeIsKeptAsUtf8) {
  const std::string s = "äöü ÄÖÜ ß Σίσυφος 日本語 한국어 😀 \u2028\u2029 \uFEFF";
  const std::string text = object_with(s);
  EXPECT_EQ(text, "{\"s\":\"" + s + "\"}");
  EXPECT_TRUE(is_faithful_object(text));
  EXPECT_EQ(read_back(text), s);
}

TEST(JsonWriter, InvalidUtf8IsReplaced) {
  const std::string text = object_with(std::string("a\xff\xc0\xaf" "b\0c", 7));
  EXPECT_TRUE(is_faithful_object(text)) << text;
  EXPECT_EQ(read_back(text), "a\uFFFD\uFFFD\uFFFDb\uFFFDc");
}

TEST(JsonWriter, NumbersAreShortestAndStayNumbersOfTheirKind) {
  Writer w;
  w.begin_array();
  for (double d : {0.1, 1.0, -2.5, 1e300, 1e-7, 123456789.125, 0.0}) w.number(d);
  w.number(1.0 / 0.0);  // no JSON for it: null keeps the text valid
  w.integer(INT64_MIN);
  w.integer(0);
  w.boolean(true);
  w.null();
  w.end_array();
  EXPECT_EQ(w.take(),
            "[0.1,1.0,-2.5,1e+300,1e-07,123456789.125,0.0,null,-9223372036854775808,0,true,null]");
}

TEST(JsonWriter, NodesKeepMemberOrderAndValues) {
  const char* input =
      R"({"z":1,"a":[1.5,"x",null,true,{"k":-3}],"m":{},"a2":[],"dup":1,"dup":2,"big":9223372036854775807})";
  GPtr<JsonParser> parser{json_parser_new()};
  ASSERT_TRUE(json_parser_load_from_data(parser.get(), input, -1, nullptr));
  Writer w;
  w.node(json_parser_get_root(parser.get()));
  // A repeated name keeps its last value, once (as json-glib stores it).
  EXPECT_EQ(w.take(),
            R"({"z":1,"a":[1.5,"x",null,true,{"k":-3}],"m":{},"a2":[],"dup":2,"big":9223372036854775807})");
}

TEST(JsonWriter, CommasBetweenMembersAndElements) {
  Writer w;
  w.begin_object();
  w.key("a");
  w.begin_array();
  w.begin_object();
  w.end_object();
  w.begin_array();
  w.end_array();
  w.string("s");
  w.end_array();
  w.integer_member("n", 5);
  w.key("r");
  w.raw(R"({"x":[1]})");
  w.end_object();
  EXPECT_EQ(w.take(), R"({"a":[{},[],"s"],"n":5,"r":{"x":[1]}})");
}

}  // namespace
}  // namespace shotcall::protocol::json
