#!/usr/bin/env python3
"""Generates Periscope's bundled Grafana dashboards.

    python3 Scripts/generate-dashboards.py           write dashboards/periscope-*.json
    python3 Scripts/generate-dashboards.py --check   exit 1 if a committed file differs from a fresh run

Output: dashboards/periscope-overview.json, periscope-upstreams.json, periscope-slos.json and
periscope-telemetry.json (see dashboards/README.md). Python 3 standard library only; the output is
deterministic (same input, same bytes), so commit it together with a change to this script.

Every PromQL selector of a gateway metric filters `instance=~"$instance"` and, where the family has the
label, `route=~"$route"` / `cluster=~"$cluster"`. The SLO recording rules of alerts/ are aggregated across
instances and are filtered by route only. Panels that count rare events end in `or on() vector(0)` so that
they show 0 rather than "No data".
"""

import argparse
import json
import os
import sys

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
OUT_DIR = os.path.join(ROOT, "dashboards")

DS = {"type": "prometheus", "uid": "${datasource}"}
RATE = "$__rate_interval"

TAG = "periscope"
DASHBOARD_TITLES = {
    "periscope-overview": "Periscope / Overview",
    "periscope-upstreams": "Periscope / Upstreams",
    "periscope-slos": "Periscope / SLOs",
    "periscope-telemetry": "Periscope / Telemetry",
}

PANEL_PLUGINS = {
    "timeseries": "Time series",
    "stat": "Stat",
    "gauge": "Gauge",
    "table": "Table",
}


# ---------------------------------------------------------------------------------------------------------
# PromQL helpers


def sel(metric, *labels, **extra):
    """`metric{instance=~"$instance", <label>=~"$<label>"..., extra matchers}`.

    `labels` are the template variables to filter by (`route`, `cluster`); `extra` maps a label to a raw
    matcher text such as `=~"5.."`.
    """
    matchers = ['instance=~"$instance"']
    matchers += ['%s=~"$%s"' % (label, label) for label in labels]
    matchers += ["%s%s" % (label, matcher) for label, matcher in extra.items()]
    return "%s{%s}" % (metric, ",".join(matchers))


def rate(metric, *labels, **extra):
    return "rate(%s[%s])" % (sel(metric, *labels, **extra), RATE)


def sum_by(by, inner):
    if by:
        return "sum by (%s) (%s)" % (", ".join(by), inner)
    return "sum(%s)" % inner


def quantile(q, metric, by, *labels):
    """histogram_quantile over `<metric>_bucket`, grouped by `by` plus `le`."""
    return "histogram_quantile(%s, %s)" % (q, sum_by(list(by) + ["le"], rate(metric + "_bucket", *labels)))


def or_zero(expr):
    """For panels that count bad things: 0 instead of an empty result."""
    return "%s or on() vector(0)" % expr


def ratio_with_zero(by, bad, total):
    """bad / total per `by`, with 0 (not a missing series) for groups that have no bad events."""
    return "(%s or %s * 0) / %s" % (sum_by(by, bad), sum_by(by, total), sum_by(by, total))


def rule(name):
    """A recording rule of alerts/: aggregated across instances, so filtered by route only."""
    return '%s{route=~"$route"}' % name


# ---------------------------------------------------------------------------------------------------------
# Panel builders


def target(expr, legend="", ref="A", exemplar=False, table=False):
    t = {
        "datasource": DS,
        "editorMode": "code",
        "expr": expr,
        "legendFormat": legend if legend else "__auto",
        "refId": ref,
    }
    if exemplar:
        t["exemplar"] = True
    if table:
        t["format"] = "table"
        t["instant"] = True
        t["range"] = False
    else:
        t["range"] = True
    return t


def targets(*specs, **kwargs):
    """Targets from (expr, legend) pairs, refIds A, B, C, ..."""
    out = []
    for i, spec in enumerate(specs):
        expr, legend = spec
        out.append(target(expr, legend, ref=chr(ord("A") + i), **kwargs))
    return out


def thresholds(*steps):
    """Threshold steps: a base colour, then (value, colour) pairs."""
    base, rest = steps[0], steps[1:]
    out = [{"color": base, "value": None}]
    out += [{"color": color, "value": value} for value, color in rest]
    return {"mode": "absolute", "steps": out}


GREEN = thresholds("green")


def timeseries_custom(stack=False, bars=False, threshold_lines=False, soft_min=0):
    custom = {
        "axisBorderShow": False,
        "axisCenteredZero": False,
        "axisColorMode": "text",
        "axisLabel": "",
        "axisPlacement": "auto",
        "barAlignment": 0,
        "drawStyle": "bars" if bars else "line",
        "fillOpacity": 20 if stack else 10,
        "gradientMode": "none",
        "hideFrom": {"legend": False, "tooltip": False, "viz": False},
        "insertNulls": False,
        "lineInterpolation": "linear",
        "lineWidth": 1,
        "pointSize": 5,
        "scaleDistribution": {"type": "linear"},
        "showPoints": "never",
        "spanNulls": False,
        "stacking": {"group": "A", "mode": "normal" if stack else "none"},
        "thresholdsStyle": {"mode": "line" if threshold_lines else "off"},
    }
    if soft_min is not None:
        custom["axisSoftMin"] = soft_min
    return custom


def dashed_override(regex):
    """Series whose display name matches `regex` are drawn dashed (limits, objectives, capacities)."""
    return {
        "matcher": {"id": "byRegexp", "options": regex},
        "properties": [
            {"id": "custom.lineStyle", "value": {"dash": [10, 10], "fill": "dash"}},
            {"id": "custom.fillOpacity", "value": 0},
        ],
    }


