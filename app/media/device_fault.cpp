#include "app/media/device_fault.hpp"

namespace shotcall::media {
namespace {

// device_error_words.hpp spells GStreamer's codes out so that it needs no GStreamer header.
static_assert(gst_codes::kResourceNotFound == GST_RESOURCE_ERROR_NOT_FOUND);
static_assert(gst_codes::kResourceBusy == GST_RESOURCE_ERROR_BUSY);
static_assert(gst_codes::kResourceOpenRead == GST_RESOURCE_ERROR_OPEN_READ);
static_assert(gst_codes::kResourceOpenReadWrite == GST_RESOURCE_ERROR_OPEN_READ_WRITE);
static_assert(gst_codes::kResourceRead == GST_RESOURCE_ERROR_READ);
static_assert(gst_codes::kResourceWrite == GST_RESOURCE_ERROR_WRITE);
static_assert(gst_codes::kResourceNotAuthorized == GST_RESOURCE_ERROR_NOT_AUTHORIZED);
static_assert(gst_codes::kStreamWrongType == GST_STREAM_ERROR_WRONG_TYPE);
static_assert(gst_codes::kStreamFormat == GST_STREAM_ERROR_FORMAT);

ErrorDomain domain_of(const GError* err) {
  if (!err) return ErrorDomain::Other;
  if (err->domain == GST_RESOURCE_ERROR) return ErrorDomain::Resource;
  if (err->domain == GST_STREAM_ERROR) return ErrorDomain::Stream;
  if (err->domain == GST_CORE_ERROR) return ErrorDomain::Core;
  if (err->domain == GST_LIBRARY_ERROR) return ErrorDomain::Library;
  return ErrorDomain::Other;
}

}  // namespace

// The problem for the words, GStreamer's text for the log.
DeviceFault device_fault_from(GstMessage* message, bool was_running) {
  GError* err = nullptr;
  gchar* debug = nullptr;
  gst_message_parse_error(message, &err, &debug);
  DeviceFault f;
  f.problem = classify_device_error(domain_of(err), err ? err->code : 0, was_running);
  f.detail = std::string(GST_OBJECT_NAME(GST_MESSAGE_SRC(message))) + ": " +
             (err ? err->message : "unknown error") +
             (debug ? std::string(" (") + debug + ")" : "");
  g_clear_error(&err);
  g_free(debug);
  return f;
}

}  // namespace shotcall::media
