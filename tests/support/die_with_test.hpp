// Children of a test die with it: a test that ctest kills at its timeout (SIGKILL, so no
// destructor runs) must not leave coturn, shotcall-signal or peers running, holding ports and
// CPU for the next tests. The kernel sends the child SIGKILL when the thread that forked it
// exits (PR_SET_PDEATHSIG); the setting survives exec, `ip netns exec`'s included.
#pragma once

#include <gio/gio.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace shotcall::test {

// For g_spawn_* (GSpawnChildSetupFunc); `parent` is GINT_TO_POINTER(getpid()) of the test.
// Runs in the child between fork and exec: async-signal-safe calls only.
inline void die_with_test_child_setup(gpointer parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // The test died before prctl took effect: the child is already orphaned.
  if (getppid() != static_cast<pid_t>(GPOINTER_TO_INT(parent))) _exit(127);
}

inline void die_with_test(GSubprocessLauncher* launcher) {
  g_subprocess_launcher_set_child_setup(launcher, die_with_test_child_setup,
                                        GINT_TO_POINTER(getpid()), nullptr);
}

}  // namespace shotcall::test
