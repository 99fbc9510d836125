package org.fusioncds.bench;

import ai.onnxruntime.OrtEnvironment;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.fusioncds.bench.FirstCallProbe.Sample;
import org.fusioncds.bench.ServiceRequests.Kind;

/** The benchmark's printed tables (the command's standard output; logs go to stderr). */
final class Report {

  private static PrintWriter out = new PrintWriter(System.out, true);

  private Report() {}

  /** Where the tables are printed from now on. */
  static void to(PrintWriter writer) {
    out = writer;
  }

  static void line(String format, Object... args) {
    out.printf(Locale.ROOT, format + "%n", args);
    out.flush();
  }

  static void environment() {
    Runtime rt = Runtime.getRuntime();
    line("== fusion-cds bench (synthetic data, loopback only)");
    line(
        "JVM: %s %s (%s), %d cores, max heap %d MiB, %s %s; ONNX Runtime %s",
        System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"),
        System.getProperty("java.vm.vendor"),
        rt.availableProcessors(),
        rt.maxMemory() >> 20,
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        OrtEnvironment.getEnvironment().getVersion());
  }

  static void requests(ServiceRequests r) {
    line("%nrequests of one first hook call, as the service sent them (tapped):");
    for (ServiceRequests.Template t : r.all()) {
      line(
          "  %-12s %-4s %s%n%17sAccept: %s%s",
          t.kind(),
          t.method(),
          t.path(),
          "",
          t.accept(),
          t.contentType() == null ? "" : "  Content-Type: " + t.contentType());
    }
  }

  /**
   * @param cardFirst the service answered before writing the report ({@code
   *     cds.card-timing=before-report})
   */
  static void firstCalls(List<Sample> s, boolean cardFirst) {
    line(
        "%n(1%s) first hook call of %d fresh patients (radiograph + labs), cds.card-timing=%s"
            + " (patients in turn with (1%s)), ms",
        cardFirst ? "b" : "a",
        s.size(),
        cardFirst ? "before-report" : "after-report",
        cardFirst ? "a" : "b");
    line("  %-58s %8s %8s %8s", "", "median", "p90", "mean");
    row(
        cardFirst
            ? "(a) hook call, first time (model run, card before the report)"
            : "(a) hook call, first time (model run, report written)",
        s,
        Sample::hook);
    if (cardFirst) {
      row("(f) from the call until the report can be read", s, Sample::ready);
    }
    row("(b) raw fetch, sum of the 6 gather requests", s, Sample::fetchTotal);
    for (Kind k :
        List.of(
            Kind.PATIENT,
            Kind.STUDIES,
            Kind.OBSERVATIONS,
            Kind.CONDITIONS,
            Kind.METADATA,
            Kind.FRAME)) {
      row("      " + k, s, x -> x.fetch().get(k));
    }
    row("(c) OrtSession.run, fused graph, same tensors", s, Sample::run);
    row("(b)+(c)", s, x -> x.fetchTotal() + x.run());
    row("(d) write-back transaction, raw, same shape (fresh key)", s, Sample::transaction);
    // a first call looks no key up: the stored reports' keys, read beside the labs, rule it out
    row("(e) stored reports' keys, raw (beside the labs, in (a))", s, Sample::storedKeys);
    row("(g) inputs made, raw: window, resize, labs (not in (b))", s, Sample::assemble);
    if (cardFirst) {
      row(
          "(a)-(b)-(c): the rest (Camel, parse, assemble, (e)...)",
          s,
          x -> x.hook() - x.fetchTotal() - x.run());
    } else {
      row(
          "(a)-(b)-(c)-(d): the rest (Camel, parse, assemble, (e)...)",
          s,
          x -> x.hook() - x.fetchTotal() - x.run() - x.transaction());
    }
    line(
        "  the service's Camel routes, from the call until the report could be read (each"
            + " route's time includes the routes it calls):");
    Set<String> seen = new LinkedHashSet<>();
    s.forEach(x -> seen.addAll(x.routes().keySet()));
    List<String> routes = new ArrayList<>(seen); // the longest first: callers before the called
    routes.sort(
        Comparator.comparingDouble(
                (String route) ->
                    new Stats(s.stream().map(x -> x.routes().getOrDefault(route, 0.0)).toList())
                        .median())
            .reversed());
    for (String route : routes) {
      row("    route " + route, s, x -> x.routes().getOrDefault(route, 0.0));
    }
    line("  ratios (per patient; median, p90):");
    row("(a)/((b)+(c))", s, x -> x.hook() / (x.fetchTotal() + x.run()), true);
    if (cardFirst) {
      row(
          "(f)/((b)+(c)): until the report is there",
          s,
          x -> x.ready() / (x.fetchTotal() + x.run()),
          true);
    } else {
      row("(d)/(a): the write-back's share of the hook", s, x -> x.transaction() / x.hook(), true);
    }
    double a = new Stats(s.stream().map(Sample::hook).toList()).median();
    double bc = new Stats(s.stream().map(x -> x.fetchTotal() + x.run()).toList()).median();
    line("  median(a)/median((b)+(c)) = %.2f", a / bc);
    line(
        "  FHIR reads and searches answered as: %s (the service's Accept header)",
        s.get(0).fhirContentType());
    long match = s.stream().filter(Sample::keyMatches).count();
    line("  our assembled inputs give the report's result key: %d/%d", match, s.size());
  }

