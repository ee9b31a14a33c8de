// The pairing core (signaling/core/pairing.hpp) driven as the server drives it, by a small
// interpreter over the input. The first byte configures the core (identity policy, with or
// without the SQLite identity database, channel size); every following line is one step:
//   c<n>          connection n (0-7) opens
//   h<n> <frame>  connection n sends a text frame: decode_client, then handle() when it decodes
//   d<n>          connection n closes
//   s<digit>      sweep with an unjoined time to live of digit seconds
//   t<digit>      the clock moves 10^digit milliseconds on
// Peer ids are p1, p2, ... in connect order, challenges challenge-1, challenge-2, ... and link
// codes ABCD0011, ABCD0012, ..., so seeds (fuzz/corpus/pairing) can name them and carry proofs.
// Checks after every step: nothing is sent to a connection that is not open or was just closed;
// nothing after a connection's close; every message encodes to a frame a client decodes back to
// the same message; no channel holds more than max_members or a member that is not connected;
// the core counts exactly the open connections; a closed connection's disconnect is silent.
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <variant>

#include "signaling/core/pairing.hpp"
#include "signaling/protocol/codec.hpp"
#include "signaling/protocol/json_scan.hpp"
#include "signaling/store/memory_store.hpp"
#include "signaling/store/sqlite_identity_store.hpp"

namespace {

namespace p = shotcall::protocol;
namespace core = shotcall::core;

void check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "pairing invariant broken: %s\n", what);
    std::abort();
  }
}

// One SQLite file per input, so every run starts from an empty database and a crash replays
// alone. Kept in memory-backed /dev/shm when there is one: the database syncs on every commit.
// The directory goes when the fuzzer exits normally.
struct DatabaseDir {
  std::filesystem::path path;
  DatabaseDir() {
    const std::filesystem::path base =
        std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    path = base / ("shotcall-fuzz-pairing-" + std::to_string(::getpid()));
    std::filesystem::create_directories(path);
  }
  ~DatabaseDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
};

const std::filesystem::path& database_dir() {
  static const DatabaseDir dir;
  return dir.path;
}

class Interpreter {
 public:
  explicit Interpreter(std::uint8_t setup) {
    core::PairingConfig config;
    config.server = {"shotcall-signal", "fuzz"};
    config.max_members = 2 + setup % 4;
    config.watch_available = (setup & 0x10) != 0;
    config.identity.policy = static_cast<core::IdentityPolicy>((setup >> 2) % 3);
    config.identity.accepted_hosts = {"127.0.0.1:7800", "localhost:7800"};
    max_members_ = config.max_members;

    core::PairingDeps deps{[this] { return now_ms_; },
                           [this] { return "p" + std::to_string(++peers_); }};
    if ((setup & 0x20) == 0) {
      const auto path = database_dir() / "identity.sqlite";
      for (const char* suffix : {"", "-wal", "-shm"})
        std::filesystem::remove(path.string() + suffix);
      std::string error;
      db_ = shotcall::store::SqliteIdentityStore::open(path.string(), error,
                                                       std::chrono::milliseconds(0));
      check(db_ != nullptr, "the identity database did not open");
      deps.identity = db_.get();
      deps.new_challenge = [this] { return "challenge-" + std::to_string(++challenges_); };
      deps.new_link_code = [this] { return "ABCD00" + std::to_string(10 + ++codes_); };
    }
    pairing_ = std::make_unique<core::Pairing>(config, store_, std::move(deps));
  }

