package org.fusioncds.audit;

import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.exceptions.FhirClientConnectionException;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the spooled AuditEvents to the audit repository (a FHIR R4 server), off the hot path: one
 * daemon thread takes the oldest batch, sends it as ONE FHIR transaction of {@code PUT
 * AuditEvent/<id>} entries (FHIR R4 §3.1.0.11 update as create, client-assigned ids), and removes
 * them from the spool only after the server answered with success. Resending a batch whose answer
 * was lost updates the same resources instead of creating new ones, so the trail gets every event
 * exactly once. A failure keeps the events, logs one line (FCDS-7073 with the status, nothing of
 * the events) and waits as the declared back-off says (a resilience4j {@link IntervalFunction}: by
 * default doubling from {@code interval} up to {@value #MAX_BACKOFF_S} s, {@code audit.retry.*}).
 * Every failure is retried, refusals (4xx) included, with no limit on attempts: an event is never
 * dropped, so an event the server keeps refusing holds back the ones after it until an operator
 * acts on the FCDS-7073 lines. The wait is the shipper's own so that {@link #flush} and {@link
 * #close} can end it at once.
 *
 * <p>While the service is answering calls ({@code busy}: calls in flight), the shipper gives way:
 * events it finds waiting are sent once no call is in flight, or once it has found them waiting for
 * {@code giveWay} (then it sends until the spool is empty, as it does at any other time). The
 * events are durable in the journal meanwhile; the audit repository (often the same FHIR server the
 * hooks read) then ingests them between bursts of calls, not during them. {@link #flush} sends at
 * once.
 */
public final class AuditShipper implements AutoCloseable {

  static final int MAX_BACKOFF_S = 30;

  /** How often a shipper giving way looks whether the calls have ended. */
  static final long GIVE_WAY_CHECK_MS = 20;

  private static final Logger LOG = LoggerFactory.getLogger(AuditShipper.class);
  private static final Duration CLOSE_FLUSH = Duration.ofSeconds(2);

  private final AuditSpool spool;
  private final Supplier<IGenericClient> repository;
  private final int batchSize;
  private final Duration interval;
  private final IntervalFunction backoff;
  private final IntSupplier busy;
  private final Duration giveWay;
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong gaveWay = new AtomicLong();
  private final Object wake = new Object();
  private volatile boolean running;
  private volatile boolean flushing;
  private boolean nudged;

  /** When the shipper first found events waiting while calls were in flight; 0: not giving way. */
  private long givingWaySince;

  private boolean counted;
  private Thread thread;

  /**
   * @param spool where the events wait
   * @param repository a client of the audit repository, asked for anew before every batch; null
   *     while none is configured (the events wait)
   * @param batchSize the most events in one transaction
   * @param interval how long to wait when the spool is empty; also the first back-off
   */
  public AuditShipper(
      AuditSpool spool, Supplier<IGenericClient> repository, int batchSize, Duration interval) {
    this(
        spool,
        repository,
        batchSize,
        interval,
        backoff(interval, Duration.ofSeconds(MAX_BACKOFF_S)));
  }

  /**
   * @param spool where the events wait
   * @param repository a client of the audit repository, asked for anew before every batch; null
   *     while none is configured (the events wait)
   * @param batchSize the most events in one transaction
   * @param interval how long to wait when the spool is empty
   * @param backoff the wait after the n-th failure in a row (n from 1), see {@link #backoff}
   */
  public AuditShipper(
      AuditSpool spool,
      Supplier<IGenericClient> repository,
      int batchSize,
      Duration interval,
      IntervalFunction backoff) {
    this(spool, repository, batchSize, interval, backoff, () -> 0, Duration.ZERO);
  }

  /**
   * @param busy the calls the service is answering now ({@code 0}: none)
   * @param giveWay how long events found waiting wait for a moment without calls; zero: never
   * @see #AuditShipper(AuditSpool, Supplier, int, Duration, IntervalFunction)
   */
  public AuditShipper(
      AuditSpool spool,
      Supplier<IGenericClient> repository,
      int batchSize,
      Duration interval,
      IntervalFunction backoff,
      IntSupplier busy,
      Duration giveWay) {
    if (batchSize < 1 || interval.toMillis() < 1 || giveWay.isNegative()) {
      throw new FcdsException(
          ErrorCode.AUDIT_SHIPPER_SETTINGS,
          "audit.batch-size and audit.interval-ms must be at least 1, audit.give-way-ms not"
              + " negative, got "
              + batchSize
              + ", "
              + interval.toMillis()
              + " and "
              + giveWay.toMillis());
    }
    this.spool = spool;
    this.repository = repository;
    this.batchSize = batchSize;
    this.interval = interval;
    this.backoff = backoff;
    this.busy = busy;
    this.giveWay = giveWay;
  }

  /**
   * The declared back-off: {@code first} after the first failure, doubled after each further one,
   * never more than {@code max} ({@code audit.retry.backoff-ms}, {@code
   * audit.retry.max-backoff-ms}).
   */
  public static IntervalFunction backoff(Duration first, Duration max) {
    Duration start = first.toMillis() < 1 ? Duration.ofMillis(1) : first;
    return IntervalFunction.ofExponentialBackoff(
        start, 2.0, max.compareTo(start) < 0 ? start : max);
  }

  /** Starts the daemon thread {@code audit-shipper}; once (a second call does nothing). */
  public synchronized void start() {
    if (thread != null) {
      return;
    }
    running = true;
    thread = new Thread(this::loop, "audit-shipper");
    thread.setDaemon(true);
    thread.start();
  }

  /** The number of events the repository accepted. */
  public long sent() {
    return sent.get();
  }

  /** How many times the shipper found events waiting and let them wait for the calls to end. */
  public long gaveWay() {
    return gaveWay.get();
  }

  /**
   * Asks the thread to try at once (ending a back-off) and waits until the spool is empty.
   *
   * @return true when it emptied within the timeout
   */
  public boolean flush(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    flushing = true;
    try {
      nudge();
      while (spool.size() > 0) {
        if (System.nanoTime() > deadline) {
          return false;
        }
        sleepQuietly(20);
      }
      return true;
    } finally {
      flushing = false;
    }
  }

  /** Tries one last flush ({@code 2 s}), then stops the thread. */
  @Override
  public void close() {
    Thread t;
    synchronized (this) {
      t = thread;
    }
    if (t == null) {
      return;
    }
    flush(CLOSE_FLUSH);
    running = false;
    t.interrupt();
    try {
      t.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Takes the oldest batch, sends it, removes it on success.
   *
   * @return the number of events shipped (0 when the spool was empty)
   * @throws RuntimeException what sending threw; the batch stays in the spool
   */
  int shipOnce() {
    IGenericClient client = repository.get();
    if (client == null) {
      return 0; // no repository configured: the events wait in the spool
    }
    List<AuditSpool.Entry> batch = spool.oldest(batchSize);
    if (batch.isEmpty()) {
      return 0;
    }
    AuditBatch.send(client, batch);
    sent.addAndGet(
        batch.size()); // accepted now; counted before the spool empties (flush waits on it)
    spool.remove(batch);
    return batch.size();
  }

  /** What the shipper does next. */
  private enum Next {
    /** Nothing waits: look again after the interval. */
    IDLE,
    /** Events wait, and calls are in flight: look again shortly. */
    GIVE_WAY,
    SHIP
  }

  /**
   * Whether events wait, and if so whether they should wait for the calls in flight to end: only
   * while calls are in flight, and not past {@code giveWay} since the shipper found them (or those
   * before them, the spool not having been empty since) waiting. An empty spool is idle, not a
   * batch to ship: an event appended after the look waits for the next one, where the give-way
   * applies to it.
   */
  private Next next() {
    if (spool.size() == 0) {
      givingWaySince = 0;
      return Next.IDLE;
    }
    if (giveWay.isZero() || flushing) {
      givingWaySince = 0;
      return Next.SHIP;
    }
    long now = System.nanoTime();
    if (givingWaySince == 0) {
      givingWaySince = now; // the backlog's wait starts; it ends when the spool is empty
      counted = false;
    }
    if (busy.getAsInt() <= 0 || now - givingWaySince >= giveWay.toNanos()) {
      return Next.SHIP;
    }
    if (!counted) {
      counted = true;
      gaveWay.incrementAndGet();
    }
    return Next.GIVE_WAY;
  }

  private void loop() {
    int failures = 0;
    while (running) {
      try {
        Next next = next();
        if (next == Next.GIVE_WAY) {
          pause(Math.min(GIVE_WAY_CHECK_MS, interval.toMillis()));
          continue;
        }
        int n = next == Next.SHIP ? shipOnce() : 0;
        failures = 0;
        if (n == 0) {
          pause(interval.toMillis());
        }
      } catch (RuntimeException e) {
        failures = Math.min(failures + 1, 64); // past 64 doublings every wait is the cap
        long wait = backoff.apply(failures);
        LOG.warn(
            ErrorCode.AUDIT_BATCH_REFUSED.codeText()
                + ": audit batch not accepted — {} ({}), {} waiting, retry in {} ms",
            status(e),
            e.getClass().getSimpleName(),
            waiting(),
            wait);
        pause(wait);
      }
    }
  }

  /**
   * The HTTP status of the refusal, "no answer" (HAPI gives connection failures 500), or the code
   * of our own failure (the answer did not account for the batch, the spool could not be read).
   */
  static String status(RuntimeException e) {
    if (e instanceof FhirClientConnectionException) {
      return "no answer";
    }
    if (e instanceof FcdsException f) {
      return f.codeText();
    }
    return e instanceof BaseServerResponseException b ? "status " + b.getStatusCode() : "error";
  }

  private String waiting() {
    try {
      return Integer.toString(spool.size());
    } catch (RuntimeException e) {
      return "?"; // the spool folder is unreadable too: keep the thread alive, say so next time
    }
  }

  private void nudge() {
    synchronized (wake) {
      nudged = true;
      wake.notifyAll();
    }
  }

  private void pause(long ms) {
    long deadline = System.currentTimeMillis() + Math.max(ms, 1);
    synchronized (wake) {
      while (running && !nudged) {
        long left = deadline - System.currentTimeMillis();
        if (left <= 0) {
          break;
        }
        try {
          wake.wait(left);
        } catch (InterruptedException e) {
          return;
        }
      }
      nudged = false;
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
