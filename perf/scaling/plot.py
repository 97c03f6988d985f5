#!/usr/bin/python3
# Reads the scaling points (CSV from run.sh), fits time against rows, and writes points.json and an SVG plot (no matplotlib).
import csv, json, math, sys

src, out_json, out_svg = sys.argv[1:4]
rows = list(csv.DictReader(open(src)))
for r in rows:
    for k in r:
        if k != "series":
            r[k] = float(r[k])

def fit(xs, ys):
    """Least-squares line y = a + b x, and the log-log slope."""
    n = len(xs)
    mx, my = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mx) ** 2 for x in xs)
    b = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx if sxx > 0 else float("nan")
    lx, ly = [math.log(x) for x in xs], [math.log(y) for y in ys]
    mlx, mly = sum(lx) / n, sum(ly) / n
    slx = sum((x - mlx) ** 2 for x in lx)
    ll = sum((x - mlx) * (y - mly) for x, y in zip(lx, ly)) / slx if slx > 0 else float("nan")
    return my - b * mx, b, ll

summary = {}
for series in ("particles", "snapshots"):
    pts = sorted((r for r in rows if r["series"] == series), key=lambda r: r["rows"])
    if len(pts) < 2:
        continue
    a, b, ll = fit([p["rows"] for p in pts], [p["fit_seconds"] for p in pts])
    am, bm, llm = fit([p["rows"] for p in pts], [p["peak_rss_mb"] for p in pts])
    summary[series] = {
        "fit_seconds_intercept": a, "fit_seconds_per_row": b, "fit_time_loglog_slope": ll,
        "peak_rss_mb_intercept": am, "peak_rss_mb_per_row": bm, "peak_rss_loglog_slope": llm,
        "microseconds_per_row": [1e6 * p["fit_seconds"] / p["rows"] for p in pts],
        "assembly_microseconds_per_row": [1e6 * p["assembly_seconds"] / p["rows"] for p in pts],
        # the largest decade alone, where fixed costs (JIT, sampling) no longer hide the growth
        "fit_time_loglog_slope_top": math.log(pts[-1]["fit_seconds"] / pts[-2]["fit_seconds"]) / math.log(pts[-1]["rows"] / pts[-2]["rows"]),
        "peak_rss_loglog_slope_top": math.log(pts[-1]["peak_rss_mb"] / pts[-2]["peak_rss_mb"]) / math.log(pts[-1]["rows"] / pts[-2]["rows"]),
        "peak_rss_minus_data_mb": [p["peak_rss_mb"] - p["data_mb"] for p in pts],
    }
json.dump({"points": rows, "fits": summary}, open(out_json, "w"), indent=1)
for k, v in summary.items():
    print(f"{k}: {1e6 * v['fit_seconds_per_row']:.3f} µs/row (+{v['fit_seconds_intercept']:.2f} s), log-log slope {v['fit_time_loglog_slope']:.3f}; "
          f"largest decade {v['fit_time_loglog_slope_top']:.3f}; RSS log-log slope {v['peak_rss_loglog_slope']:.3f} "
          f"(largest decade {v['peak_rss_loglog_slope_top']:.3f})", file=sys.stderr)

# ---- SVG: two log-log panels sharing the x axis (rows of Hamilton's equations) ----
W, H, M = 460, 340, 62
colours = {"particles": "#1f77b4", "snapshots": "#d62728"}
labels = {"particles": "particles 10³…10⁶ (2 snapshots)", "snapshots": "snapshots 2…128 (10⁴ particles)"}

