/*
 * zccachectl report: one build (or all the journal holds) as a page people
 * look at: a self-contained HTML file, charts drawn as inline SVG, no
 * script and no network; or, on a terminal, a plain-text summary. Reads the
 * compile journal and the fallback record; the server (when one runs)
 * gives the cache's size, limit and evictions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"

#define BUCKETS     40
#define TOP_FOLDERS 12
#define TOP_REASONS 10
#define TOP_SLOW    10

struct folder {
	char *cwd;
	uint64_t hits, misses, other;
};

struct slow {
	char *source, *cwd;
	long long ms;
};

struct report {
	time_t first, last;
	uint64_t hits, misses, uncacheable, failed, saved_ms, records;
	json_t *recs; /* array of the records (time, outcome, saved) for the time chart */
	json_t *reasons;
	struct folder *folders;
	size_t n_folders;
	struct slow slow[TOP_SLOW];
	size_t n_slow;
};

static void collect(json_t *rec, void *ctx)
{
	struct report *r = ctx;
	const char *outcome = json_string_value(json_object_get(rec, "outcome")) ?: "";
	const char *reason = json_string_value(json_object_get(rec, "reason")) ?: "";
	const char *cwd = json_string_value(json_object_get(rec, "cwd")) ?: "";
	time_t t = (time_t)json_integer_value(json_object_get(rec, "time"));
	long long ms = json_integer_value(json_object_get(rec, "duration_ms"));
	struct folder *f = NULL;
	int kind; /* 0 hit, 1 miss, 2 other */

	if (!r->records || t < r->first)
		r->first = t;
	if (t > r->last)
		r->last = t;
	r->records++;
	if (strcmp(outcome, "hit") == 0) {
		kind = 0;
		r->hits++;
		r->saved_ms += (uint64_t)json_integer_value(json_object_get(rec, "saved_ms"));
	} else if (strcmp(outcome, "miss") == 0 && strcmp(reason, "stored") == 0) {
		kind = 1;
		r->misses++;
	} else {
		char name[128];

		kind = 2;
		if (strcmp(reason, "compile_failed") == 0)
			r->failed++;
		else
			r->uncacheable++;
		snprintf(name, sizeof(name), "%s", reason[0] ? reason : outcome);
		json_object_set_new(
		        r->reasons, name,
		        json_integer(json_integer_value(json_object_get(r->reasons, name)) + 1));
	}
	json_array_append_new(r->recs,
	                      json_pack("{s:I,s:i,s:I}", "t", (json_int_t)t, "k", kind, "s",
	                                json_integer_value(json_object_get(rec, "saved_ms"))));
	for (size_t i = 0; i < r->n_folders && !f; i++)
		if (strcmp(r->folders[i].cwd, cwd) == 0)
			f = &r->folders[i];
	if (!f) {
		struct folder *grown = realloc(r->folders, (r->n_folders + 1) * sizeof(*grown));

		if (!grown)
			return;
		r->folders = grown;
		f = &r->folders[r->n_folders++];
		*f = (struct folder){strdup(cwd), 0, 0, 0};
	}
	if (kind == 0)
		f->hits++;
	else if (kind == 1)
		f->misses++;
	else
		f->other++;
	/* The slowest misses: a small sorted array, slowest first. */
	if (kind == 1) {
		size_t at = r->n_slow < TOP_SLOW ? r->n_slow : TOP_SLOW;

		while (at > 0 && r->slow[at - 1].ms < ms)
			at--;
		if (at >= TOP_SLOW)
			return;
		if (r->n_slow == TOP_SLOW) {
			free(r->slow[TOP_SLOW - 1].source);
			free(r->slow[TOP_SLOW - 1].cwd);
		} else {
			r->n_slow++;
		}
		memmove(&r->slow[at + 1], &r->slow[at], (r->n_slow - 1 - at) * sizeof(r->slow[0]));
		r->slow[at] = (struct slow){
		        strdup(json_string_value(json_object_get(rec, "source")) ?: ""),
		        strdup(cwd), ms};
	}
}

