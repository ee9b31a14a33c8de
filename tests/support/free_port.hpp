// A free TCP port on 127.0.0.1 for a child that must be told its port in advance (redis-server,
// HAProxy), unlike shotcall-signal which takes --port 0 and reports the one it bound.
#pragma once

namespace shotcall::test {

// A port that is free on 127.0.0.1 now: bound, read back and closed. It is taken from outside
// the kernel's ephemeral range (net.ipv4.ip_local_port_range) when there is room, so no
// outgoing connection of any process picks it as its local port — which matters for a child
// restarted on the same port (RedisProcess::start_again). Another test could still take it
// before the child binds it: callers that can, retry on "address in use". Throws
// std::runtime_error if no port can be bound at all.
int free_loopback_port();

}  // namespace shotcall::test
