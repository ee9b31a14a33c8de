"""A throwaway PostgreSQL for benchmarks of instances that share state (`--redis` needs
`--database postgresql://…` since identity-1). Initialised in a scratch folder, listening on a
loopback port with its socket in that folder, fsync off; as root it runs as Debian's `postgres`
user, since PostgreSQL refuses to run as root."""
import glob
import os
import pwd
import shutil
import subprocess
import tempfile


def bin_dir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (Debian package postgresql)")
    return os.path.dirname(found[-1])


def _as_postgres(cmd):
    if os.geteuid() != 0:
        return cmd
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] + cmd


def prepare():
    """Makes and initialises a data folder; returns it (remove it with cleanup())."""
    root = tempfile.mkdtemp(prefix="shotcall-bench-pg-")
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        os.chown(root, pw.pw_uid, pw.pw_gid)
    subprocess.run(_as_postgres([f"{bin_dir()}/initdb", "-D", f"{root}/data", "-U", "postgres",
                                 "--auth=trust", "--no-sync"]),
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return root


def command(root, port):
    """The postgres server command line for run.start(…, "stderr")."""
    return _as_postgres([f"{bin_dir()}/postgres", "-D", f"{root}/data", "-k", root, "-p", str(port),
                         "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off",
                         "-c", "max_connections=50"])


READY_LINE = "ready to accept connections"


def url(port):
    return f"postgresql://postgres@127.0.0.1:{port}/postgres"


def cleanup(root):
    shutil.rmtree(root, ignore_errors=True)
