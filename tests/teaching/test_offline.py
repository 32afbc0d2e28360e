"""``transnum app`` sends nothing outside the machine, and serves the page offline.

The page server runs in a process of its own on a free port of 127.0.0.1. From its
start until a few seconds after the page answered, the sockets of the whole process
tree are polled: only listening sockets and connections with a loopback peer are
allowed (Solara's telemetry and version check would open others). In a network
namespace with only a loopback interface (``unshare -rn``), the page is served all
the same.
"""

from __future__ import annotations

import ipaddress
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

from simulation.teaching.server import free_port

psutil = pytest.importorskip("psutil")

APP = [sys.executable, "-m", "simulation", "app"]


def outside_peers(process: psutil.Process) -> set[str]:
    """Peers of the tree's internet sockets that are not this machine's loopback."""
    peers = set()
    try:
        tree = [process, *process.children(recursive=True)]
    except psutil.NoSuchProcess:
        return peers
    for member in tree:
        try:
            connections = member.net_connections(kind="inet")
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        for connection in connections:
            if connection.raddr and not ipaddress.ip_address(connection.raddr.ip).is_loopback:
                peers.add(f"{connection.raddr.ip}:{connection.raddr.port} ({connection.status})")
    return peers


def page_answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status == 200 and b"<html" in answer.read().lower()
    except OSError:
        return False


@pytest.mark.slow  # starts the real page server (Mesa, Solara)
def test_the_app_opens_no_outbound_connection():
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    app = subprocess.Popen(
        [*APP, "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    tree = psutil.Process(app.pid)
    seen: set[str] = set()
    try:
        deadline = time.monotonic() + 120
        while not page_answers(url):  # polled from the start: telemetry runs at start-up
            assert app.poll() is None, "the page server stopped"
            assert time.monotonic() < deadline, "the page never answered"
            seen |= outside_peers(tree)
            time.sleep(0.05)
        until = time.monotonic() + 4  # and a few seconds of serving, after one visit
        while time.monotonic() < until:
            seen |= outside_peers(tree)
            time.sleep(0.05)
    finally:
        app.terminate()
        app.wait(timeout=10)
    assert seen == set()


def _network_namespace_works() -> bool:
    if sys.platform != "linux" or not (shutil.which("unshare") and shutil.which("ip")):
        return False
    done = subprocess.run(["unshare", "-rn", "ip", "link", "set", "lo", "up"], capture_output=True)
    return done.returncode == 0


@pytest.mark.slow  # starts the real page server (Mesa, Solara)
@pytest.mark.skipif(not _network_namespace_works(), reason="no network namespace (unshare -rn)")
def test_the_app_serves_its_page_without_any_network():
    # Inside a namespace whose only interface is loopback: start the app, fetch the page.
    port = free_port()
    script = (
        "import subprocess, sys, time, urllib.request\n"
        f"app = subprocess.Popen({APP!r} + ['--port', '{port}'], stdout=subprocess.DEVNULL,"
        " stderr=subprocess.DEVNULL)\n"
        "deadline = time.monotonic() + 120\n"
        "while time.monotonic() < deadline and app.poll() is None:\n"
        "    try:\n"
        f"        page = urllib.request.urlopen('http://127.0.0.1:{port}/', timeout=2).read()\n"
        "        print('served' if b'<html' in page.lower() else 'no page'); break\n"
        "    except OSError:\n"
        "        time.sleep(0.5)\n"
        "app.terminate(); app.wait(timeout=10)\n"
    )
    done = subprocess.run(
        [
            "unshare",
            "-rn",
            "sh",
            "-c",
            'ip link set lo up && exec "$0" -c "$1"',
            sys.executable,
            script,
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.stdout.strip() == "served", done.stderr[-2000:]


def test_the_socket_check_sees_a_peer_outside_loopback():
    # The check itself: a connection to this machine's own non-loopback address counts.
    import socket

    addresses = [
        a.address
        for nic in psutil.net_if_addrs().values()
        for a in nic
        if a.family == socket.AF_INET and not ipaddress.ip_address(a.address).is_loopback
    ]
    if not addresses:
        pytest.skip("no non-loopback IPv4 address to connect to")
    with socket.create_server(("0.0.0.0", 0)) as server:
        port = server.getsockname()[1]
        script = (
            f"import socket, time; s = socket.create_connection(({addresses[0]!r}, {port}));"
            " print('on', flush=True); time.sleep(5)"
        )
        child = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
        try:
            assert child.stdout.readline().strip() == "on"
            assert outside_peers(psutil.Process(child.pid)) == {
                f"{addresses[0]}:{port} (ESTABLISHED)"
            }
        finally:
            child.kill()
            child.wait()