static int by_total(const void *a, const void *b)
{
	const struct folder *x = a, *y = b;
	uint64_t tx = x->hits + x->misses + x->other, ty = y->hits + y->misses + y->other;

	return tx < ty ? 1 : tx > ty ? -1 : strcmp(x->cwd, y->cwd);
}

/* Text for HTML: & < > " escaped. */
static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static void fmt_time(time_t t, char *out, size_t n)
{
	struct tm tm;

	if (!localtime_r(&t, &tm) || !strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm))
		snprintf(out, n, "@%lld", (long long)t);
}

static double pct(uint64_t a, uint64_t b)
{
	return b ? 100.0 * (double)a / (double)b : 0.0;
}

/* Hits, misses and the rest per time bucket as stacked bars, and the time
 * saved so far as a line. */
static void svg_timeline(FILE *f, const struct report *r)
{
	uint64_t h[BUCKETS] = {0}, m[BUCKETS] = {0}, o[BUCKETS] = {0}, saved[BUCKETS] = {0},
	         max = 1, total_saved = 0, run = 0;
	double span = (double)(r->last - r->first) + 1;
	size_t i;
	json_t *e;
	const int W = 800, H = 220, L = 40, B = 190;
	double bw = (double)(W - L - 10) / BUCKETS;

	json_array_foreach(r->recs, i, e)
	{
		int b = (int)((double)(json_integer_value(json_object_get(e, "t")) - r->first) /
		              span * BUCKETS);
		int k = (int)json_integer_value(json_object_get(e, "k"));

		b = b < 0 ? 0 : b >= BUCKETS ? BUCKETS - 1 : b;
		(k == 0 ? h : k == 1 ? m : o)[b]++;
		saved[b] += (uint64_t)json_integer_value(json_object_get(e, "s"));
	}
	for (i = 0; i < BUCKETS; i++) {
		if (h[i] + m[i] + o[i] > max)
			max = h[i] + m[i] + o[i];
		total_saved += saved[i];
	}
	fprintf(f,
	        "<svg id=\"timeline\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
	        "role=\"img\" aria-label=\"compiles and time saved over time\">\n",
	        W, H, W, H);
	fprintf(f, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"#fafafa\"/>\n", W, H);
	fprintf(f, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>\n", L, B,
	        W - 10, B);
	fprintf(f, "<text x=\"4\" y=\"14\" font-size=\"11\">%llu</text>\n",
	        (unsigned long long)max);
	for (i = 0; i < BUCKETS; i++) {
		double x = L + (double)i * bw, y = B;
		const uint64_t parts[3] = {h[i], m[i], o[i]};
		const char *colors[3] = {"#2e9d4c", "#e07b00", "#9a9a9a"};

		for (int k = 0; k < 3; k++) {
			double hh = (double)parts[k] / (double)max * (B - 20);

			if (!parts[k])
				continue;
			y -= hh;
			fprintf(f,
			        "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			        "fill=\"%s\"/>\n",
			        x + 1, y, bw - 2, hh, colors[k]);
		}
	}
	/* Time saved, cumulative, scaled to the chart's height. */
	fprintf(f, "<polyline fill=\"none\" stroke=\"#1f5fbf\" stroke-width=\"3\" points=\"");
	for (i = 0; i < BUCKETS; i++) {
		run += saved[i];
		fprintf(f, "%.1f,%.1f ", L + ((double)i + 0.5) * bw,
		        B - (total_saved ? (double)run / (double)total_saved * (B - 20) : 0));
	}
	fprintf(f, "\"/>\n");
	fprintf(f, "<text x=\"%d\" y=\"%d\" font-size=\"11\">%.1f s saved</text>\n", W - 110, 14,
	        (double)total_saved / 1000.0);
	fprintf(f, "</svg>\n");
}