  void step(char op, char arg, std::string_view rest) {
    const core::ConnId conn = 1 + static_cast<unsigned char>(arg) % 8;
    switch (op) {
      case 'c':
        if (open_.count(conn)) return;  // the shell never reuses a live handle
        pairing_->connect(conn, "192.0.2." + std::to_string(conn % 3));
        open_.insert(conn);
        peer_of_[conn] = pairing_->peer_id_of(conn).value_or("");
        check(!peer_of_[conn].empty(), "a connected connection has no peer id");
        break;
      case 'h': {
        if (!open_.count(conn)) return;
        const auto decoded = p::decode_client(rest);
        if (const auto* message = std::get_if<p::ClientMessage>(&decoded))
          deliver(pairing_->handle(conn, *message));
        break;
      }
      case 'd':
        if (open_.count(conn)) {
          deliver(pairing_->disconnect(conn), conn);
          forget(conn);
        } else {
          check(pairing_->disconnect(conn).empty(), "a closed connection's disconnect sent");
        }
        break;
      case 's':
        pairing_->sweep(static_cast<std::int64_t>(arg % 10) * 1000);
        break;
      case 't': {
        std::int64_t ms = 1;
        for (int i = arg % 10; i > 0; --i) ms *= 10;
        now_ms_ += ms;
        break;
      }
      default:
        return;
    }
    check_state();
  }

 private:
  // `leaving`: the connection being disconnected, which may hear nothing more.
  void deliver(const core::Outbox& out, core::ConnId leaving = 0) {
    std::set<core::ConnId> closed;
    for (const auto& o : out) {
      check(o.to != core::kRemote, "a remote message from a single-instance core");
      check(open_.count(o.to) == 1, "a message to a connection that is not open");
      check(o.to != leaving, "a message to the connection that is closing");
      check(closed.count(o.to) == 0, "a message after the connection's close");
      check(p::json::is_faithful_object(p::encode(o.message)), "a message encodes badly");
      const auto back = p::decode_server(p::encode(o.message));
      check(std::holds_alternative<p::ServerMessage>(back) &&
                std::get<p::ServerMessage>(back) == o.message,
            "a message does not survive encode and decode");
      if (const auto* joined = std::get_if<p::JoinedChannel>(&o.message.body)) {
        check(joined->members.size() < max_members_, "joined a channel beyond max_members");
        channels_.insert(joined->channel_id);
      }
      if (const auto* created = std::get_if<p::ChannelCreated>(&o.message.body))
        channels_.insert(created->channel.channel_id);
      if (const auto* offered = std::get_if<p::ChannelAvailable>(&o.message.body))
        channels_.insert(offered->channel.channel_id);
      if (o.close_code != 0) closed.insert(o.to);
    }
    for (const core::ConnId conn : closed) {
      forget(conn);
      check(pairing_->disconnect(conn).empty(), "a closed connection's disconnect sent");
    }
  }

  void forget(core::ConnId conn) {
    open_.erase(conn);
    peer_of_.erase(conn);
  }

  void check_state() {
    check(pairing_->connection_count() == open_.size(), "the core counts other connections");
    std::set<std::string> live;
    for (const auto& [conn, peer] : peer_of_) live.insert(peer);
    for (const auto& id : channels_) {
      const auto channel = store_.find(id);
      if (!channel) continue;
      check(channel->members.size() <= max_members_, "a channel beyond max_members");
      for (const auto& member : channel->members)
        check(live.count(member.peer_id) == 1, "a channel member that is not connected");
    }
  }

  std::unique_ptr<shotcall::store::SqliteIdentityStore> db_;
  core::MemoryStore store_;
  std::unique_ptr<core::Pairing> pairing_;
  std::size_t max_members_ = 5;
  std::int64_t now_ms_ = 1'700'000'000'000;
  int peers_ = 0, challenges_ = 0, codes_ = 0;
  std::set<core::ConnId> open_;
  std::map<core::ConnId, std::string> peer_of_;
  std::set<std::string> channels_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  Interpreter run(data[0]);
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  for (int steps = 0; !rest.empty() && steps < 64; ++steps) {
    const std::size_t end = rest.find('\n');
    const std::string_view line = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view{} : rest.substr(end + 1);
    if (line.size() < 2) continue;
    run.step(line[0], line[1], line.size() > 3 ? line.substr(3) : std::string_view{});
  }
  return 0;
}
