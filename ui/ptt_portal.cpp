#include "ui/ptt_portal.hpp"

#include <gio/gio.h>
#include <gtk/gtk.h>

#include "app/i18n/translate.hpp"

namespace shotcall::ui {

namespace {
constexpr const char* kBus = "org.freedesktop.portal.Desktop";
constexpr const char* kPath = "/org/freedesktop/portal/desktop";
constexpr const char* kIface = "org.freedesktop.portal.GlobalShortcuts";
constexpr const char* kShortcutId = "push-to-talk";

using i18n::fill;
using i18n::tr;

// The reasons below are shown in "No push-to-talk key in other windows: {reason}. …"; the
// trigger words in "Push to talk: {trigger}, in any window.".
const char* set_in_settings() {
  // Translators: how the push-to-talk shortcut is triggered, when the desktop does not say:
  // shown in "Push to talk: {trigger}, in any window.".
  return tr("set in your desktop's settings");
}
}  // namespace

std::string portal_trigger_from_accelerator(const std::string& accelerator) {
  guint key = 0;
  GdkModifierType mods{};
  gtk_accelerator_parse(accelerator.c_str(), &key, &mods);
  if (!key) return "";
  const char* name = gdk_keyval_name(key);
  if (!name) return "";
  std::string out;
  if (mods & GDK_CONTROL_MASK) out += "CTRL+";
  if (mods & GDK_MOD1_MASK) out += "ALT+";
  if (mods & GDK_SHIFT_MASK) out += "SHIFT+";
  if (mods & GDK_SUPER_MASK) out += "LOGO+";
  return out + name;
}

// Shared with the D-Bus callbacks, which may outlive the PortalShortcut: `alive` tells them.
struct PortalShortcut::Impl : std::enable_shared_from_this<Impl> {
  std::string trigger;
  Events events;
  bool alive = true;
  bool ready_reported = false;
  GDBusConnection* bus = nullptr;
  GCancellable* cancel = g_cancellable_new();
  std::string session_handle;
  bool held = false;  // between Activated and Deactivated
  guint response_sub = 0;
  guint activated_sub = 0;
  guint deactivated_sub = 0;
  guint changed_sub = 0;
  guint closed_sub = 0;
  std::string token_prefix;
  int tokens = 0;

  ~Impl() {
    g_cancellable_cancel(cancel);
    g_object_unref(cancel);
    if (bus) {
      for (guint id : {response_sub, activated_sub, deactivated_sub, changed_sub, closed_sub})
        if (id) g_dbus_connection_signal_unsubscribe(bus, id);
      if (!session_handle.empty()) {
        g_dbus_connection_call(bus, kBus, session_handle.c_str(), "org.freedesktop.portal.Session",
                               "Close", nullptr, nullptr, G_DBUS_CALL_FLAGS_NONE, -1, nullptr,
                               nullptr, nullptr);
      }
      g_object_unref(bus);
    }
  }

  void ready(bool ok, const std::string& message) {
    if (ready_reported || !alive) return;
    ready_reported = true;
    if (events.on_ready) events.on_ready(ok, message);
  }
  // After setup: the desktop changed the trigger, or ended the session.
  void changed(bool ok, const std::string& message) {
    if (!ready_reported || !alive) return;
    if (events.on_ready) events.on_ready(ok, message);
  }

  // The portal answers each request with a Response signal on a Request object whose path we
  // can predict from our unique name and a token: subscribe before calling.
  std::string next_token() { return token_prefix + std::to_string(++tokens); }
  std::string request_path(const std::string& token) const {
    std::string sender = g_dbus_connection_get_unique_name(bus) + 1;  // drop ':'
    for (char& c : sender)
      if (c == '.') c = '_';
    return std::string{kPath} + "/request/" + sender + "/" + token;
  }

  using ResponseHandler = void (*)(Impl*, guint32 code, GVariant* results);
  ResponseHandler on_response = nullptr;
  std::string response_path;  // the Request object the next Response comes from

