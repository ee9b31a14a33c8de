// Which microphone / speaker fragment runs: the chosen device, its default while it is away, the
// stand-in when neither works (app/media/device_fallback.hpp).
#include "app/media/device_fallback.hpp"

#include <gtest/gtest.h>

namespace shotcall::media {
namespace {

TEST(DeviceFallback, DefaultOfANamedDeviceIsTheSameElementWithoutDevice) {
  EXPECT_EQ(default_device_fragment("pulsesrc device=headset.monitor"), "pulsesrc");
  EXPECT_EQ(default_device_fragment("pulsesink device=\"alsa out\" buffer-time=40000"),
            "pulsesink");
  EXPECT_EQ(default_device_fragment("alsasrc device=hw:1"), "alsasrc");
}

TEST(DeviceFallback, NothingToFallBackToWithoutANamedDevice) {
  EXPECT_EQ(default_device_fragment("pulsesrc"), "");
  EXPECT_EQ(default_device_fragment("autoaudiosrc"), "");
  EXPECT_EQ(default_device_fragment("audiotestsrc is-live=true"), "");
  EXPECT_EQ(default_device_fragment("filesrc location=a.wav ! decodebin"), "");
  EXPECT_EQ(default_device_fragment("fakesrc device=x"), "");
}

TEST(DeviceFallback, SameDeviceIgnoresOtherProperties) {
  EXPECT_TRUE(same_device("pulsesrc device=headset", "pulsesrc device=headset buffer-time=1"));
  EXPECT_TRUE(same_device("pulsesrc device=\"my mic\"", "pulsesrc device=\"my mic\""));
  EXPECT_FALSE(same_device("pulsesrc device=headset", "pulsesrc device=other"));
  EXPECT_FALSE(same_device("pulsesrc device=headset", "pulsesink device=headset"));
}

TEST(DeviceFallback, PresentWhenTheMonitorListsIt) {
  const std::vector<std::string> listed = {"pulsesrc device=builtin", "pulsesrc device=headset"};
  EXPECT_TRUE(device_present("pulsesrc device=headset", listed));
  EXPECT_FALSE(device_present("pulsesrc device=usb", listed));
  EXPECT_TRUE(device_present("autoaudiosrc", {}));  // a default is always there
}

TEST(DeviceFallback, TheChosenDeviceWhileItWorks) {
  EXPECT_EQ(fragment_to_use({"pulsesrc device=headset"}), "pulsesrc device=headset");
}

TEST(DeviceFallback, UnpluggedThenBack) {
  DeviceState s{"pulsesink device=headset"};
  s = after_chosen_failed(s);
  EXPECT_EQ(fragment_to_use(s), "pulsesink");
  // Still away: the list changed for another device.
  s = after_devices_changed(s, {"pulsesink device=builtin"});
  EXPECT_EQ(fragment_to_use(s), "pulsesink");
  s = after_devices_changed(s, {"pulsesink device=builtin", "pulsesink device=headset"});
  EXPECT_EQ(fragment_to_use(s), "pulsesink device=headset");
}

TEST(DeviceFallback, GoneFromTheListWithoutAnError) {
  // PipeWire moves a stream to its default device by itself: the list is the only news.
  DeviceState s{"pulsesrc device=headset"};
  s = after_devices_changed(s, {"pulsesrc device=headset", "pulsesrc device=builtin"});
  EXPECT_EQ(fragment_to_use(s), "pulsesrc device=headset");
  s = after_devices_changed(s, {"pulsesrc device=builtin"});
  EXPECT_EQ(fragment_to_use(s), "pulsesrc");
  s = after_devices_changed(s, {"pulsesrc device=builtin", "pulsesrc device=headset"});
  EXPECT_EQ(fragment_to_use(s), "pulsesrc device=headset");
}

TEST(DeviceFallback, AnEmptyListSaysNothing) {
  // A device monitor with no sound server to ask lists nothing: the chosen device still runs.
  DeviceState s = after_devices_changed({"pulsesrc device=headset"}, {});
  EXPECT_EQ(fragment_to_use(s), "pulsesrc device=headset");
}

TEST(DeviceFallback, StandInWhenTheDefaultFailsToo) {
  DeviceState s = after_default_failed(after_chosen_failed({"pulsesrc device=headset"}));
  EXPECT_EQ(fragment_to_use(s), "");
  // The chosen device returning gives both a fresh chance.
  s = after_devices_changed(s, {"pulsesrc device=headset"});
  EXPECT_EQ(fragment_to_use(s), "pulsesrc device=headset");
  s = after_chosen_failed(s);
  EXPECT_EQ(fragment_to_use(s), "pulsesrc");
}

TEST(DeviceFallback, StandInWhenTheChosenOneIsADefaultAlready) {
  DeviceState s = after_chosen_failed({"autoaudiosrc"});
  EXPECT_EQ(fragment_to_use(s), "");
  EXPECT_EQ(fragment_to_use(after_devices_changed(s, {"pulsesrc device=x"})), "");
}

TEST(DeviceFallback, WordsSayWhatHappened) {
  EXPECT_EQ(using_default_words(AudioDevice::Microphone),
            "Your microphone went away: using the default microphone.");
  EXPECT_NE(using_default_words(AudioDevice::Speakers).find("default output"), std::string::npos);
  EXPECT_NE(chosen_back_words(AudioDevice::Microphone).find("back"), std::string::npos);
}

}  // namespace
}  // namespace shotcall::media