def timeseries(
    title,
    description,
    unit,
    tgts,
    stack=False,
    bars=False,
    steps=None,
    threshold_lines=False,
    overrides=None,
    legend_calcs=None,
    soft_min=0,
    decimals=None,
    w=12,
    h=8,
):
    defaults = {
        "color": {"mode": "palette-classic"},
        "custom": timeseries_custom(stack, bars, threshold_lines, soft_min),
        "mappings": [],
        "thresholds": steps or GREEN,
        "unit": unit,
    }
    if decimals is not None:
        defaults["decimals"] = decimals
    calcs = legend_calcs if legend_calcs is not None else ["mean", "max", "lastNotNull"]
    return {
        "type": "timeseries",
        "title": title,
        "description": description,
        "datasource": DS,
        "fieldConfig": {"defaults": defaults, "overrides": overrides or []},
        "options": {
            "legend": {
                "calcs": calcs,
                "displayMode": "table" if calcs else "list",
                "placement": "bottom",
                "showLegend": True,
            },
            "tooltip": {"mode": "multi", "sort": "desc"},
        },
        "targets": tgts,
        "_size": (w, h),
    }


def stat(title, description, unit, tgts, steps=None, mappings=None, color_mode="value", decimals=None, w=4, h=4):
    defaults = {
        "color": {"mode": "thresholds"},
        "mappings": mappings or [],
        "thresholds": steps or GREEN,
        "unit": unit,
    }
    if decimals is not None:
        defaults["decimals"] = decimals
    return {
        "type": "stat",
        "title": title,
        "description": description,
        "datasource": DS,
        "fieldConfig": {"defaults": defaults, "overrides": []},
        "options": {
            "colorMode": color_mode,
            "graphMode": "area",
            "justifyMode": "auto",
            "orientation": "auto",
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "showPercentChange": False,
            "textMode": "auto",
            "wideLayout": True,
        },
        "targets": tgts,
        "_size": (w, h),
    }


def gauge(title, description, unit, tgts, steps, minimum=0, maximum=1, w=6, h=6):
    return {
        "type": "gauge",
        "title": title,
        "description": description,
        "datasource": DS,
        "fieldConfig": {
            "defaults": {
                "color": {"mode": "thresholds"},
                "mappings": [],
                "max": maximum,
                "min": minimum,
                "thresholds": steps,
                "unit": unit,
            },
            "overrides": [],
        },
        "options": {
            "minVizHeight": 75,
            "minVizWidth": 75,
            "orientation": "auto",
            "reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
            "showThresholdLabels": False,
            "showThresholdMarkers": True,
            "sizing": "auto",
        },
        "targets": tgts,
        "_size": (w, h),
    }


def table(title, description, unit, tgts, rename=None, hide=None, overrides=None, mappings=None, steps=None,
          sort_by=None, cell_type="auto", merge=False, w=12, h=8):
    transformations = []
    if merge:
        transformations.append({"id": "merge", "options": {}})
    excluded = {"Time": True}
    for name in hide or []:
        excluded[name] = True
    transformations.append(
        {
            "id": "organize",
            "options": {"excludeByName": excluded, "indexByName": {}, "renameByName": rename or {}},
        }
    )
    options = {
        "cellHeight": "sm",
        "footer": {"countRows": False, "fields": "", "reducer": ["sum"], "show": False},
        "showHeader": True,
    }
    if sort_by:
        options["sortBy"] = [{"desc": False, "displayName": sort_by}]
    return {
        "type": "table",
        "title": title,
        "description": description,
        "datasource": DS,
        "fieldConfig": {
            "defaults": {
                "color": {"mode": "thresholds"},
                "custom": {
                    "align": "auto",
                    "cellOptions": {"type": cell_type},
                    "inspect": False,
                },
                "mappings": mappings or [],
                "thresholds": steps or GREEN,
                "unit": unit,
            },
            "overrides": overrides or [],
        },
        "options": options,
        "targets": tgts,
        "transformations": transformations,
        "_size": (w, h),
    }


def row(title):
    return {"type": "row", "title": title, "collapsed": False, "datasource": DS, "panels": [], "_size": (24, 1)}


def layout(items):
    """Assigns ids and gridPos: rows take a full line, panels fill lines of 24 columns left to right."""
    panels = []
    x = y = line_height = 0
    for panel_id, item in enumerate(items, start=1):
        w, h = item.pop("_size")
        if item["type"] == "row":
            if x:
                y += line_height
            x, line_height = 0, 0
        elif x + w > 24:
            x, y, line_height = 0, y + line_height, 0
        panel = {"id": panel_id, "gridPos": {"h": h, "w": w, "x": x, "y": y}}
        panel.update(item)
        panels.append(panel)
        x += w
        line_height = max(line_height, h)
        if item["type"] == "row" or x >= 24:
            x, y, line_height = 0, y + line_height, 0
    return panels


# ---------------------------------------------------------------------------------------------------------
# Dashboard skeleton


def query_variable(name, label, query, description):
    return {
        "allValue": ".*",
        "current": {"selected": True, "text": ["All"], "value": ["$__all"]},
        "datasource": DS,
        "definition": query,
        "description": description,
        "hide": 0,
        "includeAll": True,
        "label": label,
        "multi": True,
        "name": name,
        "options": [],
        "query": query,
        "refresh": 2,
        "regex": "",
        "skipUrlSync": False,
        "sort": 1,
        "type": "query",
    }


DATASOURCE_VARIABLE = {
    "current": {"selected": False, "text": "Prometheus", "value": "${DS_PROMETHEUS}"},
    "description": "The Prometheus that scrapes the gateways (and evaluates the rules of alerts/).",
    "hide": 0,
    "includeAll": False,
    "label": "Data source",
    "multi": False,
    "name": "datasource",
    "options": [],
    "query": "prometheus",
    "refresh": 1,
    "regex": "",
    "skipUrlSync": False,
    "type": "datasource",
}

INSTANCE_VARIABLE = query_variable(
    "instance",
    "Instance",
    "label_values(periscope_build_info, instance)",
    "Gateway instances (the scrape target's instance label).",
)
ROUTE_VARIABLE = query_variable(
    "route",
    "Route",
    'label_values(periscope_http_requests_total{instance=~"$instance"}, route)',
    "Configured route names; _none counts requests that matched no route.",
)
CLUSTER_VARIABLE = query_variable(
    "cluster",
    "Cluster",
    'label_values(periscope_upstream_requests_total{instance=~"$instance"}, cluster)',
    "Configured upstream cluster names.",
)