/* Horizontal bars: label, then hits/misses/other stacked. */
static void svg_folders(FILE *f, const struct report *r)
{
	size_t n = r->n_folders < TOP_FOLDERS ? r->n_folders : TOP_FOLDERS;
	uint64_t max = 1;
	const int W = 800, row = 22, L = 330;

	for (size_t i = 0; i < n; i++) {
		uint64_t t = r->folders[i].hits + r->folders[i].misses + r->folders[i].other;

		if (t > max)
			max = t;
	}
	fprintf(f,
	        "<svg id=\"folders\" width=\"%d\" height=\"%zu\" viewBox=\"0 0 %d %zu\" "
	        "role=\"img\" aria-label=\"hits and misses per folder\">\n",
	        W, n * row + 10, W, n * row + 10);
	for (size_t i = 0; i < n; i++) {
		const struct folder *fo = &r->folders[i];
		const uint64_t parts[3] = {fo->hits, fo->misses, fo->other};
		const char *colors[3] = {"#2e9d4c", "#e07b00", "#9a9a9a"};
		const char *name = fo->cwd;
		size_t len = strlen(name);
		double x = L;

		if (len > 48)
			name += len - 48;
		fprintf(f, "<text x=\"4\" y=\"%zu\" font-size=\"12\">%s", i * row + 16,
		        name == fo->cwd ? "" : "…");
		esc(f, name);
		fprintf(f, "</text>\n");
		for (int k = 0; k < 3; k++) {
			double w = (double)parts[k] / (double)max * (W - L - 60);

			if (!parts[k])
				continue;
			fprintf(f,
			        "<rect x=\"%.1f\" y=\"%zu\" width=\"%.1f\" height=\"16\" "
			        "fill=\"%s\"/>\n",
			        x, i * row + 4, w, colors[k]);
			x += w;
		}
		fprintf(f, "<text x=\"%.1f\" y=\"%zu\" font-size=\"11\">%llu/%llu</text>\n", x + 4,
		        i * row + 16, (unsigned long long)fo->hits,
		        (unsigned long long)(fo->hits + fo->misses + fo->other));
	}
	fprintf(f, "</svg>\n");
}

struct reason_row {
	const char *name;
	uint64_t n;
};

static int by_count(const void *a, const void *b)
{
	const struct reason_row *x = a, *y = b;

	return x->n < y->n ? 1 : x->n > y->n ? -1 : strcmp(x->name, y->name);
}

static size_t top_reasons(const struct report *r, struct reason_row *rows, size_t max)
{
	const char *name;
	json_t *v;
	size_t n = 0, all = json_object_size(r->reasons);
	struct reason_row *tmp = calloc(all + 1, sizeof(*tmp));

	if (!tmp)
		return 0;
	json_object_foreach(r->reasons, name, v) tmp[n++] =
	        (struct reason_row){name, (uint64_t)json_integer_value(v)};
	qsort(tmp, n, sizeof(*tmp), by_count);
	if (n > max)
		n = max;
	memcpy(rows, tmp, n * sizeof(*rows));
	free(tmp);
	return n;
}

static void svg_gauge(FILE *f, uint64_t size, uint64_t limit)
{
	double share = limit ? (double)size / (double)limit : 0;

	if (share > 1)
		share = 1;
	fprintf(f,
	        "<svg id=\"size\" width=\"800\" height=\"34\" viewBox=\"0 0 800 34\" role=\"img\" "
	        "aria-label=\"cache size against its limit\">\n"
	        "<rect x=\"0\" y=\"4\" width=\"800\" height=\"26\" fill=\"#dde3ea\"/>\n"
	        "<rect x=\"0\" y=\"4\" width=\"%.1f\" height=\"26\" fill=\"#1f5fbf\"/>\n</svg>\n",
	        share * 800 < 3 && size ? 3.0 : share * 800);
}

