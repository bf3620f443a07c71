"""Run docker/nginx.conf on this machine (no Docker needed) in front of the local gunicorn.

The same file the compose stack uses; only the lines marked "bench/edge.py rewrites" change:
upstream address, listen port, static root, cache and pid paths, and the access log (off).
nginx runs in the foreground (daemon off) as a child of the harness and is stopped with it.

    .venv/bin/python bench/edge.py 127.0.0.1:8100     # serve http://127.0.0.1:8180/ until ^C
"""

import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "docker" / "nginx.conf"
HEADERS = ROOT / "docker" / "claimcheck_proxy_headers.conf"
EDGE_PORT = 8180
STATIC_FILE = "/static/claimcheck/site.css"  # 5 KB, the static reference


def render(*, upstream, port, prefix):
    cache = prefix / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    replacements = {
        r"pid [^;]+;": f"pid {prefix / 'nginx.pid'};",
        r"proxy_cache_path \S+": f"proxy_cache_path {cache}",
        r"set \$app web:8000;": f"set $app {upstream};",
        r"access_log /dev/stdout claimcheck;": "access_log off;",
        r"listen 8080;": f"listen 127.0.0.1:{port};",
        r"alias /srv/static/;": f"alias {ROOT / 'staticfiles'}/;",
        r"include /etc/nginx/claimcheck_proxy_headers.conf;": f"include {HEADERS};",
    }
    text = CONF.read_text()
    for pattern, value in replacements.items():
        text, count = re.subn(pattern, value, text)
        if not count:
            raise SystemExit(f"docker/nginx.conf no longer has {pattern!r}")
    # Running as root on the host: keep workers as root so they can read the checkout.
    text = "user root;\n" + text
    conf = prefix / "nginx.conf"
    conf.write_text(text)
    return conf


def start_nginx(*, upstream, port=EDGE_PORT):
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    prefix = Path(tempfile.mkdtemp(prefix="claimcheck-edge-"))
    conf = render(upstream=upstream, port=port, prefix=prefix)
    subprocess.run([nginx, "-t", "-q", "-p", str(prefix), "-c", str(conf)], check=True)
    process = subprocess.Popen([nginx, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"])
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 10
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + STATIC_FILE, timeout=2):  # noqa: S310 - http only
                break
        except OSError:
            time.sleep(0.2)
    return process, {"base": base, "static": STATIC_FILE, "prefix": str(prefix)}


if __name__ == "__main__":
    process, info = start_nginx(upstream=sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8100")
    print(f"nginx edge cache on {info['base']} (config in {info['prefix']})")
    try:
        process.wait()
    except KeyboardInterrupt:
        process.terminate()