def dashboard(uid, description, variables, items):
    panels = layout(items)
    titles = [panel["title"] for panel in panels]
    duplicates = sorted({title for title in titles if titles.count(title) > 1})
    assert not duplicates, "%s: duplicate panel titles %s" % (uid, duplicates)
    used = []
    for panel in panels:
        if panel["type"] in PANEL_PLUGINS and panel["type"] not in used:
            used.append(panel["type"])
    requires = [
        {"type": "grafana", "id": "grafana", "name": "Grafana", "version": "10.0.0"},
        {"type": "datasource", "id": "prometheus", "name": "Prometheus", "version": "1.0.0"},
    ]
    requires += [{"type": "panel", "id": kind, "name": PANEL_PLUGINS[kind], "version": ""} for kind in sorted(used)]
    return {
        "__inputs": [
            {
                "name": "DS_PROMETHEUS",
                "label": "Prometheus",
                "description": "The Prometheus that scrapes the Periscope gateways.",
                "type": "datasource",
                "pluginId": "prometheus",
                "pluginName": "Prometheus",
            }
        ],
        "__elements": {},
        "__requires": requires,
        "annotations": {
            "list": [
                {
                    "builtIn": 1,
                    "datasource": {"type": "grafana", "uid": "-- Grafana --"},
                    "enable": True,
                    "hide": True,
                    "iconColor": "rgba(0, 211, 255, 1)",
                    "name": "Annotations & Alerts",
                    "type": "dashboard",
                }
            ]
        },
        "description": description,
        "editable": True,
        "fiscalYearStartMonth": 0,
        "graphTooltip": 1,
        "id": None,
        "links": [
            {
                "asDropdown": False,
                "icon": "external link",
                "includeVars": True,
                "keepTime": True,
                "tags": [TAG],
                "targetBlank": False,
                "title": "Periscope dashboards",
                "tooltip": "",
                "type": "dashboards",
                "url": "",
            }
        ],
        "liveNow": False,
        "panels": panels,
        "refresh": "30s",
        "schemaVersion": 39,
        "tags": [TAG],
        "templating": {"list": [DATASOURCE_VARIABLE] + variables},
        "time": {"from": "now-1h", "to": "now"},
        "timepicker": {},
        "timezone": "",
        "title": DASHBOARD_TITLES[uid],
        "uid": uid,
        "version": 1,
        "weekStart": "",
    }


# ---------------------------------------------------------------------------------------------------------
# Shared expressions

REQ = "periscope_http_requests_total"
REQ_DURATION = "periscope_http_request_duration_seconds"
OVERHEAD = "periscope_http_gateway_overhead_seconds"
UP_REQ = "periscope_upstream_requests_total"
UP_DURATION = "periscope_upstream_request_duration_seconds"

ERROR_RATIO_STEPS = thresholds("green", (0.01, "orange"), (0.05, "red"))
LATENCY_STEPS = thresholds("green", (0.25, "orange"), (1, "red"))
OVERHEAD_STEPS = thresholds("green", (0.001, "orange"), (0.01, "red"))
FILL_STEPS = thresholds("green", (0.7, "orange"), (0.9, "red"))
BAD_COUNT_STEPS = thresholds("green", (1e-9, "red"))


# ---------------------------------------------------------------------------------------------------------
# Overview


