// The pure parts of the server's defences against hostile clients (issue 18): counting what
// leaves the outgoing queue, the Origin policy and their settings.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "signaling/server/transport/origin_policy.hpp"
#include "signaling/server/transport/output_meter.hpp"
#include "signaling/server/ops/server_config.hpp"

namespace shotcall::server {
namespace {

// An unmasked server frame, as libsoup writes it.
std::string frame(unsigned opcode, std::size_t payload) {
  std::string f;
  f += static_cast<char>(0x80 | opcode);
  if (payload < 126) {
    f += static_cast<char>(payload);
  } else if (payload < 65536) {
    f += static_cast<char>(126);
    f += static_cast<char>(payload >> 8);
    f += static_cast<char>(payload & 0xff);
  } else {
    f += static_cast<char>(127);
    for (int shift = 56; shift >= 0; shift -= 8) f += static_cast<char>((payload >> shift) & 0xff);
  }
  return f + std::string(payload, 'x');
}

void feed(OutputMeter& m, const std::string& bytes, std::size_t chunk) {
  for (std::size_t i = 0; i < bytes.size(); i += chunk) {
    const std::size_t n = std::min(chunk, bytes.size() - i);
    m.feed(reinterpret_cast<const std::uint8_t*>(bytes.data() + i), n);
  }
}

// Data frames and pongs are what the server counts as it queues them (send_text, owe_pong); its
// own pings and its close frame are not.
TEST(OutputMeter, CountsDataFramesAndPongsWithTheirOverheadButNotPingsOrClose) {
  const std::string stream = frame(0x1, 5) + frame(0x9, 4) + frame(0x1, 300) + frame(0xA, 0) +
                             frame(0x2, 70000) + frame(0x1, 0) + frame(0xA, 125) + frame(0x8, 2);
  const std::uint64_t expected = 5 + 300 + 0 + 70000 + 0 + 125 + 6 * kQueuedFrameOverhead;
  for (std::size_t chunk : {std::size_t{1}, std::size_t{3}, std::size_t{4096}, stream.size()}) {
    OutputMeter m;
    feed(m, stream, chunk);
    EXPECT_EQ(m.written(), expected) << "chunks of " << chunk;
  }
}

TEST(OutputMeter, CountsAPartlyWrittenFrameAsFarAsItWent) {
  OutputMeter m;
  const std::string f = frame(0x1, 1000);
  feed(m, f.substr(0, 4 + 100), 7);
  EXPECT_EQ(m.written(), kQueuedFrameOverhead + 100);
}

TEST(OriginPolicy, NativeClientsAndTheServersOwnPagesAreAllowed) {
  EXPECT_TRUE(origin_allowed(std::nullopt, "127.0.0.1:7800", {}, {}));
  EXPECT_TRUE(origin_allowed("http://127.0.0.1:7800", "127.0.0.1:7800", {}, {}));
  EXPECT_TRUE(origin_allowed("HTTPS://Voice.Example.ORG", "voice.example.org", {}, {}));
  EXPECT_TRUE(origin_allowed("https://voice.example.org", "voice.example.org:443", {}, {}));
  EXPECT_TRUE(origin_allowed("https://voice.example.org/", "voice.example.org", {}, {}));
  // The scheme is not compared: behind a TLS-terminating proxy the server sees plain HTTP.
  EXPECT_TRUE(origin_allowed("https://127.0.0.1:7800", "127.0.0.1:7800", {}, {}));
  // Behind a proxy that rewrites Host, --public-host names the page's host.
  EXPECT_TRUE(
      origin_allowed("https://voice.example.org", "127.0.0.1:7800", {"voice.example.org"}, {}));
}

TEST(OriginPolicy, OtherPagesNeedToBeAllowed) {
  EXPECT_FALSE(origin_allowed("http://evil.example", "127.0.0.1:7800", {}, {}));
  EXPECT_FALSE(origin_allowed("http://127.0.0.1:7801", "127.0.0.1:7800", {}, {}));
  EXPECT_FALSE(origin_allowed("https://example.org", "example.org:80", {}, {"http://x"}))
      << "https defaults to 443, so this is another port";
  EXPECT_FALSE(origin_allowed("null", "127.0.0.1:7800", {}, {}));
  EXPECT_FALSE(origin_allowed("", "127.0.0.1:7800", {}, {}));
  EXPECT_FALSE(origin_allowed("file://", "", {}, {}));
  EXPECT_FALSE(origin_allowed("http://a@127.0.0.1:7800", "127.0.0.1:7800", {}, {}));
  EXPECT_TRUE(origin_allowed("http://evil.example", "h", {}, {"http://evil.example"}));
  EXPECT_TRUE(origin_allowed("null", "h", {}, {"*"}));
}

ConfigOutcome parse(std::vector<std::string> args) {
  return parse_config(args, [](std::string_view) { return std::optional<std::string>{}; });
}

TEST(AbuseSettings, QueueCapAndOriginsParseAndValidate) {
  const auto defaults = parse({});
  ASSERT_TRUE(defaults.config);
  EXPECT_EQ(defaults.config->max_queued_bytes, 4u * 1024 * 1024);
  EXPECT_TRUE(defaults.config->allowed_origins.empty());
  const auto big_frames = parse({"--max-frame", "4194304"});
  ASSERT_TRUE(big_frames.config);
  EXPECT_EQ(big_frames.config->max_queued_bytes, 4u * 4194304);

  const auto set = parse({"--max-queued-bytes", "1048576", "--allowed-origin",
                          "https://Voice.Example.org/", "--allowed-origin", "*"});
  ASSERT_TRUE(set.config) << set.err;
  EXPECT_EQ(set.config->max_queued_bytes, 1048576u);
  EXPECT_EQ(set.config->allowed_origins,
            (std::vector<std::string>{"https://voice.example.org", "*"}));

  for (const auto& bad :
       std::vector<std::vector<std::string>>{{"--max-queued-bytes", "10"},
                                             {"--max-queued-bytes", "2048"},  // below --max-frame
                                             {"--allowed-origin", "voice.example.org"},
                                             {"--allowed-origin", "ftp://x"},
                                             {"--allowed-origin", "https://x/path"},
                                             {"--allowed-origin", "https://"}}) {
    const auto o = parse(bad);
    EXPECT_FALSE(o.config) << bad[0] << " " << bad[1];
    EXPECT_NE(o.err.find(bad[0]), std::string::npos) << o.err;
  }
}

}  // namespace
}  // namespace shotcall::server
