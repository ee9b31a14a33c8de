// Networks put under one link in an engine test: every packet the link receives passes a probe
// in its nicesrc streaming thread before webrtcbin sees it, which delays it or loses it.
#pragma once

#include <gst/gst.h>

#include <atomic>
#include <map>
#include <random>
#include <utility>

namespace shotcall::test {

// Delays every packet of one link by a random time up to `max_delay_ms` (a queue that drains
// unevenly: Wi-Fi retries, a busy uplink), plus `step_ms` from when a test sets it (the path got
// longer: a route change, a queue that filled), in order. The buffer's arrival time is stamped
// again on release, as if the packet had only just arrived.
//
// Holding the streaming thread holds the packets behind it in the socket, so when a packet is
// read is not when it arrived: waiting each one's delay from when it was read would add the
// delays up and let through a third of the packets, a throttled link rather than a jittery one.
// So an RTP packet arrives when its timestamp says it was sent (the sender's audio clock runs
// with this one: same computer), counted from the first packet of its stream; STUN, DTLS and
// RTCP pass in order.
struct DelayingLink {
  std::mt19937 random;
  std::uniform_int_distribution<int> extra_us;
  std::atomic<int> step_ms{0};
  gint64 last_release_us = 0;
  std::map<guint32, std::pair<guint32, gint64>> streams;  // SSRC: first timestamp, when read
  std::atomic<int> packets{0};
  DelayingLink(int max_delay_ms, unsigned seed) : random(seed), extra_us(0, max_delay_ms * 1000) {}

  // When the packet arrived: from its RTP timestamp (Opus: 48 kHz), never after it was read.
  gint64 arrival_us(GstBuffer* buffer, gint64 read_us);
  void hold(GstBuffer* buffer, GstClockTime base_time, GstClock* clock);
};

// The pad probe (BUFFER | BUFFER_LIST) on a nicesrc's src pad that runs `data`, a DelayingLink.
GstPadProbeReturn delay_packet(GstPad* pad, GstPadProbeInfo* info, gpointer data);

// Loses one RTP packet in `every` from when a test sets it (0: none); STUN, DTLS and RTCP pass.
struct LosingLink {
  std::atomic<int> every{0};
  std::atomic<int> rtp{0};   // RTP packets seen while losing
  std::atomic<int> lost{0};  // of which lost
  bool loses(GstBuffer* buffer);
};

// The pad probe (BUFFER | BUFFER_LIST) on a nicesrc's src pad that runs `data`, a LosingLink.
GstPadProbeReturn lose_packet(GstPad* pad, GstPadProbeInfo* info, gpointer data);

}  // namespace shotcall::test