def overview():
    all_req = rate(REQ, "route")
    bad_req = rate(REQ, "route", code='=~"5.."')
    items = [
        row("Summary"),
        stat(
            "Requests / s",
            "Requests answered per second on the selected routes, proxied or answered by the gateway itself.",
            "reqps",
            targets((sum_by([], all_req), "requests/s")),
        ),
        stat(
            "Error ratio (5xx)",
            "Share of the selected routes' requests answered with a 5xx status.",
            "percentunit",
            targets(("(%s or on() vector(0)) / %s" % (sum_by([], bad_req), sum_by([], all_req)), "5xx ratio")),
            steps=ERROR_RATIO_STEPS,
            decimals=2,
        ),
        stat(
            "Latency p99",
            "99th percentile of the request duration (request head to last response byte), all selected routes.",
            "s",
            targets((quantile(0.99, REQ_DURATION, [], "route"), "p99")),
            steps=LATENCY_STEPS,
        ),
        stat(
            "Gateway overhead p99",
            "99th percentile of the time the gateway itself added (duration minus time waiting on the upstream).",
            "s",
            targets((quantile(0.99, OVERHEAD, [], "route"), "p99 overhead")),
            steps=OVERHEAD_STEPS,
        ),
        stat(
            "In-flight requests",
            "Requests received and not yet answered, all listeners of the selected instances.",
            "short",
            targets((sum_by([], sel("periscope_http_requests_in_flight")), "in flight")),
        ),
        stat(
            "Draining instances",
            "Instances currently draining (readiness failing); 0 while all serve.",
            "short",
            targets((or_zero(sum_by([], sel("periscope_drain_active"))), "draining")),
            steps=BAD_COUNT_STEPS,
        ),
        row("Traffic"),
        timeseries(
            "Request rate by route",
            "Requests answered per second, by route.",
            "reqps",
            targets((sum_by(["route"], all_req), "{{route}}")),
        ),
        timeseries(
            "Error ratio (5xx / all) by route",
            "Share of each route's requests answered with a 5xx status (gateway errors and upstream 5xx).",
            "percentunit",
            targets((ratio_with_zero(["route"], bad_req, all_req), "{{route}}")),
            steps=ERROR_RATIO_STEPS,
        ),
        timeseries(
            "Request rate by route and status",
            "Requests answered per second, by route and HTTP status code.",
            "reqps",
            targets((sum_by(["route", "code"], all_req), "{{route}} {{code}}")),
        ),
        timeseries(
            "Local responses by reason",
            "Responses the gateway produced itself (no_route, upstream_connect_failed, upstream_timeout, ...), "
            "per second, by reason.",
            "reqps",
            targets((or_zero(sum_by(["reason"], rate("periscope_http_local_responses_total"))), "{{reason}}")),
        ),
        row("Latency"),
        timeseries(
            "Latency p50 by route",
            "Median request duration (request head to last response byte), by route. Exemplars link to traces.",
            "s",
            targets((quantile(0.5, REQ_DURATION, ["route"], "route"), "{{route}}"), exemplar=True),
            w=8,
        ),
        timeseries(
            "Latency p90 by route",
            "90th percentile of the request duration, by route. Exemplars link to traces.",
            "s",
            targets((quantile(0.9, REQ_DURATION, ["route"], "route"), "{{route}}"), exemplar=True),
            w=8,
        ),
        timeseries(
            "Latency p99 by route",
            "99th percentile of the request duration, by route. Exemplars link to traces.",
            "s",
            targets((quantile(0.99, REQ_DURATION, ["route"], "route"), "{{route}}"), exemplar=True),
            w=8,
        ),
        timeseries(
            "Gateway overhead by route",
            "Time the gateway itself added to each request (its duration minus the time waiting on the "
            "upstream), p50 and p99, by route.",
            "s",
            targets(
                (quantile(0.99, OVERHEAD, ["route"], "route"), "p99 {{route}}"),
                (quantile(0.5, OVERHEAD, ["route"], "route"), "p50 {{route}}"),
            ),
        ),
        timeseries(
            "Request / response body size p90 by route",
            "90th percentile of request and response body sizes, by route.",
            "bytes",
            targets(
                (quantile(0.9, "periscope_http_request_size_bytes", ["route"], "route"), "request {{route}}"),
                (quantile(0.9, "periscope_http_response_size_bytes", ["route"], "route"), "response {{route}}"),
            ),
        ),
        row("Connections"),
        timeseries(
            "In-flight requests by listener",
            "Requests received and not yet answered, by listener.",
            "short",
            targets((sum_by(["listener"], sel("periscope_http_requests_in_flight")), "{{listener}}")),
            w=8,
        ),
        timeseries(
            "Open client connections",
            "Downstream (client) connections currently open, by listener.",
            "short",
            targets((sum_by(["listener"], sel("periscope_downstream_connections_active")), "{{listener}}")),
            w=8,
        ),
        timeseries(
            "Client connections accepted",
            "Downstream (client) connections accepted per second, by listener.",
            "ops",
            targets((sum_by(["listener"], rate("periscope_downstream_connections_total")), "{{listener}}")),
            w=8,
        ),
        table(
            "Instances",
            "Gateway instances and the Periscope release each runs.",
            "short",
            targets(("count by (instance, version) (%s)" % sel("periscope_build_info"), "{{instance}}"), table=True),
            rename={"instance": "Instance", "version": "Version"},
            hide=["Value"],
            sort_by="Instance",
            w=24,
            h=6,
        ),
    ]
    return dashboard(
        "periscope-overview",
        "Periscope gateway: traffic, errors, latency and connections by route.",
        [INSTANCE_VARIABLE, ROUTE_VARIABLE],
        items,
    )


# ---------------------------------------------------------------------------------------------------------
# Upstreams