  void expect_response(const std::string& token, ResponseHandler handler) {
    on_response = handler;
    listen_for_response(request_path(token));
  }
  void listen_for_response(const std::string& path) {
    if (response_sub) g_dbus_connection_signal_unsubscribe(bus, response_sub);
    response_path = path;
    auto* weak = new std::weak_ptr<Impl>(weak_from_this());
    response_sub = g_dbus_connection_signal_subscribe(
        bus, kBus, "org.freedesktop.portal.Request", "Response", path.c_str(), nullptr,
        G_DBUS_SIGNAL_FLAGS_NO_MATCH_RULE,
        [](GDBusConnection*, const gchar*, const gchar*, const gchar*, const gchar*,
           GVariant* params, gpointer data) {
          auto self = static_cast<std::weak_ptr<Impl>*>(data)->lock();
          if (!self || !self->alive || !self->on_response) return;
          guint32 code = 2;
          GVariant* results = nullptr;
          g_variant_get(params, "(u@a{sv})", &code, &results);
          self->on_response(self.get(), code, results);
          g_variant_unref(results);
        },
        weak, [](gpointer data) { delete static_cast<std::weak_ptr<Impl>*>(data); });
  }

  void call(const char* method, GVariant* params) {
    auto* weak = new std::weak_ptr<Impl>(weak_from_this());
    g_dbus_connection_call(
        bus, kBus, kPath, kIface, method, params, G_VARIANT_TYPE("(o)"), G_DBUS_CALL_FLAGS_NONE, -1,
        cancel,
        [](GObject* source, GAsyncResult* result, gpointer data) {
          std::unique_ptr<std::weak_ptr<Impl>> weak(static_cast<std::weak_ptr<Impl>*>(data));
          GError* error = nullptr;
          GVariant* reply =
              g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
          auto self = weak->lock();
          if (!reply) {
            if (self && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
              // Translators: a reason; {error} is the desktop's error message (often English).
              self->ready(false, fill(tr("the desktop's shortcut service failed: {error}"),
                                      {{"error", error->message}}));
            g_error_free(error);
            return;
          }
          // A portal older than the predictable handle (xdg-desktop-portal < 0.9) answers on
          // another path: listen there (the Response cannot have been sent before this reply).
          const gchar* handle = nullptr;
          g_variant_get(reply, "(&o)", &handle);
          if (self && self->alive && self->response_path != handle)
            self->listen_for_response(handle);
          g_variant_unref(reply);
        },
        weak);
  }

  void start() {
    GError* error = nullptr;
    bus = g_bus_get_sync(G_BUS_TYPE_SESSION, nullptr, &error);
    if (!bus) {
      // Translators: a reason, shown in "No push-to-talk key in other windows: {reason}. …".
      ready(false, tr("there is no desktop session bus"));
      g_clear_error(&error);
      return;
    }
    token_prefix = "shotcall" + std::to_string(g_random_int());
    // Ask for the interface's version first: a portal without GlobalShortcuts answers an error.
    auto* weak = new std::weak_ptr<Impl>(weak_from_this());
    g_dbus_connection_call(
        bus, kBus, kPath, "org.freedesktop.DBus.Properties", "Get",
        g_variant_new("(ss)", kIface, "version"), G_VARIANT_TYPE("(v)"), G_DBUS_CALL_FLAGS_NONE,
        5000, cancel,
        [](GObject* source, GAsyncResult* result, gpointer data) {
          std::unique_ptr<std::weak_ptr<Impl>> weak(static_cast<std::weak_ptr<Impl>*>(data));
          GError* error = nullptr;
          GVariant* reply =
              g_dbus_connection_call_finish(G_DBUS_CONNECTION(source), result, &error);
          auto self = weak->lock();
          if (!reply) {
            if (self && !g_error_matches(error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
              // Translators: a reason, shown in "No push-to-talk key in other windows: {reason}.".
              self->ready(false, tr("this desktop offers no global shortcuts"));
            g_error_free(error);
            return;
          }
          g_variant_unref(reply);
          if (self) self->create_session();
        },
        weak);
  }

  void create_session() {
    const std::string token = next_token();
    expect_response(token, [](Impl* self, guint32 code, GVariant* results) {
      // The specification types session_handle as `s` (an old mistake it keeps); accept an
      // `o` too, from portals that "fixed" it.
      GVariant* handle =
          code == 0 ? g_variant_lookup_value(results, "session_handle", nullptr) : nullptr;
      if (!handle || (!g_variant_is_of_type(handle, G_VARIANT_TYPE_STRING) &&
                      !g_variant_is_of_type(handle, G_VARIANT_TYPE_OBJECT_PATH))) {
        if (handle) g_variant_unref(handle);
        // Translators: reasons, shown in "No push-to-talk key in other windows: {reason}. …".
        self->ready(false, code == 1 ? tr("you declined a shortcut session")
                                     : tr("the desktop refused a shortcut session"));
        return;
      }
      self->session_handle = g_variant_get_string(handle, nullptr);
      g_variant_unref(handle);
      self->subscribe_keys();
      self->list();
    });
    GVariantBuilder options;
    g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&options, "{sv}", "handle_token", g_variant_new_string(token.c_str()));
    g_variant_builder_add(&options, "{sv}", "session_handle_token",
                          g_variant_new_string(next_token().c_str()));
    call("CreateSession", g_variant_new("(a{sv})", &options));
  }

  void subscribe_keys() {
    auto subscribe = [this](const char* signal, bool pressed) {
      auto* weak = new std::pair<std::weak_ptr<Impl>, bool>(weak_from_this(), pressed);
      return g_dbus_connection_signal_subscribe(
          bus, kBus, kIface, signal, kPath, nullptr, G_DBUS_SIGNAL_FLAGS_NONE,
          [](GDBusConnection*, const gchar*, const gchar*, const gchar*, const gchar*,
             GVariant* params, gpointer data) {
            auto* p = static_cast<std::pair<std::weak_ptr<Impl>, bool>*>(data);
            auto self = p->first.lock();
            if (!self || !self->alive) return;
            const gchar* session = nullptr;
            const gchar* id = nullptr;
            g_variant_get_child(params, 0, "&o", &session);
            g_variant_get_child(params, 1, "&s", &id);
            if (self->session_handle != session || g_strcmp0(id, kShortcutId) != 0) return;
            self->held = p->second;
            if (self->events.on_key) self->events.on_key(p->second);
          },
          weak,
          [](gpointer data) { delete static_cast<std::pair<std::weak_ptr<Impl>, bool>*>(data); });
    };
    activated_sub = subscribe("Activated", true);
    deactivated_sub = subscribe("Deactivated", false);

    // The user gave the shortcut another trigger in the desktop's settings.
    auto* weak = new std::weak_ptr<Impl>(weak_from_this());
    changed_sub = g_dbus_connection_signal_subscribe(
        bus, kBus, kIface, "ShortcutsChanged", kPath, nullptr, G_DBUS_SIGNAL_FLAGS_NONE,
        [](GDBusConnection*, const gchar*, const gchar*, const gchar*, const gchar*,
           GVariant* params, gpointer data) {
          auto self = static_cast<std::weak_ptr<Impl>*>(data)->lock();
          if (!self || !self->alive) return;
          const gchar* session = nullptr;
          GVariant* shortcuts = nullptr;
          g_variant_get(params, "(&o@a(sa{sv}))", &session, &shortcuts);
          GVariant* results = g_variant_new_parsed("{'shortcuts': <%@a(sa{sv})>}", shortcuts);
          g_variant_ref_sink(results);
          std::string trigger;
          if (self->session_handle == session && find_shortcut(results, &trigger))
            self->changed(true, trigger.empty() ? std::string{set_in_settings()} : trigger);
          g_variant_unref(results);
          g_variant_unref(shortcuts);
        },
        weak, [](gpointer data) { delete static_cast<std::weak_ptr<Impl>*>(data); });

    // The desktop ended the session (the user revoked it, the portal restarted): no more keys.
    weak = new std::weak_ptr<Impl>(weak_from_this());
    closed_sub = g_dbus_connection_signal_subscribe(
        bus, kBus, "org.freedesktop.portal.Session", "Closed", session_handle.c_str(), nullptr,
        G_DBUS_SIGNAL_FLAGS_NONE,
        [](GDBusConnection*, const gchar*, const gchar*, const gchar*, const gchar*, GVariant*,
           gpointer data) {
          auto self = static_cast<std::weak_ptr<Impl>*>(data)->lock();
          if (!self || !self->alive) return;
          self->session_handle.clear();  // gone: nothing to close
          // No Deactivated will come: a key held now must not leave the microphone open.
          if (self->held && self->events.on_key) self->events.on_key(false);
          self->held = false;
          // Translators: a reason, shown in "No push-to-talk key in other windows: {reason}.".
          const std::string ended = tr("your desktop ended Shotcall's shortcut session");
          self->changed(false, ended);
          self->ready(false, ended);
        },
        weak, [](gpointer data) { delete static_cast<std::weak_ptr<Impl>*>(data); });
  }

  // Whether `results` (a Response's) hold our shortcut in "shortcuts", and how it is triggered.
  static bool find_shortcut(GVariant* results, std::string* trigger) {
    bool found = false;
    GVariant* shortcuts = g_variant_lookup_value(results, "shortcuts", G_VARIANT_TYPE("a(sa{sv})"));
    if (!shortcuts) return false;
    GVariantIter iter;
    g_variant_iter_init(&iter, shortcuts);
    const gchar* id = nullptr;
    GVariant* props = nullptr;
    while (g_variant_iter_next(&iter, "(&s@a{sv})", &id, &props)) {
      const gchar* description = nullptr;
      if (g_strcmp0(id, kShortcutId) == 0) {
        found = true;
        if (g_variant_lookup(props, "trigger_description", "&s", &description))
          *trigger = description;
      }
      g_variant_unref(props);
    }
    g_variant_unref(shortcuts);
    return found;
  }

  void bound(const std::string& trigger) {
    ready(true, trigger.empty() ? std::string{set_in_settings()} : trigger);
  }

  // The desktop keeps a binding across sessions (its permission store): a shortcut it lists is
  // bound already, and binding it again could ask the user a second time.
  void list() {
    const std::string token = next_token();
    expect_response(token, [](Impl* self, guint32 code, GVariant* results) {
      std::string trigger;
      if (code == 0 && find_shortcut(results, &trigger))
        self->bound(trigger);
      else
        self->bind();
    });
    GVariantBuilder options;
    g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&options, "{sv}", "handle_token", g_variant_new_string(token.c_str()));
    call("ListShortcuts", g_variant_new("(oa{sv})", session_handle.c_str(), &options));
  }

  void bind() {
    const std::string token = next_token();
    expect_response(token, [](Impl* self, guint32 code, GVariant* results) {
      std::string trigger;
      if (code != 0 || !find_shortcut(results, &trigger)) {
        // Translators: reasons, shown in "No push-to-talk key in other windows: {reason}. …".
        self->ready(false, code == 1 ? tr("the push-to-talk shortcut was declined")
                                     : tr("the desktop did not bind the push-to-talk shortcut"));
        return;
      }
      self->bound(trigger);
    });
    GVariantBuilder props;
    g_variant_builder_init(&props, G_VARIANT_TYPE_VARDICT);
    // The desktop shows this in its shortcut settings, next to the key.
    // Translators: the shortcut's name in the desktop's keyboard settings.
    g_variant_builder_add(&props, "{sv}", "description", g_variant_new_string(tr("Push to talk")));
    g_variant_builder_add(&props, "{sv}", "preferred_trigger",
                          g_variant_new_string(trigger.c_str()));
    GVariantBuilder list;
    g_variant_builder_init(&list, G_VARIANT_TYPE("a(sa{sv})"));
    g_variant_builder_add(&list, "(sa{sv})", kShortcutId, &props);
    GVariantBuilder options;
    g_variant_builder_init(&options, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add(&options, "{sv}", "handle_token", g_variant_new_string(token.c_str()));
    call("BindShortcuts",
         g_variant_new("(oa(sa{sv})sa{sv})", session_handle.c_str(), &list, "", &options));
  }
};

PortalShortcut::PortalShortcut(std::string trigger, Events events)
    : impl_(std::make_shared<Impl>()) {
  impl_->trigger = std::move(trigger);
  impl_->events = std::move(events);
  impl_->start();
}

PortalShortcut::~PortalShortcut() { impl_->alive = false; }

}  // namespace shotcall::ui
