"""What scaleout.py reads from the running processes: /proc figures, each instance's /metrics
(through the shared port), Redis's INFO, and the load generators' latency files."""
import http.client
import json
import os
import re
import resource
import socket
import time

# The series of /metrics the scale-out figures use (counters and gauges, per instance).
METRICS = [
    "shotcall_connections", "shotcall_registered_users", "shotcall_channels",
    "shotcall_connections_opened_total", "shotcall_connections_refused_total", "shotcall_closes_total",
    "shotcall_errors_sent_total", "shotcall_messages_received_total", "shotcall_frames_rate_limited_total",
    "shotcall_redis_up", "shotcall_redis_lost_total", "shotcall_store_calls_total",
    "shotcall_store_conflicts_total", "shotcall_store_refetches_total", "shotcall_store_local_calls_total",
    "shotcall_store_queue_length", "shotcall_remote_messages_sent_total",
    "shotcall_remote_messages_received_total", "shotcall_remote_messages_dropped_total",
    "shotcall_dead_instance_evictions_total", "shotcall_redis_restores_total",
]
LABELLED = {"shotcall_connections_refused_total", "shotcall_closes_total", "shotcall_errors_sent_total"}
REDIS_INFO = ["used_memory", "used_memory_rss", "used_memory_peak", "connected_clients",
              "total_commands_processed", "total_net_input_bytes", "total_net_output_bytes",
              "pubsub_channels", "used_cpu_sys", "used_cpu_user"]
SCRAPE_TRIES = 64  # connections to the shared port until every instance has answered once
HTTP_TIMEOUT = 60.0  # a loaded instance answers late, but answers: the budget of one scrape