  private static void row(String label, List<Sample> s, ToDoubleFunction<Sample> f) {
    row(label, s, f, false);
  }

  private static void row(String label, List<Sample> s, ToDoubleFunction<Sample> f, boolean ratio) {
    Stats st = new Stats(s.stream().map(x -> f.applyAsDouble(x)).toList());
    if (ratio) {
      line("  %-58s %s   %s", label, Stats.ratio(st.median()), Stats.ratio(st.p(90)));
    } else {
      line(
          "  %-58s %s %s %s",
          label, Stats.ms(st.median()), Stats.ms(st.p(90)), Stats.ms(st.mean()));
    }
  }

  static void cached(String how, List<CachedLoad.Level> levels, List<CachedLoad.Level> floors) {
    line(
        "%n(2) cached answer (model not run; card says so), %s, beside plain FHIR reads (GET"
            + " Patient/id) of the same server, same callers, loopback",
        how);
    line(
        "  %7s %6s %6s %9s %9s %9s %9s | %9s %9s %9s | %9s %9s %9s  %s",
        "callers",
        "calls",
        "ok",
        "hook p50",
        "hook p99",
        "hooks/s",
        "shipped/s",
        "read p50",
        "read p99",
        "reads/s",
        "rate x",
        "shipped x",
        "p99 x",
        "errors (hook; read)");
    for (int i = 0; i < levels.size(); i++) {
      CachedLoad.Level l = levels.get(i);
      CachedLoad.Level f = floors.get(i);
      line(
          "  %7d %6d %6d %s  %s  %8.1f  %8.1f | %s  %s  %8.1f | %9s %9s %9s  %s; %s",
          l.callers(),
          l.calls(),
          l.good(),
          Stats.ms(l.latency().median()),
          Stats.ms(l.latency().p(99)),
          l.callsPerSecond(),
          l.callsPerSecondShipped(),
          Stats.ms(f.latency().median()),
          Stats.ms(f.latency().p(99)),
          f.callsPerSecond(),
          Stats.ratio(l.callsPerSecond() / f.callsPerSecond()),
          Stats.ratio(l.callsPerSecondShipped() / f.callsPerSecond()),
          Stats.ratio(l.latency().p(99) / f.latency().p(99)),
          l.errors().isEmpty() ? "none" : l.errors(),
          f.errors().isEmpty() ? "none" : f.errors());
    }
    line(
        "  rate x: hooks/s over reads/s (target >= 0.5 at 50 callers); p99 x: hook p99 over read"
            + " p99 (target <= 2, and hook p99 <= 500 ms)");
    line(
        "  shipped/s, shipped x: the same calls over the level's time plus the time until the"
            + " service had shipped their AuditEvents to the audit repository (the same FHIR"
            + " server); every level starts with nothing waiting");
  }
}
