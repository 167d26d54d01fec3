#!/usr/bin/env python3
"""A minimal OTLP/HTTP receiver for Periscope's integration tests.

Every body is decoded with the official `opentelemetry-proto` package (not with Periscope's code) and kept as
JSON (`MessageToDict`, proto field names). GET /received returns {"metrics": [...], "traces": [...],
"attempts": {...}}; PUT /control with {"status": 503, "retry_after": 1} makes the next POSTs fail that way
(status 200 restores normal answers). GET /summary returns only counts: {"spans", "metric_exports", "attempts"}.

    otlp_receiver.py PORT
"""
import gzip
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf.json_format import MessageToDict
from opentelemetry.proto.collector.metrics.v1 import metrics_service_pb2
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

lock = threading.Lock()
received = {"metrics": [], "traces": []}
span_count = [0]
attempts = {"metrics": 0, "traces": 0}
control = {"status": 200, "retry_after": None}

SIGNALS = {
    "/v1/metrics": ("metrics", metrics_service_pb2.ExportMetricsServiceRequest,
                    metrics_service_pb2.ExportMetricsServiceResponse),
    "/v1/traces": ("traces", trace_service_pb2.ExportTraceServiceRequest,
                   trace_service_pb2.ExportTraceServiceResponse),
}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, body=b"", content_type="application/x-protobuf", headers=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path not in SIGNALS:
            return self.answer(404)
        kind, request_type, response_type = SIGNALS[self.path]
        with lock:
            attempts[kind] += 1
            status, retry_after = control["status"], control["retry_after"]
        if status != 200:
            headers = [("Retry-After", str(retry_after))] if retry_after is not None else []
            return self.answer(status, headers=headers)
        if self.headers.get("Content-Type") != "application/x-protobuf":
            return self.answer(415)
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        message = request_type()
        try:
            message.ParseFromString(body)
        except Exception:  # noqa: BLE001 - any decode failure is a bad request
            return self.answer(400)
        entry = {
            "headers": {name.lower(): value for name, value in self.headers.items()},
            "body": MessageToDict(message, preserving_proto_field_name=True),
        }
        with lock:
            received[kind].append(entry)
            if kind == "traces":
                span_count[0] += sum(len(scope.get("spans", [])) for resource in entry["body"].get("resource_spans", [])
                                     for scope in resource.get("scope_spans", []))
        self.answer(200, response_type().SerializeToString())

    def do_GET(self):
        with lock:
            if self.path == "/received":
                body = json.dumps({**received, "attempts": attempts}).encode()
            elif self.path == "/summary":
                body = json.dumps({"spans": span_count[0], "metric_exports": len(received["metrics"]),
                                   "attempts": attempts}).encode()
            else:
                return self.answer(404, content_type="text/plain")
        self.answer(200, body, content_type="application/json")

    def do_PUT(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self.path != "/control":
            return self.answer(404, content_type="text/plain")
        update = json.loads(body or b"{}")
        with lock:
            control["status"] = int(update.get("status", 200))
            control["retry_after"] = update.get("retry_after")
        self.answer(204, content_type="text/plain")

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler)
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever()