def nofile_limit():
    return resource.getrlimit(resource.RLIMIT_NOFILE)[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc(pid):
    """VmRSS, VmHWM (KiB), utime+stime (s) and open descriptors of a process; {} once it is gone."""
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(("VmRSS:", "VmHWM:")):
                    out[line.split(":")[0].lower() + "_kib"] = int(line.split()[1])
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        out["cpu_s"] = round((int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK"), 2)
        out["fds"] = len(os.listdir(f"/proc/{pid}/fd"))
    except (OSError, IndexError, ValueError):
        return {}
    return out


def parse_metrics(text):
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        name, _, value = line.rpartition(" ")
        try:
            out[name] = float(value) if "." in value or "e" in value else int(value)
        except ValueError:
            pass
    return out


# What each sample of the ramp keeps (the plots and the lag figures): small enough to publish.
SAMPLE_METRICS = ["shotcall_registered_users", "shotcall_connections", "shotcall_store_calls_total",
                  "shotcall_store_queue_length", "shotcall_dead_instance_evictions_total", "answer_ms"]


def sample_pick(m):
    return {k: v for k, v in pick(m).items() if k in SAMPLE_METRICS}


def pick(m):
    """The series in METRICS; a family with labels (errors by code, ...) summed over them."""
    out = {}
    for k in METRICS:
        vals = [v for name, v in m.items() if name == k or name.startswith(k + "{")]
        if vals:
            out[k] = sum(vals)
        elif k in LABELLED and m:
            out[k] = 0  # a family with labels shows no line until its first count
    if "answer_ms" in m:
        out["answer_ms"] = m["answer_ms"]
    return out


def socket_inode(port, peer_port):
    """The inode of the server side of 127.0.0.1:port <- 127.0.0.1:peer_port (ESTABLISHED)."""
    needle = f"0100007F:{port:04X} 0100007F:{peer_port:04X} 01 "
    with open("/proc/net/tcp") as f:
        for line in f:
            if needle in line:
                return line.split()[9]
    return None


def owner(inode, pids):
    """Which of `pids` ({name: pid}) holds the socket."""
    target = f"socket:[{inode}]"
    for name, pid in pids.items():
        fd_dir = f"/proc/{pid}/fd"
        try:
            for fd in os.listdir(fd_dir):
                try:
                    if os.readlink(f"{fd_dir}/{fd}") == target:
                        return name
                except OSError:
                    continue
        except OSError:
            continue
    return None


def scrape_each(port, instances):
    """{name: metrics} of every instance behind the shared port. The kernel picks the instance of
    each connection (SO_REUSEPORT hashes the addresses and ports): each answer is attributed by the
    instance id it names, or else by the process that holds the server side of its connection
    (/proc/net/tcp, /proc/PID/fd) while that connection is still open."""
    got = {}
    end = time.monotonic() + HTTP_TIMEOUT
    for _ in range(SCRAPE_TRIES):
        left = end - time.monotonic()
        if left <= 0:
            break
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=left)
        try:
            conn.connect()
            local_port = conn.sock.getsockname()[1]
            t0 = time.monotonic()
            conn.request("GET", "/metrics")
            body = conn.getresponse().read().decode("utf-8", "replace")
            answer_ms = (time.monotonic() - t0) * 1e3
            # The instance names itself (shotcall_instance_info{instance="…"}, its --instance-id);
            # older builds did not, and were found through the socket's owner.
            named = re.search(r'^shotcall_instance_info\{instance="([^"]*)"\}', body, re.M)
            if named and named.group(1) in instances:
                name = named.group(1)
            else:
                inode = socket_inode(port, local_port)
                name = owner(inode, instances) if inode else None
        except (OSError, http.client.HTTPException):
            name = None
        finally:
            conn.close()
        if name and name not in got:
            got[name] = parse_metrics(body)
            # How long the instance's main loop took to answer: its responsiveness under load.
            got[name]["answer_ms"] = round(answer_ms, 1)
        if len(got) == len(instances):
            break
    return got


def redis_command(port, *words):
    """One command over RESP; returns the reply as text (bulk or simple) or an int."""
    with socket.create_connection(("127.0.0.1", port), timeout=HTTP_TIMEOUT) as s:
        s.sendall(("*%d\r\n" % len(words) + "".join(f"${len(w)}\r\n{w}\r\n" for w in words)).encode())
        buf = b""
        while b"\r\n" not in buf:
            chunk = s.recv(65536)
            if not chunk:
                return None
            buf += chunk
        head, rest = buf.split(b"\r\n", 1)
        kind, value = head[:1], head[1:].decode()
        if kind == b":":
            return int(value)
        if kind == b"$":
            need = int(value) + 2
            while len(rest) < need:
                chunk = s.recv(65536)
                if not chunk:
                    break
                rest += chunk
            return rest[:need - 2].decode("utf-8", "replace")
        return value


def redis_info(port):
    try:
        text = redis_command(port, "INFO") or ""
        keys = redis_command(port, "DBSIZE")
    except OSError as e:
        return {"failure": str(e)}
    out = {"keys": keys}
    for line in text.splitlines():
        k, _, v = line.partition(":")
        if k in REDIS_INFO:
            try:
                out[k] = float(v) if "." in v else int(v)
            except ValueError:
                pass
    return out


def snapshot(port, instances, redis_pid, redis_port, loadgens=None):
    s = {
        "metrics": {n: pick(m) for n, m in scrape_each(port, instances).items()},
        "proc": {n: proc(p) for n, p in dict(instances, redis=redis_pid).items()},
        "redis": redis_info(redis_port),
    }
    if loadgens:
        s["loadgens"] = {t: proc(p) for t, p in loadgens.items()}
    return s


def log_events(path, names):
    """How many times each of `names` (log event names, e.g. instance-mark-lost) appears in a
    text log, with the first and last time."""
    out = {n: {"count": 0} for n in names}
    try:
        with open(path, errors="replace") as f:
            for line in f:
                parts = line.split(" ", 3)
                if len(parts) >= 3 and parts[2] in out:
                    e = out[parts[2]]
                    e["count"] += 1
                    e.setdefault("first", parts[0])
                    e["last"] = parts[0]
    except OSError:
        pass
    return out


def load_json(path):
    try:
        with open(path) as f:
            text = f.read().strip()
        return json.loads(text) if text else {}
    except (OSError, ValueError):
        return {}


def percentiles(values):
    """p50/p90/p99/max by nearest rank, as the load generator computes them."""
    if not values:
        return {"count": 0}
    v = sorted(values)

    def p(pct):
        return v[max(0, min(len(v) - 1, int(-(-pct * len(v) // 100)) - 1))]
    return {"count": len(v), "p50": p(50), "p90": p(90), "p99": p(99), "max": v[-1]}


def merge_latencies(paths):
    """Both halves' ramp latencies ("team|join STEP MS" lines) as exact percentiles."""
    team, join = [], []
    for path in paths:
        try:
            with open(path) as f:
                for line in f:
                    kind, _, ms = line.split()
                    (team if kind == "team" else join).append(float(ms))
        except (OSError, ValueError):
            continue
    return {"team_latency_ms": percentiles(team), "join_latency_ms": percentiles(join)}
