// Hands webrtcdsp a whole 10 ms period whenever the capture starts over. Internal to app/media.
//
// webrtcdsp clears what it gathered of a period at a DISCONT, and GstBaseTransform hands it the
// DISCONT again with every input until one yields output. The first buffer of a stream is DISCONT,
// so a microphone whose buffers are shorter than a period (a PipeWire quantum of 256 samples is
// 5.3 ms) made it hand on nothing, ever: no voice was sent with any speech processing on
// (TwoEngines.AMicrophoneWithShortBuffersIsHeardThroughTheEchoCanceller). Cutting every buffer
// into periods (audiobuffersplit) cured that but held the sound up to a period longer, always:
// measured +9.9 ms mouth-to-ear with a microphone of 10 ms buffers.
#pragma once

#include <gst/gst.h>

#include <cstdint>

namespace shotcall::media {

// A probe on `sink_pad`: a DISCONT buffer shorter than `period_bytes` is held, and the buffers
// after it are appended, until they make a period; that goes on as one DISCONT buffer. Everything
// else passes as it is. (A new DISCONT while gathering starts over from it.)
void gather_period_after_discont(GstPad* sink_pad, std::uint64_t period_bytes);

}  // namespace shotcall::media