def upstreams():
    all_up = rate(UP_REQ, "cluster")
    bad_up = rate(UP_REQ, "cluster", code='=~"5.."')
    errors = rate("periscope_upstream_errors_total", "cluster")
    healthy = sel("periscope_upstream_endpoint_healthy", "cluster")
    items = [
        row("Summary"),
        stat(
            "Upstream requests / s",
            "Upstream responses received per second, selected clusters.",
            "reqps",
            targets((sum_by([], all_up), "responses/s")),
            w=5,
        ),
        stat(
            "Upstream 5xx ratio",
            "Share of upstream responses with a 5xx status, selected clusters.",
            "percentunit",
            targets(("(%s or on() vector(0)) / %s" % (sum_by([], bad_up), sum_by([], all_up)), "5xx ratio")),
            steps=ERROR_RATIO_STEPS,
            decimals=2,
            w=5,
        ),
        stat(
            "Upstream failures / s",
            "Upstream failures (refused or timed-out connects, resets, timeouts, protocol errors) per second.",
            "ops",
            targets((or_zero(sum_by([], errors)), "failures/s")),
            steps=BAD_COUNT_STEPS,
            w=5,
        ),
        stat(
            "Upstream latency p99",
            "99th percentile of the upstream request duration (first byte sent to last byte received).",
            "s",
            targets((quantile(0.99, UP_DURATION, [], "cluster"), "p99"), exemplar=True),
            steps=LATENCY_STEPS,
            w=5,
        ),
        gauge(
            "Endpoints in rotation",
            "Share of the selected clusters' endpoints that are in rotation (healthy).",
            "percentunit",
            targets(("sum(%s) / count(%s)" % (healthy, healthy), "in rotation")),
            thresholds("red", (0.5, "orange"), (0.999, "green")),
            w=4,
            h=4,
        ),
        row("Traffic"),
        timeseries(
            "Upstream request rate by cluster",
            "Upstream responses received per second, by cluster.",
            "reqps",
            targets((sum_by(["cluster"], all_up), "{{cluster}}")),
        ),
        timeseries(
            "Upstream request rate by endpoint",
            "Upstream responses received per second, by endpoint (host:port) and cluster.",
            "reqps",
            targets((sum_by(["cluster", "endpoint"], all_up), "{{cluster}} {{endpoint}}")),
        ),
        timeseries(
            "Upstream 5xx ratio by cluster",
            "Share of each cluster's upstream responses with a 5xx status.",
            "percentunit",
            targets((ratio_with_zero(["cluster"], bad_up, all_up), "{{cluster}}")),
            steps=ERROR_RATIO_STEPS,
        ),
        timeseries(
            "Upstream responses by cluster and status",
            "Upstream responses per second, by cluster and HTTP status code.",
            "reqps",
            targets((sum_by(["cluster", "code"], all_up), "{{cluster}} {{code}}")),
        ),
        timeseries(
            "Upstream failures by kind",
            "Upstream failures per second, by cluster and kind: connect_refused, connect_timeout, reset, timeout, "
            "protocol.",
            "ops",
            targets((or_zero(sum_by(["cluster", "kind"], errors)), "{{cluster}} {{kind}}")),
            w=24,
        ),
        row("Latency"),
        timeseries(
            "Upstream latency by cluster",
            "Upstream request duration (first request byte sent to last response byte), p50 / p90 / p99 by "
            "cluster. Exemplars link to traces.",
            "s",
            targets(
                (quantile(0.99, UP_DURATION, ["cluster"], "cluster"), "p99 {{cluster}}"),
                (quantile(0.9, UP_DURATION, ["cluster"], "cluster"), "p90 {{cluster}}"),
                (quantile(0.5, UP_DURATION, ["cluster"], "cluster"), "p50 {{cluster}}"),
                exemplar=True,
            ),
        ),
        timeseries(
            "Upstream latency p99 by cluster and status class",
            "99th percentile of the upstream request duration, by cluster and status class (2xx, 5xx, ...). "
            "Exemplars link to traces.",
            "s",
            targets(
                (quantile(0.99, UP_DURATION, ["cluster", "code_class"], "cluster"), "{{cluster}} {{code_class}}"),
                exemplar=True,
            ),
        ),
        timeseries(
            "Connect time p99 by endpoint",
            "99th percentile of the time to establish a TCP connection to each endpoint (empty while no "
            "connection was opened in the window).",
            "s",
            targets(
                (
                    quantile(0.99, "periscope_upstream_connect_duration_seconds", ["cluster", "endpoint"], "cluster"),
                    "{{cluster}} {{endpoint}}",
                )
            ),
            w=24,
        ),
        row("Endpoints"),
        table(
            "Endpoint health",
            "Whether each endpoint is in rotation (1) or out (0), per instance.",
            "short",
            targets(("max by (instance, cluster, endpoint) (%s)" % healthy, ""), table=True),
            rename={"instance": "Instance", "cluster": "Cluster", "endpoint": "Endpoint", "Value": "Health"},
            mappings=[
                {
                    "type": "value",
                    "options": {
                        "0": {"color": "red", "index": 0, "text": "out"},
                        "1": {"color": "green", "index": 1, "text": "in rotation"},
                    },
                }
            ],
            overrides=[
                {
                    "matcher": {"id": "byName", "options": "Health"},
                    "properties": [{"id": "custom.cellOptions", "value": {"type": "color-background"}}],
                }
            ],
            sort_by="Cluster",
        ),
        timeseries(
            "Endpoints in rotation by cluster",
            "Endpoints in rotation (healthy) per cluster, summed over the selected instances; the dashed line is "
            "the number of configured endpoints.",
            "short",
            targets(
                (sum_by(["cluster"], healthy), "{{cluster}} in rotation"),
                ("count by (cluster) (%s)" % healthy, "{{cluster}} configured"),
            ),
            overrides=[dashed_override(".* configured")],
            decimals=0,
        ),
        row("Connection pool"),
        timeseries(
            "Upstream connections open",
            "Open upstream connections (busy and idle), by cluster and endpoint.",
            "short",
            targets(
                (
                    sum_by(["cluster", "endpoint"], sel("periscope_upstream_connections_active", "cluster")),
                    "{{cluster}} {{endpoint}}",
                )
            ),
            w=8,
        ),
        timeseries(
            "Upstream connections created",
            "Upstream connections established per second, by cluster.",
            "ops",
            targets((sum_by(["cluster"], rate("periscope_upstream_connections_created_total", "cluster")), "{{cluster}}")),
            w=8,
        ),
        timeseries(
            "Upstream connections closed by reason",
            "Upstream connections closed per second, by cluster and reason: remote, idle_timeout, max_requests, "
            "not_reusable, aborted, shutdown.",
            "ops",
            targets(
                (
                    or_zero(sum_by(["cluster", "reason"], rate("periscope_upstream_connections_closed_total", "cluster"))),
                    "{{cluster}} {{reason}}",
                )
            ),
            w=8,
        ),
    ]
    return dashboard(
        "periscope-upstreams",
        "Periscope gateway: upstream clusters and endpoints: traffic, failures, latency, health and pools.",
        [INSTANCE_VARIABLE, CLUSTER_VARIABLE],
        items,
    )


# ---------------------------------------------------------------------------------------------------------
# SLOs

OBJECTIVE = "periscope:slo_objective:ratio"
BURN_WINDOWS = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"]
BURN_STEPS = thresholds("green", (1, "yellow"), (3, "orange"), (6, "red"), (14.4, "dark-red"))
# The multiwindow pairs of the SRE workbook: (long, short, burn rate that alerts).
BURN_PAIRS = [("1h", "5m", "14.4"), ("6h", "30m", "6"), ("1d", "2h", "3"), ("3d", "6h", "1")]


def sli(window):
    return "1 - %s" % rule("periscope:slo_errors:ratio_rate" + window)


def burn_rate(window):
    return "%s / on(route, slo) (1 - %s)" % (rule("periscope:slo_errors:ratio_rate" + window), rule(OBJECTIVE))


def budget_remaining():
    return (
        "1 - (sum_over_time(%s[30d]) / sum_over_time(%s[30d])) / on(route, slo) (1 - %s)"
        % (rule("periscope:slo_errors:rate5m"), rule("periscope:slo_events:rate5m"), rule(OBJECTIVE))
    )


def firing_slo_alerts(by):
    selector = 'ALERTS{alertname=~"PeriscopeSLO.*",alertstate="firing",route=~"$route"}'
    if by:
        return or_zero("group by (%s) (%s)" % (", ".join(by), selector))
    return or_zero("count(group by (alertname, route, slo, severity) (%s))" % selector)


