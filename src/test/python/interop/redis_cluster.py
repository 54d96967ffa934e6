"""A real three-master Redis Cluster on loopback, built with plain CLUSTER commands (no redis-cli).

``RedisCluster.start(binary, workdir)`` starts three ``redis-server --cluster-enabled yes`` processes
(no persistence, no replicas), gives each a third of the 16384 slots, joins them with CLUSTER MEET
and waits for ``cluster_state:ok`` on every node. ``kill(i)`` and ``restart(i)`` stop and start one
master on the same port and node file, so it comes back owning the same slots (its data is gone:
nothing is persisted).
"""
from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path

import redis

SLOTS = 16384
NODES = 3
READY_TIMEOUT_S = 20


def _free_port_pair() -> int:
    """A port whose cluster bus port (port + 10000) is free too."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port + 10000 > 65535:
            continue
        try:
            with socket.socket() as bus:
                bus.bind(("127.0.0.1", port + 10000))
            return port
        except OSError:
            continue


class RedisCluster:
    def __init__(self, binary: str, workdir: Path):
        self.binary = binary
        self.workdir = workdir
        self.ports: list[int] = []
        self.procs: list[subprocess.Popen | None] = []

    @classmethod
    def start(cls, binary: str, workdir: Path) -> "RedisCluster":
        cluster = cls(binary, workdir)
        try:
            while len(cluster.ports) < NODES:
                port = _free_port_pair()
                if port not in cluster.ports:
                    cluster.ports.append(port)
            for i in range(NODES):
                cluster.procs.append(None)
                cluster._launch(i)
            for i, port in enumerate(cluster.ports):
                cluster.node(i).execute_command("CLUSTER ADDSLOTS", *range(i * SLOTS // NODES, (i + 1) * SLOTS // NODES))
                if i > 0:
                    cluster.node(0).execute_command("CLUSTER MEET", "127.0.0.1", port)
            cluster.wait_ok()
            return cluster
        except BaseException:
            cluster.stop()
            raise

    @property
    def url(self) -> str:
        """A seed node, as goldgate.redis.url (with goldgate.redis.cluster=true) takes it."""
        return f"redis://127.0.0.1:{self.ports[0]}"

    def node(self, i: int) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=self.ports[i], socket_timeout=5)

    def client(self) -> redis.RedisCluster:
        """A cluster-aware client, independent of the gateway's."""
        return redis.RedisCluster(host="127.0.0.1", port=self.ports[0], socket_timeout=5)

    def keys_per_node(self) -> list[int]:
        return [self.node(i).dbsize() for i in range(NODES)]

    def wait_ok(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            try:
                if all(self.node(i).cluster("info").get("cluster_state") == "ok" for i in range(NODES)):
                    return
            except redis.RedisError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"the Redis Cluster on ports {self.ports} did not reach cluster_state:ok")
            time.sleep(0.1)

    def kill(self, i: int) -> None:
        proc = self.procs[i]
        if proc is not None:
            proc.kill()
            proc.wait()
            self.procs[i] = None

    def restart(self, i: int) -> None:
        self._launch(i)
        self.wait_ok()

    def stop(self) -> None:
        for i in range(len(self.procs)):
            self.kill(i)

    def _launch(self, i: int) -> None:
        port = self.ports[i]
        log = open(self.workdir / f"redis-{port}.log", "ab")
        self.procs[i] = subprocess.Popen(
            [self.binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--cluster-enabled", "yes", "--cluster-config-file", str(self.workdir / f"nodes-{port}.conf"),
             "--cluster-node-timeout", "2000", "--dir", str(self.workdir)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        log.close()
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            try:
                if self.node(i).ping():
                    return
            except redis.RedisError:
                pass
            if self.procs[i].poll() is not None:
                raise RuntimeError(f"redis-server on port {port} exited with {self.procs[i].returncode}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not answer on port {port}")
            time.sleep(0.05)
