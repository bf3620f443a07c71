"""A local stand-in for the providers: a real HTTP server on 127.0.0.1 (an ephemeral port, in
a thread) answering each path from a script of responses, and recording every request."""

import http.server
import json
import threading
import time
from urllib.parse import parse_qs, urlsplit


class Answer:
    def __init__(self, body=b"", *, status=200, headers=None, delay=0.0, content_type=None):
        if isinstance(body, (dict, list)):
            body = json.dumps(body).encode()
            content_type = content_type or "application/json"
        elif isinstance(body, str):
            body = body.encode()
        self.body = body
        self.status = status
        self.headers = dict(headers or {})
        self.delay = delay
        self.content_type = content_type or "application/json"


class ProviderServer:
    """`server.route(path, answer_or_callable, ...)`: answers for a path, used in order (the
    last one repeats). A callable gets (path, query) and returns an Answer."""

    def __init__(self):
        self.routes = {}
        self.requests = []  # (path, query dict, headers)
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                owner.requests.append((parts.path, query, dict(self.headers)))
                answer = owner._answer(parts.path, query)
                if answer.delay:
                    time.sleep(answer.delay)
                try:
                    self.send_response(answer.status)
                    self.send_header("Content-Type", answer.content_type)
                    self.send_header("Content-Length", str(len(answer.body)))
                    for name, value in answer.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(answer.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout test)

            def log_message(self, *args):
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def route(self, path, *answers):
        self.routes[path] = list(answers)

    def _answer(self, path, query):
        answers = self.routes.get(path)
        if not answers:
            return Answer({"error": "no route"}, status=404)
        answer = answers.pop(0) if len(answers) > 1 else answers[0]
        return answer(path, query) if callable(answer) else answer

    def hits(self, path):
        return [r for r in self.requests if r[0] == path]

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
