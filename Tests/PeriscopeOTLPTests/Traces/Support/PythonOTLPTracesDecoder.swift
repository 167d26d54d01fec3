import Foundation

/// The traces mode of ``PythonOTLPDecoder``: decodes an `ExportTraceServiceRequest` with the official Python classes
/// (`opentelemetry-proto` on PyPI), in the same venv (`$PERISCOPE_OTLP_VENV` or `.venv-otlp` at the repository root,
/// made by `Scripts/otlp-venv.sh`).
///
/// The JSON is `MessageToDict(request, preserving_proto_field_name=True)` as for metrics, except that the script
/// rewrites each span's (and link's) `trace_id`, `span_id` and `parent_span_id` from base64 to lowercase hex, read
/// from the parsed message's bytes, so tests compare them with `traceparent`-style ids.
enum PythonOTLPTracesDecoder {
    private static let script = #"""
        import json, sys
        try:
            from opentelemetry.proto.collector.trace.v1 import trace_service_pb2
        except ImportError as error:
            sys.stderr.write("cannot import opentelemetry.proto (%s); run: pip install opentelemetry-proto\n" % error)
            sys.exit(3)
        from google.protobuf import json_format, unknown_fields

        def is_repeated(field):
            return field.is_repeated if hasattr(field, "is_repeated") else field.label == field.LABEL_REPEATED

        def count_unknown(message):
            count = len(unknown_fields.UnknownFieldSet(message))
            for field, value in message.ListFields():
                if field.type == field.TYPE_MESSAGE:
                    if is_repeated(field):
                        for item in value:
                            count += count_unknown(item)
                    else:
                        count += count_unknown(value)
            return count

        data = open(sys.argv[1], "rb").read()
        request = trace_service_pb2.ExportTraceServiceRequest()
        request.ParseFromString(data)
        clean = trace_service_pb2.ExportTraceServiceRequest()
        clean.CopyFrom(request)
        clean.DiscardUnknownFields()
        as_dict = json_format.MessageToDict(request, preserving_proto_field_name=True)
        for r, resource_spans in enumerate(request.resource_spans):
            for s, scope_spans in enumerate(resource_spans.scope_spans):
                for i, span in enumerate(scope_spans.spans):
                    target = as_dict["resource_spans"][r]["scope_spans"][s]["spans"][i]
                    for name in ("trace_id", "span_id", "parent_span_id"):
                        if getattr(span, name):
                            target[name] = getattr(span, name).hex()
        print(json.dumps({
            "request": as_dict,
            "reencodesIdentically": clean.SerializeToString(deterministic=True) == data,
            "reencodesToTheSameSize": len(clean.SerializeToString(deterministic=True)) == len(data),
            "unknownFieldCount": count_unknown(request),
        }))
        """#

    /// Decodes `bytes` as an `ExportTraceServiceRequest`.
    static func decodeTracesRequest(_ bytes: [UInt8]) throws -> PythonOTLPDecoder.Decoded {
        try PythonOTLPDecoder.run(script: Self.script, on: bytes)
    }
}

extension PythonJSON {
    /// The element of an array of spans named `name`.
    func span(named name: String) -> PythonJSON? {
        self.array.first { $0["name"].string == name }
    }

    /// The element of an array of spans whose `span_id` (hex) is `hex`.
    func span(id hex: String) -> PythonJSON? {
        self.array.first { $0["span_id"].string == hex }
    }

    /// The value of attribute `key` in an array of `KeyValue`s (the `AnyValue` object, e.g. `["int_value"]`).
    func attribute(_ key: String) -> PythonJSON {
        self.array.first { $0["key"].string == key }?["value"] ?? PythonJSON(nil)
    }

    /// The keys of an array of `KeyValue`s, in order.
    var attributeKeys: [String] { self.array.compactMap { $0["key"].string } }
}