def slos():
    budget_steps = thresholds("red", (0, "orange"), (0.25, "yellow"), (0.5, "green"))
    sli_overrides = [dashed_override("objective .*")]
    items = [
        row("Summary"),
        stat(
            "Objectives",
            "Objective of each route's SLOs (availability: share of requests without a 5xx; latency: share of "
            "requests faster than the route's threshold).",
            "percentunit",
            targets((rule(OBJECTIVE), "{{route}} {{slo}}")),
            color_mode="none",
            decimals=2,
            w=6,
        ),
        stat(
            "SLI over 1 day",
            "Share of good events over the last day, per route and SLO.",
            "percentunit",
            targets((sli("1d"), "{{route}} {{slo}}")),
            color_mode="none",
            decimals=3,
            w=6,
        ),
        stat(
            "Budget remaining (30d)",
            "Share of the 30-day error budget not yet spent: 1 - (bad events / eligible events over 30 days) / "
            "(1 - objective). Negative once the budget is exhausted. Needs the recorded 5m rates for the whole "
            "window; with less history it covers what there is.",
            "percentunit",
            targets((budget_remaining(), "{{route}} {{slo}}")),
            steps=budget_steps,
            decimals=1,
            w=8,
        ),
        stat(
            "SLO alerts firing",
            "SLO burn-rate alerts (PeriscopeSLO*) currently firing for the selected routes.",
            "short",
            targets((firing_slo_alerts(None), "firing")),
            steps=BAD_COUNT_STEPS,
            w=4,
        ),
        table(
            "SLO status",
            "Per route and SLO: objective, SLI over 5 minutes, 1 hour and 1 day, and error budget remaining over "
            "30 days.",
            "percentunit",
            targets(
                (rule(OBJECTIVE), ""),
                (sli("5m"), ""),
                (sli("1h"), ""),
                (sli("1d"), ""),
                (budget_remaining(), ""),
                table=True,
            ),
            rename={
                "route": "Route",
                "slo": "SLO",
                "Value #A": "Objective",
                "Value #B": "SLI 5m",
                "Value #C": "SLI 1h",
                "Value #D": "SLI 1d",
                "Value #E": "Budget remaining (30d)",
            },
            hide=["__name__"],
            sort_by="Route",
            merge=True,
            w=14,
        ),
        table(
            "Objectives configured in the gateway",
            "The SLO objectives each gateway instance is configured with; the latency threshold is in seconds.",
            "percentunit",
            targets(
                ("max by (route) (%s)" % sel("periscope_slo_availability_objective_ratio", "route"), ""),
                ("max by (route, threshold) (%s)" % sel("periscope_slo_latency_objective_ratio", "route"), ""),
                table=True,
            ),
            rename={
                "route": "Route",
                "threshold": "Latency threshold (s)",
                "Value #A": "Availability objective",
                "Value #B": "Latency objective",
            },
            sort_by="Route",
            merge=True,
            w=10,
        ),
        row("Service level indicators"),
    ]
    for window, span in (("5m", "5 minutes"), ("1h", "hour"), ("1d", "day")):
        items.append(
            timeseries(
                "SLI (%s)" % window,
                "Share of good events over the last %s, per route and SLO; dashed: the objective." % span,
                "percentunit",
                targets((sli(window), "{{route}} {{slo}}"), (rule(OBJECTIVE), "objective {{route}} {{slo}}")),
                overrides=sli_overrides,
                soft_min=None,
                w=8,
            )
        )
    items += [
        timeseries(
            "Error budget remaining (30d)",
            "Share of the 30-day error budget not yet spent, per route and SLO; below 0 the budget is exhausted.",
            "percentunit",
            targets((budget_remaining(), "{{route}} {{slo}}")),
            steps=thresholds("transparent", (0, "red")),
            soft_min=None,
        ),
        timeseries(
            "Eligible and bad events",
            "Events per second over the last 5 minutes (recorded by alerts/): eligible events and bad events "
            "(5xx answers; requests slower than the threshold), per route and SLO.",
            "ops",
            targets(
                (rule("periscope:slo_events:rate5m"), "eligible {{route}} {{slo}}"),
                (rule("periscope:slo_errors:rate5m"), "bad {{route}} {{slo}}"),
            ),
        ),
        row("Burn rate"),
    ]
    for long, short, level in BURN_PAIRS:
        items.append(
            timeseries(
                "Burn rate %s and %s (%sx)" % (long, short, level),
                "How fast the error budget burns: error ratio over the window / (1 - objective); 1 spends exactly "
                "the budget over 30 days. In the multiwindow scheme of Google's SRE workbook an alert fires when "
                "both the %s and the %s burn rates exceed %s. Lines: 1, 3, 6, 14.4." % (long, short, level),
                "short",
                targets((burn_rate(long), "{{route}} {{slo}} %s" % long), (burn_rate(short), "{{route}} {{slo}} %s" % short)),
                steps=BURN_STEPS,
                threshold_lines=True,
                overrides=[dashed_override(".* %s$" % short)],
            )
        )
    items += [
        timeseries(
            "Burn rate, all windows",
            "Burn rate over 5m, 30m, 1h, 2h, 6h, 1d and 3d per route and SLO. Lines: 1, 3, 6, 14.4.",
            "short",
            targets(*[(burn_rate(window), "{{route}} {{slo}} %s" % window) for window in BURN_WINDOWS]),
            steps=BURN_STEPS,
            threshold_lines=True,
            legend_calcs=[],
        ),
        timeseries(
            "Firing SLO alerts by route",
            "SLO alerts (PeriscopeSLO*) firing, by alert, route and SLO (0 while none fires).",
            "short",
            targets((firing_slo_alerts(["alertname", "route", "slo"]), "{{alertname}} {{route}} {{slo}}")),
            steps=BAD_COUNT_STEPS,
            bars=False,
            decimals=0,
            legend_calcs=[],
        ),
    ]
    return dashboard(
        "periscope-slos",
        "Periscope gateway: SLOs per route: objectives, SLIs, error budget and multiwindow burn rates "
        "(recording rules of alerts/).",
        [INSTANCE_VARIABLE, ROUTE_VARIABLE],
        items,
    )