static void write_html(FILE *f, const struct report *r, const struct ctl_filter *flt,
                       json_t *status, json_t *counters, json_t *fallbacks)
{
	char a[64], b[64], size[32], limit[32];
	struct reason_row rows[TOP_REASONS];
	size_t n = top_reasons(r, rows, TOP_REASONS);
	uint64_t fb = (uint64_t)json_integer_value(json_object_get(fallbacks, "total"));

	fmt_time(r->first, a, sizeof(a));
	fmt_time(r->last, b, sizeof(b));
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      "<title>zccache report</title>\n<style>\n"
	      "body{font-family:sans-serif;margin:24px;color:#222;max-width:860px}\n"
	      "h1{font-size:22px}h2{font-size:17px;margin-top:28px}\n"
	      "table{border-collapse:collapse}td,th{padding:3px 10px;text-align:left;"
	      "border-bottom:1px solid #ddd}td.n{text-align:right}\n"
	      ".k{display:inline-block;width:12px;height:12px;margin:0 4px 0 12px}\n"
	      "</style>\n</head>\n<body>\n<h1>zccache report</h1>\n<p>",
	      f);
	if (r->records) {
		fputs("From ", f);
		esc(f, a);
		fputs(" to ", f);
		esc(f, b);
	} else {
		fputs("No compiles recorded", f);
	}
	if (flt->session) {
		fputs(", session <b>", f);
		esc(f, flt->session);
		fputs("</b>", f);
	}
	fprintf(f,
	        ".</p>\n<table id=\"summary\">\n"
	        "<tr><th>compiles</th><td class=\"n\">%llu</td></tr>\n"
	        "<tr><th>hits</th><td class=\"n\">%llu</td></tr>\n"
	        "<tr><th>misses</th><td class=\"n\">%llu</td></tr>\n"
	        "<tr><th>hit rate</th><td class=\"n\">%.1f %%</td></tr>\n"
	        "<tr><th>uncacheable</th><td class=\"n\">%llu</td></tr>\n"
	        "<tr><th>failed compiles</th><td class=\"n\">%llu</td></tr>\n"
	        "<tr><th>compiled without the cache</th><td class=\"n\">%llu</td></tr>\n"
	        "<tr><th>time saved</th><td class=\"n\">%.1f s</td></tr>\n</table>\n",
	        (unsigned long long)r->records, (unsigned long long)r->hits,
	        (unsigned long long)r->misses, pct(r->hits, r->hits + r->misses),
	        (unsigned long long)r->uncacheable, (unsigned long long)r->failed,
	        (unsigned long long)fb, (double)r->saved_ms / 1000.0);

	fputs("<h2>Hit rate and time saved over time</h2>\n<p>"
	      "<span class=\"k\" style=\"background:#2e9d4c\"></span>hits"
	      "<span class=\"k\" style=\"background:#e07b00\"></span>misses"
	      "<span class=\"k\" style=\"background:#9a9a9a\"></span>uncacheable or failed"
	      "<span class=\"k\" style=\"background:#1f5fbf\"></span>time saved, cumulative</p>\n",
	      f);
	svg_timeline(f, r);

	fputs("<h2>Hits and misses per project folder</h2>\n", f);
	svg_folders(f, r);

	fputs("<h2>Top reasons a compile was not cached</h2>\n", f);
	if (!n)
		fputs("<p>None.</p>\n", f);
	else
		fputs("<table id=\"reasons\">\n<tr><th>reason</th><th>compiles</th></tr>\n", f);
	for (size_t i = 0; i < n; i++) {
		fputs("<tr><td>", f);
		esc(f, rows[i].name);
		fprintf(f, "</td><td class=\"n\">%llu</td></tr>\n", (unsigned long long)rows[i].n);
	}
	if (n)
		fputs("</table>\n", f);

	fputs("<h2>Slowest misses</h2>\n", f);
	if (!r->n_slow)
		fputs("<p>None.</p>\n", f);
	else
		fputs("<table "
		      "id=\"slowest\">\n<tr><th>source</th><th>folder</th><th>ms</th></tr>\n",
		      f);
	for (size_t i = 0; i < r->n_slow; i++) {
		fputs("<tr><td>", f);
		esc(f, r->slow[i].source);
		fputs("</td><td>", f);
		esc(f, r->slow[i].cwd);
		fprintf(f, "</td><td class=\"n\">%lld</td></tr>\n", r->slow[i].ms);
	}
	if (r->n_slow)
		fputs("</table>\n", f);

	fputs("<h2>Cache size and evictions</h2>\n", f);
	if (status) {
		uint64_t sz = (uint64_t)json_integer_value(json_object_get(status, "size"));
		uint64_t lim = (uint64_t)json_integer_value(json_object_get(status, "max_size"));

		ctl_format_bytes(sz, size, sizeof(size));
		ctl_format_bytes(lim, limit, sizeof(limit));
		fprintf(f, "<p>%s of %s (%.1f %%), %lld entries.</p>\n", size, limit, pct(sz, lim),
		        (long long)json_integer_value(json_object_get(status, "entries")));
		svg_gauge(f, sz, lim);
	} else {
		fputs("<p>No server was running to say.</p>\n", f);
	}
	fprintf(f,
	        "<table id=\"evictions\">\n"
	        "<tr><th>evicted, all time</th><td class=\"n\">%lld</td></tr>\n"
	        "<tr><th>for max_size</th><td class=\"n\">%lld</td></tr>\n"
	        "<tr><th>for max_age</th><td class=\"n\">%lld</td></tr>\n"
	        "<tr><th>for a full disk</th><td class=\"n\">%lld</td></tr>\n</table>\n",
	        (long long)json_integer_value(json_object_get(counters, "evictions")),
	        (long long)(json_integer_value(json_object_get(counters, "evictions")) -
	                    json_integer_value(json_object_get(counters, "evictions.max_age")) -
	                    json_integer_value(json_object_get(counters, "evictions.disk_full"))),
	        (long long)json_integer_value(json_object_get(counters, "evictions.max_age")),
	        (long long)json_integer_value(json_object_get(counters, "evictions.disk_full")));
	fputs("</body>\n</html>\n", f);
}

