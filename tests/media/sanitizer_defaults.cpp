// Sanitizer defaults compiled into every media test binary (used only by the ASan build).
// The one suppression is library-internal, never our code: GLib allocates a block from its ELF
// constructor (reached via _dl_init) and never frees it. Full unwinding lets LeakSanitizer see
// that frame.
#ifdef SHOTCALL_SANITIZED
extern "C" const char* __asan_default_options() { return "fast_unwind_on_malloc=0"; }
extern "C" const char* __lsan_default_suppressions() { return "leak:_dl_init\n"; }
#endif
