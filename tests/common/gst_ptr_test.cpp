// GPtr for GStreamer values: mini objects through their own refcount, GstObjects as GObjects.
#include "common/gst_ptr.hpp"

#include <gtest/gtest.h>

#include <utility>

namespace shotcall {
namespace {

class GstPtrTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { gst_init(nullptr, nullptr); }
};

int refcount(GstCaps* caps) { return GST_MINI_OBJECT_REFCOUNT_VALUE(caps); }

TEST_F(GstPtrTest, CapsRefcountReturnsToWhereItWas) {
  GPtr<GstCaps> caps{gst_caps_new_empty_simple("audio/x-raw")};
  ASSERT_EQ(refcount(caps.get()), 1);
  {
    GPtr<GstCaps> keeper = new_ref(caps.get());
    EXPECT_EQ(keeper.get(), caps.get());
    EXPECT_EQ(refcount(caps.get()), 2);
    GPtr<GstCaps> moved = std::move(keeper);
    EXPECT_EQ(refcount(caps.get()), 2);
  }
  EXPECT_EQ(refcount(caps.get()), 1);
}

TEST_F(GstPtrTest, LastCapsOwnerFreesThem) {
  bool freed = false;
  GPtr<GstCaps> caps{gst_caps_new_empty_simple("audio/x-raw")};
  gst_mini_object_weak_ref(
      GST_MINI_OBJECT_CAST(caps.get()),
      [](gpointer data, GstMiniObject*) { *static_cast<bool*>(data) = true; }, &freed);
  caps.reset();
  EXPECT_TRUE(freed);
}

TEST_F(GstPtrTest, ReleasesAnElement) {
  bool finalized = false;
  GPtr<GstElement> bin{GST_ELEMENT(gst_object_ref_sink(gst_bin_new(nullptr)))};
  g_object_weak_ref(
      G_OBJECT(bin.get()), [](gpointer data, GObject*) { *static_cast<bool*>(data) = true; },
      &finalized);
  GPtr<GstElement> kept = new_ref(bin.get());
  bin.reset();
  EXPECT_FALSE(finalized);
  kept.reset();
  EXPECT_TRUE(finalized);
}

TEST_F(GstPtrTest, EmptyOwnersGiveBackNothing) {
  GPtr<GstCaps> caps;
  GPtr<GstMessage> message{nullptr};
  caps.reset();
  message.reset();
  EXPECT_EQ(new_ref<GstCaps>(nullptr), nullptr);
}

}  // namespace
}  // namespace shotcall
