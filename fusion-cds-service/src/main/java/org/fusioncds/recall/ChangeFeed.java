package org.fusioncds.recall;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import org.fusioncds.audit.AuditSpool;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.fhir.FhirGateway;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One FHIR server's change feed: what changed on the server since the last look, for every
 * remembered result of every patient at once. A hook that needs to know whether anything changed
 * waits for a poll that <em>started after it arrived</em> (so every write committed before the hook
 * came is in it); concurrent hooks share one poll, as an audit journal's appends share one fsync. A
 * poll is one FHIR {@code batch} of type-level {@code _history} reads since the last poll's server
 * time less {@code overlap} (Patient, ImagingStudy, Observation, Condition, DiagnosticReport;
 * {@code _elements} asks only for the patient and the codes), read with the service's own
 * credentials and audited as one BALP Query event. Each change is reported once (the versions seen
 * inside the overlap are kept) to the listeners, before the waiting hooks go on. The poll does not
 * wait for its audit records to be durable: a hook that uses the poll waits for them with its own
 * ({@link Poll#audited}), so a lone hook's answer waits for one journal force, not two in turn.
 *
 * <p>Under load a poll gathers its hooks before it starts, as a database's group commit waits for
 * its siblings: while fewer hooks wait for it than calls are in flight, it waits for more, at most
 * {@code gather} after its first hook came. One caller never waits (it is the one call in flight).
 * With 50 callers on 2 cores a poll served 16–18 hooks on average with the default 20 ms, 4–14
 * without: fewer history reads for the FHIR server, which the hooks' callers share.
 *
 * <p>What the feed cannot see it says: more changes of a type than {@code maxPages} pages hold is
 * an overflow (the listeners then trust nothing remembered without proof; for the overlap after an
 * overflow each poll reads one page of a type, which tells whether it still overflows, then one
 * reads every page again); a server that refuses history or answers without its time turns the feed
 * off for good (FCDS-3011), a server clock more than half the overlap away from ours too
 * (FCDS-3012); a failed or late poll sends its hooks to the per-hook batch. A write whose
 * transaction commits more than {@code overlap} after the server stamped it is the one thing it can
 * miss: set the overlap above the longest transaction the server commits.
 */
public final class ChangeFeed implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ChangeFeed.class);

  /** The types whose changes can change a gathered case or its report. */
  static final List<String> TYPES =
      List.of("Patient", "ImagingStudy", "Observation", "Condition", "DiagnosticReport");

  /**
   * Where each poll's reads are audited: each record is handed over without waiting, its future
   * completes once it is durable (or fails with FCDS-7071).
   */
  public interface Audit {

    /** The poll's batch: its URLs and the HTTP status (0: no answer). */
    CompletableFuture<Void> batch(List<String> urls, int status);

    /** A next page of one history, relative to the base. */
    CompletableFuture<Void> page(String url, int status);
  }

  /**
   * A poll a hook waited for: its number, and its audit records' durability, which whoever uses the
   * poll's answer must wait for before its own answer goes out.
   */
  public record Poll(long seq, CompletableFuture<Void> audited) {}

  /** Statuses that say the server will not serve this feed (then it is not asked again). */
  private static final Set<Integer> REFUSED = Set.of(400, 404, 405, 415, 422, 501);

  /**
   * One resource version created, updated or deleted on the server.
   *
   * @param patientId the patient it is about (the Patient's own id, else its subject), or null (a
   *     deletion names no subject)
   * @param codes the Observation's codings as {@code system|code}
   */
  public record Change(
      String type,
      String id,
      String version,
      String patientId,
      List<String> codes,
      boolean deleted) {

    /** {@code Type/id}. */
    public String ref() {
      return type + "/" + id;
    }

    /** {@code Type/id/_history/version}, as {@link org.fusioncds.flow.InputVersions} writes it. */
    public String versioned() {
      return ref() + "/_history/" + version;
    }
  }

  /**
   * What one poll found: its number (1, 2, …), the changes no earlier poll reported, and whether
   * more changed than the poll could read (then the listeners must trust nothing remembered without
   * proof).
   */
  public record Changes(long seq, List<Change> changes, boolean overflow) {}

  /**
   * How the feed polls.
   *
   * @param overlap each poll reads again this far before the last poll's server time
   * @param pageSize the {@code _count} of each history read
   * @param hookWait how long a hook waits for its poll before it takes the per-hook batch
   * @param gather how long a poll may wait, after its first hook came, for the other calls in
   *     flight to join it (0: it starts at once)
   * @param maxPages pages of one type's history a poll reads, at most (more: an overflow)
   */
  public record Settings(
      Duration overlap, int pageSize, Duration hookWait, Duration gather, int maxPages) {

    /** Polls that read at most 20 pages of a type. */
    public Settings(Duration overlap, int pageSize, Duration hookWait, Duration gather) {
      this(overlap, pageSize, hookWait, gather, 20);
    }

    public Settings {
      if (overlap.isNegative()
          || overlap.isZero()
          || pageSize < 1
          || hookWait.isNegative()
          || gather.isNegative()
          || gather.compareTo(hookWait) >= 0
          || maxPages < 1) {
        throw new FcdsException(
            ErrorCode.RECALL_FEED_SETTINGS,
            "cds.recall.feed.overlap-ms, page-size and max-pages must be positive, wait-ms not"
                + " negative, gather-ms not negative and below wait-ms, got "
                + overlap.toMillis()
                + ", "
                + pageSize
                + ", "
                + maxPages
                + ", "
                + hookWait.toMillis()
                + " and "
                + gather.toMillis());
      }
    }
  }

  /** One poll and the hooks waiting for it (its counts guarded by the feed). */
  private static final class Round {
    final CompletableFuture<Poll> done = new CompletableFuture<>();
    final long born = System.nanoTime();
    int waiters = 1;
    boolean started;
  }

  private final String base;
  private final FhirGateway gateway;
  private final IGenericClient client;
  private final Audit audit;
  private final Settings settings;
  private final IntSupplier callsInFlight;
  private final ExecutorService runner;
  private final List<Consumer<Changes>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong polls = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicLong reported = new AtomicLong();
  private final AtomicLong overflows = new AtomicLong();
  private final AtomicLong late = new AtomicLong();

  /** Versions reported, with the server time they were first seen (runner thread only). */
  private final Map<String, Instant> seen = new HashMap<>();

  /** The {@code _since} of the next poll (runner thread only). */
  private Instant since;

  /**
   * The last poll's audit records and its {@code _since} (runner thread only): a poll whose records
   * were not written has its window read again by the next one, so that every read a later answer
   * relies on is in the trail.
   */
  private CompletableFuture<Void> lastAudited = CompletableFuture.completedFuture(null);

  private Instant lastSince;

  private volatile long completed;
  private volatile String off;
  private boolean failing;
  private boolean overflowing;

  /** While the polls overflow: when one reads every page again (runner thread only). */
  private Instant fullReadDue = Instant.MIN;

  private Round running;
  private Round queued;

  /**
   * @param client a client of {@code base} with the service's own credentials
   * @param audit told each poll's URLs and the batch's HTTP status (0: no answer)
   * @param callsInFlight the calls the service is answering (a poll gathers while fewer wait)
   */
  public ChangeFeed(
      String base,
      FhirGateway gateway,
      IGenericClient client,
      Audit audit,
      Settings settings,
      IntSupplier callsInFlight) {
    this.base = base;
    this.gateway = gateway;
    this.client = client;
    this.audit = audit;
    this.settings = settings;
    this.callsInFlight = callsInFlight;
    this.since = Instant.now().minus(settings.overlap());
    this.runner =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "fcds-change-feed");
              t.setDaemon(true);
              return t;
            });
  }

  /** Called with each poll's changes before the hooks waiting for the poll go on. */
  public void listen(Consumer<Changes> listener) {
    listeners.add(listener);
  }

  /** False once the server has shown it cannot serve the feed (then every hook takes the batch). */
  public boolean usable() {
    return off == null;
  }

  /** The number of the last poll completed (0 before the first). */
  public long completed() {
    return completed;
  }

  /**
   * Waits for a poll that starts after this call and gives its number once its changes reached the
   * listeners and its audit records are durable; empty when the feed is off, the poll failed or did
   * not end within the wait.
   *
   * @throws org.fusioncds.error.FcdsException 7071 when the poll's audit records were not written
   */
  public OptionalLong awaitFresh() {
    Optional<Poll> poll = awaitPoll();
    poll.ifPresent(p -> AuditSpool.awaitDurable(p.audited()));
    return poll.map(p -> OptionalLong.of(p.seq())).orElse(OptionalLong.empty());
  }

  /**
   * Waits for a poll that starts after this call, once its changes reached the listeners; its audit
   * records may not be durable yet ({@link Poll#audited}). Empty when the feed is off, the poll
   * failed or did not end within the wait.
   */
  public Optional<Poll> awaitPoll() {
    Round mine;
    synchronized (this) {
      if (off != null) {
        return Optional.empty();
      }
      if (running == null) {
        running = new Round();
        mine = running;
        try {
          runner.execute(this::runRounds);
        } catch (RejectedExecutionException closed) {
          running = null;
          return Optional.empty();
        }
      } else if (!running.started) {
        mine = running;
        mine.waiters++;
        notifyAll();
      } else if (queued == null) {
        queued = new Round();
        mine = queued;
      } else {
        mine = queued;
        mine.waiters++;
      }
    }
    try {
      return Optional.of(
          mine.done.get(Math.max(1, settings.hookWait().toMillis()), TimeUnit.MILLISECONDS));
    } catch (TimeoutException e) {
      late.incrementAndGet();
      return Optional.empty();
    } catch (ExecutionException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** Polls completed, failed, and changes reported so far. */
  public long polls() {
    return polls.get();
  }

  public long failures() {
    return failures.get();
  }

  public long reported() {
    return reported.get();
  }

  /** Polls that could not read every change (more than {@code maxPages} pages of a type's). */
  public long overflows() {
    return overflows.get();
  }

  /** Waits for a poll that ended past {@code hookWait} (each such hook took its own batch). */
  public long late() {
    return late.get();
  }

  /** Runs the round asked for, then the one queued behind it, until none is waiting. */
  private void runRounds() {
    Round round;
    synchronized (this) {
      round = running;
    }
    while (round != null) {
      try {
        gather(round);
        round.done.complete(poll());
      } catch (RuntimeException | Error e) {
        // an Error too (out of memory): the round fails, the feed goes on; were it to escape, the
        // round would stay running and every later hook wait out cds.recall.feed.wait-ms
        failures.incrementAndGet();
        noteFailure(e);
        round.done.completeExceptionally(e);
      }
      synchronized (this) {
        running = off == null ? queued : null;
        if (off != null && queued != null) {
          queued.done.completeExceptionally(new IllegalStateException(off));
        }
        queued = null;
        round = running;
      }
    }
  }

  /**
   * Waits, at most {@code gather} after the round's first hook came, while fewer hooks wait for it
   * than calls are in flight; then marks it started (later hooks wait for the next one).
   */
  private void gather(Round round) {
    long until = round.born + settings.gather().toNanos();
    synchronized (this) {
      try {
        for (long left = until - System.nanoTime();
            left > 0 && off == null && round.waiters < callsInFlight.getAsInt();
            left = until - System.nanoTime()) {
          TimeUnit.NANOSECONDS.timedWait(this, left);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      round.started = true;
    }
  }

  /**
   * How far the server's time, stamped on the batch's history Bundles, lies outside the time the
   * batch was under way by our clock (zero inside it): the next pages a busy poll reads after the
   * batch are no clock skew.
   */
  static Duration clockSkew(Instant asked, Instant answered, Instant serverTime) {
    if (serverTime.isBefore(asked)) {
      return Duration.between(serverTime, asked);
    }
    return serverTime.isAfter(answered) ? Duration.between(answered, serverTime) : Duration.ZERO;
  }

  private Poll poll() {
    readAgainIfUnaudited();
    Instant polledSince = since;
    List<CompletableFuture<Void>> audited = new ArrayList<>();
    List<String> urls = new ArrayList<>(TYPES.size());
    String from = URLEncoder.encode(since.toString(), StandardCharsets.UTF_8);
    for (String type : TYPES) {
      urls.add(
          type
              + "/_history?_since="
              + from
              + "&_count="
              + settings.pageSize()
              + "&_elements="
              + elements(type));
    }
    int[] status = {0};
    List<FhirGateway.BatchEntry> answers;
    Instant sent = Instant.now();
    try {
      answers =
          gateway.batch(
              client,
              urls,
              (asked, httpStatus) -> {
                status[0] = httpStatus;
                audited.add(audit.batch(asked, httpStatus));
              });
    } catch (FcdsException e) {
      if (REFUSED.contains(status[0])) {
        turnOff(ErrorCode.FHIR_CHANGE_FEED_REFUSED, "a batch of history reads: HTTP " + status[0]);
      }
      throw e;
    }
    Instant answered = Instant.now();
    Instant serverTime = null;
    boolean overflow = false;
    // after an overflow one page tells whether the changes still overflow: reading more is wasted
    // until the overlap has passed (then every page again: a busy server's steady changes may need
    // more than one page without overflowing)
    boolean probe = overflowing && Instant.now().isBefore(fullReadDue);
    int maxPages = probe ? 1 : settings.maxPages();
    List<Change> fresh = new ArrayList<>();
    // versions first seen in this poll: kept as seen only once the listeners have them (a poll
    // that fails half way must not hide its changes from the next one)
    Map<String, Instant> firstSeen = new HashMap<>();
    for (FhirGateway.BatchEntry a : answers) {
      if (!a.ok() || !(a.resource() instanceof Bundle history)) {
        String why = a.url().substring(0, a.url().indexOf('?')) + ": HTTP " + a.status();
        if (REFUSED.contains(a.status()) || a.ok()) {
          turnOff(ErrorCode.FHIR_CHANGE_FEED_REFUSED, why);
        }
        throw new FcdsException(ErrorCode.FHIR_CHANGE_FEED_REFUSED, why);
      }
      if (!history.getMeta().hasLastUpdated()) {
        String why = "a history Bundle without meta.lastUpdated (the server's time)";
        turnOff(ErrorCode.FHIR_CHANGE_FEED_REFUSED, why);
        throw new FcdsException(ErrorCode.FHIR_CHANGE_FEED_REFUSED, why);
      }
      Instant at = history.getMeta().getLastUpdated().toInstant();
      serverTime = serverTime == null || at.isBefore(serverTime) ? at : serverTime;
      Set<String> pagesRead = new HashSet<>();
      for (Bundle page = history; page != null; ) {
        for (Bundle.BundleEntryComponent e : page.getEntry()) {
          Change c = change(e);
          if (c != null
              && !seen.containsKey(c.versioned())
              && firstSeen.putIfAbsent(c.versioned(), at) == null) {
            fresh.add(c);
          }
        }
        Bundle.BundleLinkComponent next = page.getLink(Bundle.LINK_NEXT);
        if (next == null) {
          break;
        }
        if (pagesRead.size() + 1 >= maxPages || !pagesRead.add(next.getUrl())) {
          overflow = true; // more than the feed reads in one poll: nothing remembered is trusted
          break;
        }
        page = nextPage(page, next.getUrl(), audited);
      }
    }
    Duration skew = clockSkew(sent, answered, serverTime);
    if (skew.compareTo(settings.overlap().dividedBy(2)) > 0) {
      String why =
          "the server's clock is "
              + skew.toMillis()
              + " ms from ours, more than half cds.recall.feed.overlap-ms ("
              + settings.overlap().toMillis()
              + ")";
      turnOff(ErrorCode.FHIR_CHANGE_FEED_CLOCK, why);
      throw new FcdsException(ErrorCode.FHIR_CHANGE_FEED_CLOCK, why);
    }
    long seq = completed + 1;
    Changes changes = new Changes(seq, List.copyOf(fresh), overflow);
    for (Consumer<Changes> l : listeners) {
      l.accept(changes);
    }
    seen.putAll(firstSeen);
    Instant next = serverTime.minus(settings.overlap());
    since = next.isAfter(since) ? next : since;
    Instant keepFrom = since;
    seen.values().removeIf(at -> at.isBefore(keepFrom.minus(settings.overlap())));
    polls.incrementAndGet();
    reported.addAndGet(fresh.size());
    if (failing) {
      failing = false;
      LOG.info("the change feed of {} polls again", base);
    }
    if (overflow) {
      overflows.incrementAndGet();
      if (!probe) {
        fullReadDue = Instant.now().plus(settings.overlap());
      }
    }
    if (overflow != overflowing) {
      overflowing = overflow;
      if (overflow) {
        LOG.info(
            "the change feed of {} saw more changes of a type than the {} pages a poll reads (a"
                + " bulk load?): remembered results are proved by one FHIR batch per hook until a"
                + " poll reads every change",
            base,
            settings.maxPages());
      } else {
        LOG.info("the change feed of {} reads every change again", base);
      }
    }
    completed = seq;
    CompletableFuture<Void> durable =
        CompletableFuture.allOf(audited.toArray(CompletableFuture[]::new));
    durable.whenComplete(
        (ok, lost) -> {
          if (lost != null) { // the hooks of this poll answer FCDS-7071; say it once here too
            failures.incrementAndGet();
            LOG.error(
                "the change feed of {}: a poll's audit record was not written, the next poll"
                    + " reads its window again — {}",
                base,
                lost.getCause() == null ? lost.getMessage() : lost.getCause().getMessage());
          }
        });
    lastAudited = durable;
    lastSince = polledSince;
    return new Poll(seq, durable);
  }

  /**
   * Waits for the last poll's audit records (forced by now, as a rule: its hooks waited for them);
   * when they were not written, the next poll starts at that poll's {@code _since}, so the window a
   * later answer relies on is read again under records that are (its changes were reported then,
   * the versions seen are not reported twice).
   */
  private void readAgainIfUnaudited() {
    try {
      lastAudited.join();
    } catch (CompletionException | CancellationException e) {
      if (lastSince != null && lastSince.isBefore(since)) {
        since = lastSince;
      }
    }
    lastAudited = CompletableFuture.completedFuture(null);
  }

  /** A next page of a history, audited as the read it is (its record's future into audited). */
  private Bundle nextPage(Bundle page, String url, List<CompletableFuture<Void>> audited) {
    return gateway.nextPage(
        client,
        page,
        "a change feed history",
        status -> audited.add(audit.page(relative(url), status)));
  }

  private String relative(String url) {
    String b = base.endsWith("/") ? base : base + "/";
    return url.startsWith(b) ? url.substring(b.length()) : url;
  }

  /** One history entry as a change; null for an entry that names no resource version. */
  static Change change(Bundle.BundleEntryComponent e) {
    Resource r = e.getResource();
    boolean deleted = e.hasRequest() && e.getRequest().getMethod() == Bundle.HTTPVerb.DELETE;
    String type;
    String id;
    String version;
    if (r != null && !r.isEmpty()) {
      type = r.fhirType();
      id = r.getIdElement().getIdPart();
      version =
          r.getIdElement().hasVersionIdPart()
              ? r.getIdElement().getVersionIdPart()
              : r.getMeta().getVersionId();
    } else {
      // a deletion: the request URL (Type/id/_history/v or Type/id) and the ETag name it
      String[] parts = e.hasRequest() ? e.getRequest().getUrl().split("[/?]") : new String[0];
      if (parts.length < 2) {
        return null;
      }
      type = parts[0];
      id = parts[1];
      version =
          parts.length >= 4 && "_history".equals(parts[2])
              ? parts[3]
              : etagVersion(e.hasResponse() ? e.getResponse().getEtag() : null);
    }
    if (id == null || version == null) {
      return null;
    }
    String patient = null;
    List<String> codes = List.of();
    if (r instanceof org.hl7.fhir.r4.model.Patient) {
      patient = id;
    } else if (r != null) {
      patient = subject(r);
      if (r instanceof Observation o) {
        codes =
            o.getCode().getCoding().stream()
                .filter(c -> c.hasSystem() && c.hasCode())
                .map(ChangeFeed::code)
                .toList();
      }
    }
    return new Change(type, id, version, patient, codes, deleted);
  }

  /** The patient a resource's {@code subject} names ({@code Patient/x} or an absolute URL). */
  private static String subject(Resource r) {
    if (!r.getNamedProperty("subject").hasValues()) {
      return null;
    }
    Reference ref = (Reference) r.getNamedProperty("subject").getValues().get(0);
    if (!ref.hasReference()) {
      return null;
    }
    String[] parts = ref.getReference().split("/");
    int i =
        parts.length >= 4 && "_history".equals(parts[parts.length - 2])
            ? parts.length - 4
            : parts.length - 2;
    return i >= 0 && "Patient".equals(parts[i]) ? parts[i + 1] : null;
  }

  private static String code(Coding c) {
    return c.getSystem() + "|" + c.getCode();
  }

  private static String etagVersion(String etag) {
    if (etag == null) {
      return null;
    }
    String v = etag.replaceFirst("^W/", "").replace("\"", "");
    return v.isBlank() ? null : v;
  }

  private static String elements(String type) {
    return switch (type) {
      case "Patient" -> "id";
      case "Observation" -> "subject,code";
      default -> "subject";
    };
  }

  private void turnOff(ErrorCode code, String why) {
    if (off == null) {
      off = code.codeText() + " " + why;
      LOG.warn(
          "{}: the change feed of {} is off, repeated hooks are checked one FHIR batch each: {}",
          code.codeText(),
          base,
          why);
    }
  }

  private void noteFailure(Throwable e) {
    if (!failing && off == null) {
      failing = true;
      LOG.warn(
          "the change feed of {} failed a poll, its hooks take the per-hook batch until one"
              + " succeeds: {}",
          base,
          e.getMessage());
    }
  }

  @Override
  public void close() {
    runner.shutdownNow();
    synchronized (this) {
      off = off == null ? "closed" : off;
      for (Round r : new Round[] {running, queued}) {
        if (r != null) {
          r.done.completeExceptionally(new IllegalStateException("closed"));
        }
      }
    }
  }
}