# ---------------------------------------------------------------------------------------------------------
# Telemetry


def telemetry():
    queue_length = sel("periscope_otlp_queue_length")
    queue_capacity = sel("periscope_otlp_queue_capacity")
    open_fds = sel("process_open_fds")
    max_fds = sel("process_max_fds")
    items = [
        row("Summary"),
        stat(
            "Series held",
            "Series held by all metric families of the selected instances.",
            "short",
            targets((sum_by([], sel("periscope_metric_series")), "series")),
            w=4,
        ),
        stat(
            "Series overflow / s",
            "Label sets folded into an _other series per second because a family reached its series limit.",
            "ops",
            targets((or_zero(sum_by([], rate("periscope_metric_series_overflow_total"))), "overflow/s")),
            steps=BAD_COUNT_STEPS,
            w=4,
        ),
        stat(
            "Spans dropped / s",
            "Spans dropped before export (span buffer full) per second.",
            "ops",
            targets((or_zero(sum_by([], rate("periscope_spans_dropped_total"))), "dropped/s")),
            steps=BAD_COUNT_STEPS,
            w=4,
        ),
        stat(
            "OTLP items dropped / s",
            "Spans and data points lost by the OTLP exporter per second (queue full, export failed, rejected, "
            "shutdown).",
            "ops",
            targets((or_zero(sum_by([], rate("periscope_otlp_items_dropped_total"))), "dropped/s")),
            steps=BAD_COUNT_STEPS,
            w=4,
        ),
        gauge(
            "OTLP queue fill",
            "Items waiting in each OTLP export queue, as a share of its capacity (items beyond it are dropped).",
            "percentunit",
            targets(("max by (signal) (%s / %s)" % (queue_length, queue_capacity), "{{signal}}")),
            FILL_STEPS,
            w=4,
            h=4,
        ),
        gauge(
            "File descriptors used",
            "Open file descriptors as a share of the soft limit (RLIMIT_NOFILE), the highest instance.",
            "percentunit",
            targets(("max(%s / %s)" % (open_fds, max_fds), "fds used")),
            FILL_STEPS,
            w=4,
            h=4,
        ),
        row("Metrics registry"),
        timeseries(
            "Series per family",
            "Series each metric family holds (its _other overflow series included), summed over the selected "
            "instances.",
            "short",
            targets((sum_by(["metric"], sel("periscope_metric_series")), "{{metric}}")),
            legend_calcs=["lastNotNull", "max"],
            h=10,
        ),
        timeseries(
            "Series overflow by family",
            "Label sets folded per second into a family's _other series because it had reached its series limit "
            "(telemetry.cardinality_limit).",
            "ops",
            targets((or_zero(sum_by(["metric"], rate("periscope_metric_series_overflow_total"))), "{{metric}}")),
            legend_calcs=["max"],
            h=10,
        ),
        row("Tracing and OTLP export"),
        timeseries(
            "Spans recorded and dropped",
            "Finished spans offered to the span buffer and spans dropped before export (buffer_full), per second.",
            "ops",
            targets(
                (sum_by([], rate("periscope_spans_recorded_total")), "recorded"),
                (or_zero(sum_by(["reason"], rate("periscope_spans_dropped_total"))), "dropped {{reason}}"),
            ),
            w=8,
        ),
        timeseries(
            "Span buffer length",
            "Spans waiting in the span buffers for the exporter.",
            "short",
            targets((sum_by(["instance"], sel("periscope_span_buffer_length")), "{{instance}}")),
            w=8,
        ),
        timeseries(
            "OTLP exports by signal and result",
            "OTLP export attempts per second, by signal (traces, metrics) and result (success, partial, "
            "retryable_failure, failed).",
            "ops",
            targets((sum_by(["signal", "result"], rate("periscope_otlp_exports_total")), "{{signal}} {{result}}")),
            w=8,
        ),
        timeseries(
            "OTLP export duration p99",
            "99th percentile of the OTLP/HTTP export attempt duration (request sent to response end), by signal.",
            "s",
            targets((quantile(0.99, "periscope_otlp_export_duration_seconds", ["signal"]), "{{signal}}")),
            w=8,
        ),
        timeseries(
            "OTLP queue length vs capacity",
            "Items waiting to be exported, by signal; dashed: the queue's capacity.",
            "short",
            targets(
                (sum_by(["signal"], queue_length), "{{signal}}"),
                (sum_by(["signal"], queue_capacity), "capacity {{signal}}"),
            ),
            overrides=[dashed_override("capacity .*")],
            w=8,
        ),
        timeseries(
            "OTLP items exported and dropped",
            "Items (spans, data points) the collector accepted, and items lost, by signal and reason, per second.",
            "ops",
            targets(
                (sum_by(["signal"], rate("periscope_otlp_items_exported_total")), "exported {{signal}}"),
                (
                    or_zero(sum_by(["signal", "reason"], rate("periscope_otlp_items_dropped_total"))),
                    "dropped {{signal}} {{reason}}",
                ),
            ),
            w=8,
        ),
        row("Rules"),
        timeseries(
            "Rule group evaluation duration p99",
            "99th percentile of the time one evaluation of each rule group took (registry snapshot included).",
            "s",
            targets((quantile(0.99, "periscope_rule_group_duration_seconds", ["group"]), "{{group}}")),
            w=8,
        ),
        timeseries(
            "Rule group evaluations",
            "Rule group evaluations per second, by group.",
            "ops",
            targets((sum_by(["group"], rate("periscope_rule_group_evaluations_total")), "{{group}}")),
            w=8,
        ),
        timeseries(
            "Rule failures and missed iterations",
            "Rule evaluations that failed, and scheduled group evaluations skipped because the previous one "
            "overran, per second.",
            "ops",
            targets(
                (or_zero(sum_by(["group", "rule"], rate("periscope_rule_evaluation_failures_total"))), "failed {{group}} {{rule}}"),
                (or_zero(sum_by(["group"], rate("periscope_rule_group_iterations_missed_total"))), "missed {{group}}"),
            ),
            w=8,
        ),
        timeseries(
            "Time since last rule evaluation",
            "Seconds since each rule group was last evaluated (oldest instance).",
            "s",
            targets(
                (
                    "time() - min by (group) (%s)" % sel("periscope_rule_group_last_evaluation_timestamp_seconds"),
                    "{{group}}",
                )
            ),
            w=8,
        ),
        timeseries(
            "Rule store series and samples",
            "Series and samples in the rule evaluator's short-term store, and series it refused since start "
            "(rules.max_stored_series).",
            "short",
            targets(
                (sum_by(["instance"], sel("periscope_rule_store_series")), "series {{instance}}"),
                (sum_by(["instance"], sel("periscope_rule_store_samples")), "samples {{instance}}"),
                (sum_by(["instance"], sel("periscope_rule_store_rejected_series")), "rejected series {{instance}}"),
            ),
            w=8,
        ),
        timeseries(
            "Rule store memory",
            "Estimated memory of the rule evaluator's sample store (samples and label text).",
            "bytes",
            targets((sum_by(["instance"], sel("periscope_rule_store_bytes")), "{{instance}}")),
            w=8,
        ),
        row("Alert notifications"),
        timeseries(
            "Alert notifications sent, failed and dropped",
            "Alerts an Alertmanager accepted, alerts that could not be delivered, failed POSTs (retries "
            "included), and alerts dropped because the notification queue was full, per second. 0 without "
            "rules.alertmanagers.",
            "ops",
            targets(
                (or_zero(sum_by(["alertmanager"], rate("periscope_alert_notifications_sent_total"))), "sent {{alertmanager}}"),
                (or_zero(sum_by(["alertmanager"], rate("periscope_alert_notifications_failed_total"))), "failed {{alertmanager}}"),
                (or_zero(sum_by(["alertmanager"], rate("periscope_alert_notification_errors_total"))), "POST errors {{alertmanager}}"),
                (or_zero(sum_by([], rate("periscope_alert_notifications_dropped_total"))), "dropped (queue full)"),
            ),
        ),
        timeseries(
            "Alert notification queue",
            "Alerts waiting to be sent to the Alertmanagers. 0 without rules.alertmanagers.",
            "short",
            targets((or_zero(sum_by([], sel("periscope_alert_notification_queue_length"))), "queued")),
        ),
        row("Process"),
        timeseries(
            "CPU",
            "CPU time (user + system) per second of wall time; 100 % is one core.",
            "percentunit",
            targets((sum_by(["instance"], rate("process_cpu_seconds_total")), "{{instance}}")),
            w=8,
        ),
        timeseries(
            "Resident memory",
            "Resident set size of each gateway process.",
            "bytes",
            targets((sum_by(["instance"], sel("process_resident_memory_bytes")), "{{instance}}")),
            w=8,
        ),
        timeseries(
            "Open file descriptors",
            "Open file descriptors of each gateway process; dashed: the soft limit.",
            "short",
            targets(
                (sum_by(["instance"], open_fds), "{{instance}}"),
                (sum_by(["instance"], max_fds), "limit {{instance}}"),
            ),
            overrides=[dashed_override("limit .*")],
            w=8,
        ),
        row("Configuration"),
        stat(
            "Configuration loads since start",
            "Configuration loads by result since each process started: success (the startup load counts) and "
            "failure (rejected; the configuration in use stays).",
            "short",
            targets((sum_by(["result"], sel("periscope_config_loads_total")), "{{result}}")),
            color_mode="none",
            w=6,
            h=6,
        ),
        stat(
            "Configuration age",
            "Time since the configuration in use was loaded (the oldest instance).",
            "s",
            targets(("time() - min(%s)" % sel("periscope_config_last_load_success_timestamp_seconds"), "age")),
            color_mode="none",
            w=6,
            h=6,
        ),
        timeseries(
            "Configuration loads by result",
            "Configuration loads per second, by result; a failure means a reload was rejected.",
            "ops",
            targets((sum_by(["result"], rate("periscope_config_loads_total")), "{{result}}")),
            h=6,
        ),
    ]
    return dashboard(
        "periscope-telemetry",
        "Periscope gateway: its own telemetry: metric series, tracing and OTLP export, rule evaluation, alert "
        "notifications, process and configuration.",
        [INSTANCE_VARIABLE],
        items,
    )


