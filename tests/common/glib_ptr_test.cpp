// GPtr for GLib and GObject values: each owner gives back one reference, exactly once.
#include "common/glib_ptr.hpp"

#include <gtest/gtest.h>

#include <utility>

namespace shotcall {
namespace {

// The deleter is empty, so a GPtr is as small as the raw pointer it replaces.
static_assert(sizeof(GPtr<GObject>) == sizeof(GObject*));

// A plain GObject that records when it is finalized (its last reference gone).
struct Watched {
  Watched() : object(static_cast<GObject*>(g_object_new(G_TYPE_OBJECT, nullptr))) {
    g_object_weak_ref(
        object, [](gpointer data, GObject*) { *static_cast<bool*>(data) = true; }, &finalized);
  }
  GObject* object;
  bool finalized = false;
};

TEST(GPtr, ReleasesItsGObjectOnReset) {
  Watched w;
  GPtr<GObject> owner{w.object};
  EXPECT_FALSE(w.finalized);
  owner.reset();
  EXPECT_TRUE(w.finalized);
}

TEST(GPtr, ReleasesItsGObjectWhenItGoesOutOfScope) {
  Watched w;
  { GPtr<GObject> owner{w.object}; }
  EXPECT_TRUE(w.finalized);
}

TEST(GPtr, MoveHandsOverTheReferenceWithoutAddingOne) {
  Watched w;
  GPtr<GObject> first{w.object};
  GPtr<GObject> second = std::move(first);
  EXPECT_EQ(first, nullptr);
  EXPECT_EQ(second.get(), w.object);
  EXPECT_EQ(w.object->ref_count, 1u);
  first.reset();  // the moved-from owner holds nothing to give back
  EXPECT_FALSE(w.finalized);
  second.reset();
  EXPECT_TRUE(w.finalized);
}

TEST(GPtr, NewRefIsAReferenceOfItsOwn) {
  Watched w;
  GPtr<GObject> lender{w.object};
  GPtr<GObject> keeper = new_ref(w.object);
  EXPECT_EQ(keeper.get(), w.object);
  EXPECT_EQ(w.object->ref_count, 2u);
  lender.reset();
  EXPECT_FALSE(w.finalized);
  EXPECT_EQ(w.object->ref_count, 1u);
  keeper.reset();
  EXPECT_TRUE(w.finalized);
}

TEST(GPtr, EmptyOwnersGiveBackNothing) {
  GPtr<GObject> object;
  GPtr<GError> error{nullptr};
  GPtr<gchar> text;
  object.reset();
  error.reset();
  text.reset();
  EXPECT_EQ(new_ref<GObject>(nullptr), nullptr);
}

TEST(GPtr, ReleasesGBytesThroughItsOwnUnref) {
  static const char kData[] = "held";
  bool freed = false;
  GPtr<GBytes> bytes{g_bytes_new_with_free_func(
      kData, sizeof kData, [](gpointer data) { *static_cast<bool*>(data) = true; }, &freed)};
  GPtr<GBytes> second = new_ref(bytes.get());
  bytes.reset();
  EXPECT_FALSE(freed);
  second.reset();
  EXPECT_TRUE(freed);
}

TEST(GPtr, OwnsAnErrorAndAString) {
  // Under the sanitizer build a missed g_error_free or g_free shows up as a leak.
  GPtr<GError> error{g_error_new_literal(G_FILE_ERROR, G_FILE_ERROR_FAILED, "failed")};
  GPtr<gchar> text{g_strdup_printf("%s!", error->message)};
  EXPECT_STREQ(text.get(), "failed!");
}

}  // namespace
}  // namespace shotcall
