//! The proxy's counters in Prometheus' text format (`GET /cardlint/metrics`): requests,
//! blocked requests, upstream errcodes, findings by rule, and two latency histograms (the
//! upstream's time, and the time the proxy added).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Default)]
pub struct Histogram {
    /// Per bucket; an observation above the last bucket counts in `+Inf` (the total) only.
    counts: [AtomicU64; 14],
    sum_micros: AtomicU64,
    total: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, d: Duration) {
        let secs = d.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|b| secs <= *b) {
            self.counts[i].fetch_add(1, Ordering::Relaxed);
        }
        self.sum_micros
            .fetch_add(d.as_micros() as u64, Ordering::Relaxed);
        self.total.fetch_add(1, Ordering::Relaxed);
    }

    fn write(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (b, c) in BUCKETS.iter().zip(&self.counts) {
            cumulative += c.load(Ordering::Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{b}\"}} {cumulative}");
        }
        let total = self.total.load(Ordering::Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {total}");
        let sum = self.sum_micros.load(Ordering::Relaxed) as f64 / 1e6;
        let _ = writeln!(out, "{name}_sum {sum}\n{name}_count {total}");
    }
}

#[derive(Default)]
pub struct Metrics {
    pub requests: AtomicU64,
    pub blocked: AtomicU64,
    pub upstream_failures: AtomicU64,
    errcodes: Mutex<BTreeMap<i64, u64>>,
    rules: Mutex<BTreeMap<String, u64>>,
    pub upstream_latency: Histogram,
    pub added_latency: Histogram,
}

impl Metrics {
    pub fn errcode(&self, errcode: i64) {
        if let Ok(mut m) = self.errcodes.lock() {
            *m.entry(errcode).or_default() += 1;
        }
    }

    pub fn findings<'a>(&self, codes: impl Iterator<Item = &'a str>) {
        if let Ok(mut m) = self.rules.lock() {
            for c in codes {
                match m.get_mut(c) {
                    Some(n) => *n += 1,
                    None => {
                        m.insert(c.to_string(), 1);
                    }
                }
            }
        }
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        let counter = |out: &mut String, name: &str, help: &str, v: u64| {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {v}"
            );
        };
        let load = |a: &AtomicU64| a.load(Ordering::Relaxed);
        counter(
            &mut out,
            "cardlint_proxy_requests_total",
            "Requests received.",
            load(&self.requests),
        );
        counter(
            &mut out,
            "cardlint_proxy_blocked_total",
            "Requests answered by cardlint and not sent upstream.",
            load(&self.blocked),
        );
        counter(
            &mut out,
            "cardlint_proxy_upstream_failures_total",
            "Requests the upstream did not answer (unreachable or too slow).",
            load(&self.upstream_failures),
        );
        let _ = writeln!(
            out,
            "# HELP cardlint_proxy_upstream_errcode_total Upstream answers by errcode.\n# TYPE cardlint_proxy_upstream_errcode_total counter"
        );
        if let Ok(m) = self.errcodes.lock() {
            for (code, n) in m.iter() {
                let _ = writeln!(
                    out,
                    "cardlint_proxy_upstream_errcode_total{{errcode=\"{code}\"}} {n}"
                );
            }
        }
        let _ = writeln!(
            out,
            "# HELP cardlint_proxy_findings_total Findings in forwarded and blocked requests, by rule.\n# TYPE cardlint_proxy_findings_total counter"
        );
        if let Ok(m) = self.rules.lock() {
            for (code, n) in m.iter() {
                let _ = writeln!(out, "cardlint_proxy_findings_total{{rule=\"{code}\"}} {n}");
            }
        }
        self.upstream_latency.write(
            &mut out,
            "cardlint_proxy_upstream_seconds",
            "Time the upstream took to answer.",
        );
        self.added_latency.write(
            &mut out,
            "cardlint_proxy_added_seconds",
            "Time the proxy added (reading, linting, annotating), the upstream's excluded.",
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_format_counts_cumulatively() {
        let m = Metrics::default();
        m.added_latency.observe(Duration::from_micros(300));
        m.added_latency.observe(Duration::from_millis(3));
        m.errcode(40053);
        m.findings(["TYPE001", "TYPE001"].into_iter());
        let text = m.render();
        assert!(text.contains("cardlint_proxy_added_seconds_bucket{le=\"0.0005\"} 1"));
        assert!(text.contains("cardlint_proxy_added_seconds_bucket{le=\"0.005\"} 2"));
        assert!(text.contains("cardlint_proxy_added_seconds_count 2"));
        assert!(text.contains("cardlint_proxy_upstream_errcode_total{errcode=\"40053\"} 1"));
        assert!(text.contains("cardlint_proxy_findings_total{rule=\"TYPE001\"} 2"));
    }
}
