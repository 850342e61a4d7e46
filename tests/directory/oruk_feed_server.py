"""A local HTTP server (127.0.0.1 only) in a thread, serving fixture feed pages."""

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


def v3_pages(services, page_size=2):
    """Handler routes for an ORUK 3.0 API: paged /services and /services/{id}."""

    def services_page(query):
        page = int(query.get("page", ["1"])[0])
        chunk = services[(page - 1) * page_size : page * page_size]
        total_pages = max(1, -(-len(services) // page_size))
        return 200, {
            "total_items": len(services),
            "total_pages": total_pages,
            "page_number": page,
            "size": len(chunk),
            "first_page": page == 1,
            "last_page": page >= total_pages,
            "empty": not chunk,
            "contents": [{"id": s["id"], "name": s["name"]} for s in chunk],
        }

    routes = {"/services": services_page}
    for s in services:
        routes[f"/services/{s['id']}"] = lambda query, s=s: (200, s)
    return routes


def v1_pages(services, page_size=2):
    def services_page(query):
        page = int(query.get("page", ["1"])[0])
        chunk = services[(page - 1) * page_size : page * page_size]
        total_pages = max(1, -(-len(services) // page_size))
        return 200, {
            "totalElements": len(services),
            "totalPages": total_pages,
            "number": page,
            "size": page_size,
            "first": page == 1,
            "last": page >= total_pages,
            "content": chunk,
        }

    routes = {"/services": services_page}
    for s in services:
        routes[f"/services/{s['id']}"] = lambda query, s=s: (200, s)
    return routes


@contextmanager
def feed_server(routes):
    """Yield the base URL of a server answering `routes` {path: fn(query) -> (status, body)}.
    A body that is a str is sent as text/html; anything else as JSON."""
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            url = urlsplit(self.path)
            requests.append(self.path)
            route = routes.get(url.path.removeprefix("/api").rstrip("/") or "/")
            status, body = route(parse_qs(url.query)) if route else (404, {"message": "no"})
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            kind = "text/html" if isinstance(body, str) else "application/json"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        server.requests = requests
        yield f"http://127.0.0.1:{server.server_port}/api", server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
