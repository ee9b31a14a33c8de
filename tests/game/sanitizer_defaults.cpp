// AddressSanitizer defaults for the game test programs and lcd-standin (sanitized builds only).
//
// intercept_tls_get_addr=0: with Debian 12's GCC 12 sanitizer runtime and glibc 2.36,
// LeakSanitizer's exit-time scan crashes ("Tracer caught signal 11", then "LeakSanitizer has
// encountered a fatal error") when a thread that ran a GnuTLS handshake (glib-networking's
// worker threads, which live until exit) has dynamic TLS from the dlopen()ed GIO TLS module:
// the runtime misreads glibc's DTV and scans a bogus range (google/sanitizers#1322). Not
// tracking dynamic TLS avoids the crash. It can only make LeakSanitizer report more (memory held
// only from dynamic TLS would look leaked), never hide a leak. Settings in ASAN_OPTIONS still
// apply on top of this default.
#ifdef SHOTCALL_SANITIZED
extern "C" const char* __asan_default_options() { return "intercept_tls_get_addr=0"; }
#endif