# ---------------------------------------------------------------------------------------------------------

DASHBOARDS = [
    ("periscope-overview.json", overview),
    ("periscope-upstreams.json", upstreams),
    ("periscope-slos.json", slos),
    ("periscope-telemetry.json", telemetry),
]


def render(build):
    return json.dumps(build(), indent=2, ensure_ascii=False) + "\n"


def main():
    parser = argparse.ArgumentParser(description="Generate Periscope's Grafana dashboards into dashboards/.")
    parser.add_argument(
        "--check", action="store_true", help="exit 1 if a committed dashboard differs from a fresh run"
    )
    args = parser.parse_args()

    rendered = [(name, render(build)) for name, build in DASHBOARDS]
    differ = []
    for name, text in rendered:
        path = os.path.join(OUT_DIR, name)
        relative = os.path.relpath(path, ROOT)
        if args.check:
            try:
                with open(path, encoding="utf-8") as f:
                    current = f.read()
            except FileNotFoundError:
                current = None
            if current != text:
                differ.append(relative)
                print("%s: %s" % (relative, "missing" if current is None else "differs from a fresh run"))
        else:
            os.makedirs(OUT_DIR, exist_ok=True)
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            print("wrote %s" % relative)
    if differ:
        print("run python3 Scripts/generate-dashboards.py to regenerate", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