def panel(x0, title, ykey, ylabel, extra=None):
    xs = [r["rows"] for r in rows]
    ys = [r[ykey] for r in rows] + ([r[extra] for r in rows if r[extra] > 0] if extra else [])
    lx0, lx1 = math.floor(math.log10(min(xs))), math.ceil(math.log10(max(xs)))
    ly0, ly1 = math.floor(math.log10(min(ys))), math.ceil(math.log10(max(ys)))
    if ly1 == ly0: ly1 += 1
    px = lambda x: x0 + M + (math.log10(x) - lx0) / (lx1 - lx0) * (W - 1.5 * M)
    py = lambda y: H - M + (math.log10(y) - ly0) / (ly1 - ly0) * -(H - 1.6 * M)
    s = [f'<text x="{x0 + W / 2}" y="22" text-anchor="middle" font-size="14">{title}</text>']
    s.append(f'<rect x="{x0 + M}" y="{0.6 * M}" width="{W - 1.5 * M}" height="{H - 1.6 * M}" fill="none" stroke="#444"/>')
    for e in range(lx0, lx1 + 1):
        s.append(f'<line x1="{px(10**e)}" y1="{0.6 * M}" x2="{px(10**e)}" y2="{H - M}" stroke="#ddd"/>')
        s.append(f'<text x="{px(10**e)}" y="{H - M + 16}" text-anchor="middle" font-size="11">1e{e}</text>')
    for e in range(ly0, ly1 + 1):
        s.append(f'<line x1="{x0 + M}" y1="{py(10**e)}" x2="{x0 + W - 0.5 * M}" y2="{py(10**e)}" stroke="#ddd"/>')
        s.append(f'<text x="{x0 + M - 6}" y="{py(10**e) + 4}" text-anchor="end" font-size="11">1e{e}</text>')
    s.append(f'<text x="{x0 + M + (W - 1.5 * M) / 2}" y="{H - M + 34}" text-anchor="middle" font-size="12">rows of Hamilton\'s equations (2·M·N·d + 1)</text>')
    s.append(f'<text transform="translate({x0 + 16},{H / 2}) rotate(-90)" text-anchor="middle" font-size="12">{ylabel}</text>')
    for series, c in colours.items():
        pts = sorted((r for r in rows if r["series"] == series), key=lambda r: r["rows"])
        if not pts:
            continue
        s.append('<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>' % (c, " ".join(f"{px(p['rows']):.1f},{py(p[ykey]):.1f}" for p in pts)))
        for p in pts:
            s.append(f'<circle cx="{px(p["rows"]):.1f}" cy="{py(p[ykey]):.1f}" r="3.5" fill="{c}"/>')
        if extra:
            s.append('<polyline fill="none" stroke="%s" stroke-dasharray="4 3" points="%s"/>' % (c, " ".join(f"{px(p['rows']):.1f},{py(p[extra]):.1f}" for p in pts if p[extra] > 0)))
    # reference slope 1 through the first particles point
    ref = sorted(rows, key=lambda r: r["rows"])[0]
    xa, xb = min(xs), max(xs)
    s.append(f'<line x1="{px(xa):.1f}" y1="{py(ref[ykey]):.1f}" x2="{px(xb):.1f}" y2="{py(ref[ykey] * xb / xa):.1f}" stroke="#999" stroke-dasharray="2 3"/>')
    return s

body = panel(0, "Training time (fit_seconds)", "fit_seconds", "seconds")
body += panel(W, "Peak resident memory of hgn train", "peak_rss_mb", "MiB (dashed: the data arrays)", extra="data_mb")
legend_y = H + 8
for i, (series, c) in enumerate(colours.items()):
    body.append(f'<circle cx="{M + 10 + i * 330}" cy="{legend_y}" r="4" fill="{c}"/><text x="{M + 20 + i * 330}" y="{legend_y + 4}" font-size="12">{labels[series]}</text>')
body.append(f'<text x="{M + 10}" y="{legend_y + 22}" font-size="11" fill="#666">grey dotted: slope 1 (linear) through the smallest point; pair model, streamed Cholesky normal equations</text>')
svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="{2 * W}" height="{H + 40}" font-family="sans-serif">\n<rect width="100%" height="100%" fill="white"/>\n' + "\n".join(body) + "\n</svg>\n"
open(out_svg, "w").write(svg)