static void write_text(FILE *f, const struct report *r, const struct ctl_filter *flt,
                       json_t *status, json_t *fallbacks)
{
	char a[64], b[64], size[32], limit[32];
	struct reason_row rows[TOP_REASONS];
	size_t n = top_reasons(r, rows, 5);

	fmt_time(r->first, a, sizeof(a));
	fmt_time(r->last, b, sizeof(b));
	if (r->records)
		fprintf(f, "zccache report: %s to %s%s%s\n\n", a, b,
		        flt->session ? ", session " : "", flt->session ? flt->session : "");
	else
		fprintf(f, "zccache report: no compiles recorded\n\n");
	fprintf(f, "  %-28s %10llu\n  %-28s %10llu\n  %-28s %10llu\n  %-28s %9.1f%%\n", "compiles",
	        (unsigned long long)r->records, "hits", (unsigned long long)r->hits, "misses",
	        (unsigned long long)r->misses, "hit rate", pct(r->hits, r->hits + r->misses));
	fprintf(f, "  %-28s %10llu\n  %-28s %10llu\n  %-28s %9.1fs\n", "uncacheable or failed",
	        (unsigned long long)(r->uncacheable + r->failed), "compiled without the cache",
	        (unsigned long long)json_integer_value(json_object_get(fallbacks, "total")),
	        "time saved", (double)r->saved_ms / 1000.0);
	if (status) {
		ctl_format_bytes((uint64_t)json_integer_value(json_object_get(status, "size")),
		                 size, sizeof(size));
		ctl_format_bytes((uint64_t)json_integer_value(json_object_get(status, "max_size")),
		                 limit, sizeof(limit));
		fprintf(f, "  %-28s %s of %s\n", "cache size", size, limit);
	}
	if (n)
		fprintf(f, "\nTop reasons not cached:\n");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "  %-28s %10llu\n", rows[i].name, (unsigned long long)rows[i].n);
	if (r->n_slow)
		fprintf(f, "\nSlowest misses:\n");
	for (size_t i = 0; i < r->n_slow && i < 5; i++)
		fprintf(f, "  %8lld ms  %s  (%s)\n", r->slow[i].ms, r->slow[i].source,
		        r->slow[i].cwd);
	fprintf(f, "\nFor charts: zccachectl report -o report.html\n");
}

int ctl_report(struct ctl *ctl, int argc, char **argv)
{
	struct ctl_filter flt = {0, NULL};
	struct report r = {0};
	const char *out = NULL;
	json_t *status = NULL, *stats = NULL, *counters, *fallbacks;
	FILE *f;
	int rc = CTL_EXIT_OK;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--since") == 0 && i + 1 < argc) {
			if (ctl_parse_since(argv[++i], &flt.since) < 0) {
				fprintf(stderr, "zccachectl: --since: bad duration or time '%s'\n",
				        argv[i]);
				return CTL_EXIT_USAGE;
			}
		} else if (strcmp(argv[i], "--session") == 0 && i + 1 < argc) {
			flt.session = argv[++i];
		} else if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) &&
		           i + 1 < argc) {
			out = argv[++i];
		} else {
			fprintf(stderr, "zccachectl: usage: report [--since DURATION|TIME] "
			                "[--session NAME] [-o FILE]\n");
			return CTL_EXIT_USAGE;
		}
	}
	r.recs = json_array();
	r.reasons = json_object();
	if (ctl_journal_foreach(ctl, &flt, collect, &r) < 0) {
		fprintf(stderr,
		        "zccachectl: no compile journal in %s; report needs it "
		        "(zccachectl config set journal on)\n",
		        ctl->paths.cache_dir);
		rc = CTL_EXIT_FAILED;
		goto done;
	}
	if (r.n_folders > 1) /* r.folders is NULL when empty */
		qsort(r.folders, r.n_folders, sizeof(*r.folders), by_total);
	/* Size, limit and evictions from the server, when one runs. */
	ctl->no_start = true;
	ctl->quiet_connect = true;
	if (ctl_connect(ctl) == 0 && ctl_call(ctl, proto_request_new(PROTO_STATUS), &status) == 0 &&
	    proto_get_bool(status, "ok", 0))
		ctl_call(ctl, proto_request_new(PROTO_STATS), &stats);
	counters = json_object_get(stats, "counters");
	fallbacks = ctl_fallbacks_json(ctl, flt.since, flt.session);
	if (!out && isatty(STDOUT_FILENO)) {
		write_text(stdout, &r, &flt, status, fallbacks);
	} else {
		f = out ? fopen(out, "we") : stdout;
		if (!f) {
			perror(out);
			rc = CTL_EXIT_FAILED;
		} else {
			write_html(f, &r, &flt, status, counters, fallbacks);
			if (out && fclose(f) != 0) {
				perror(out);
				rc = CTL_EXIT_FAILED;
			} else if (out) {
				fprintf(stderr, "report written to %s\n", out);
			}
		}
	}
	json_decref(fallbacks);
done:
	json_decref(status);
	json_decref(stats);
	json_decref(r.recs);
	json_decref(r.reasons);
	for (size_t i = 0; i < r.n_folders; i++)
		free(r.folders[i].cwd);
	free(r.folders);
	for (size_t i = 0; i < r.n_slow; i++) {
		free(r.slow[i].source);
		free(r.slow[i].cwd);
	}
	return rc;
}
