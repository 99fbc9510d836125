package org.fusioncds.cdshooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.camel.Exchange;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.spi.SynchronizationVetoable;
import org.apache.camel.support.SynchronizationAdapter;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.flow.EvaluationOutcome;
import org.fusioncds.flow.Inferred;
import org.fusioncds.flow.Reported;
import org.fusioncds.flow.ResultKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reports a card has named or promised but the write-back has not written yet (a result card of
 * {@code cds.card-timing=before-report}; an "analysis running" card past the time budget), on disk
 * before the card is answered: {@code pending-reports.jsonl} in the dead-letter folder, one forced
 * line per report (group commit, {@link LineFile}) with its result key and its evaluation job (the
 * patient by logical id only, as a dead letter names it), and one line when it is written. A
 * process that stops in between (kill -9, a crash, a lost machine) finds the unwritten ones when it
 * starts again and evaluates each once more, as of the hook's time and with the module's own token
 * (route {@code replay-pending-report}): unchanged inputs give the same key, so the report lands at
 * the id the card named; changed ones give the report of the new inputs (logged with both keys). A
 * replay that fails stays pending for the next start; nothing is dropped.
 */
public final class PendingReports {

  private static final Logger LOG = LoggerFactory.getLogger(PendingReports.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The exchange property of a replay: the result key its card named. */
  public static final String REPLAY_OF = "fcdsReplayOf";

  /**
   * The exchange property of a card whose report an earlier card's write, queued or running, is
   * writing already: its result key.
   */
  public static final String QUEUED = "fcdsReportQueued";

  /**
   * Exchange property of a recorded card: a future completed when the hook that queued the write
   * has answered; the writer waits for it ({@link #writing}).
   */
  public static final String ANSWERED = "fcdsHookAnswered";

  /**
   * Exchange property of an "analysis running" hook whose promised report this journal recorded:
   * its result key ({@link #recordRunning}).
   */
  public static final String RECORDED = "fcdsReportRecorded";

  /** The longest a write waits for its hook's answer before it starts anyway. */
  static final Duration ANSWER_WAIT = Duration.ofSeconds(1);

  /** A report a card named, not yet written: its result key and the job that computed it. */
  public record Pending(String key, EvaluationJob job) {

    String id() {
      return job.jobId() + " " + key;
    }

    String line() {
      ObjectNode line = JSON.createObjectNode();
      line.put("pending", key);
      line.putRawValue("job", new RawValue(job.toJson()));
      return line.toString();
    }
  }

  /**
   * Lines appended between two rewrites of the file while the process runs (the start rewrites it
   * too): a busy service appends two lines per result card, and the file would otherwise grow until
   * the next start, which reads it whole.
   */
  static final int COMPACT_EVERY = 10_000;

  private final Path file;
  private final LineFile lines;

  /** Each report named and not written: its id → its pending line, as the file holds it. */
  private final Map<String, String> pending = new ConcurrentHashMap<>();

  private final Set<String> writing = ConcurrentHashMap.newKeySet();
  private final List<Pending> unwritten;
  private final int compactEvery;
  private final java.util.concurrent.atomic.AtomicLong appended =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * Reads what an earlier process left unwritten and keeps only that in the file.
   *
   * @throws FcdsException 1029 when the folder or the file cannot be read or rewritten, or a line
   *     before the last is not one this class wrote (a torn last line, from a process killed while
   *     it wrote, is its report's card never answered: skipped)
   */
  public PendingReports(Path folder) {
    this(folder, COMPACT_EVERY);
  }

  /** As {@link #PendingReports(Path)}, the file rewritten every {@code compactEvery} lines. */
  PendingReports(Path folder, int compactEvery) {
    this.file = folder.resolve("pending-reports.jsonl");
    this.compactEvery = compactEvery;
    this.lines = new LineFile(file, ErrorCode.PENDING_REPORT_NOT_STORED, "pending-report journal");
    this.unwritten = List.copyOf(readAndCompact());
    unwritten.forEach(p -> pending.put(p.id(), p.line()));
  }

  /** The reports an earlier process named in a card and did not write, oldest first. */
  public List<Pending> unwritten() {
    return unwritten;
  }

  /** Reports named and not written now. */
  public int size() {
    return pending.size();
  }

  /**
   * On disk before the card is answered: the report {@code inferred} will be written as. The job
   * kept is evaluated as of the hook's time, so that a replay applies the same recency rules. When
   * a write of the same result key is already queued or running in this process (the same chart
   * opened again within the write's time), nothing is recorded and {@link #QUEUED} is set: that
   * write and its line name the same report, so the report is written once.
   *
   * @throws FcdsException 1028 when the journal cannot be written (then no card names the report)
   */
  public Inferred record(Inferred inferred, Exchange exchange) {
    if (!recorded(inferred.key(), inferred.job(), exchange)) {
      exchange.setProperty(QUEUED, inferred.key().value());
    }
    return inferred;
  }

  /**
   * On disk before an "analysis running" card is answered: the report that card promises, which the
   * background path ({@code finish-evaluation}) writes once the model has answered. As {@link
   * #record}: when a write of the same result key is queued or running here already, nothing is
   * recorded (that write names the same report); otherwise {@link #RECORDED} is set, and the
   * background write releases the key once it is done ({@link #finishing}).
   *
   * @throws FcdsException 1028 when the journal cannot be written (then no card promises the
   *     report)
   */
  public org.fusioncds.flow.Pending recordRunning(
      org.fusioncds.flow.Pending running, Exchange exchange) {
    if (recorded(running.inputs().key(), running.inputs().job(), exchange)) {
      exchange.setProperty(RECORDED, running.inputs().key().value());
    }
    return running;
  }

  /**
   * What {@link #record} and {@link #recordRunning} share: the report of {@code key} on disk and
   * pending, its job as of the hook's time, and the hook's exchange awaited by the write ({@link
   * #awaitedByTheWrite}); nothing when a write of the same key is queued or running here already.
   *
   * @return true when recorded
   */
  private boolean recorded(ResultKey key, EvaluationJob job, Exchange hook) {
    if (!queue(new Pending(key.value(), asOfHook(job)))) {
      return false;
    }
    awaitedByTheWrite(hook);
    return true;
  }

  /**
   * The background path's first step, before the model's answer is awaited: for a write its hook
   * recorded ({@link #recordRunning}), as {@link #writing}: once the path is done — written, or a
   * dead letter, the model's failure or time-out included — the key is released, so a later card of
   * the same inputs queues its own write where it would otherwise find the key held until a
   * restart. A path nobody recorded (a job's, or one whose key another write holds) releases
   * nothing.
   */
  public Object finishing(Object body, Exchange exchange) {
    String key = exchange.getProperty(RECORDED, String.class);
    if (key != null) {
      awaitAnswer(exchange.getProperty(ANSWERED, CompletableFuture.class));
      releasedWhenDone(key, exchange);
    }
    return body;
  }

  /**
   * Sets {@link #ANSWERED} on the hook's exchange (a copy queued from it carries the same future),
   * completed when that exchange is done.
   */
  static void awaitedByTheWrite(Exchange hook) {
    CompletableFuture<Void> answered = new CompletableFuture<>();
    hook.setProperty(ANSWERED, answered);
    hook.getExchangeExtension().addOnCompletion(new Answered(answered));
  }

  /**
   * Completes the hook's {@link #ANSWERED} future when the hook's exchange is done (answered, or
   * failed). Never handed over to the exchange the queue takes: it belongs to the hook.
   */
  private record Answered(CompletableFuture<Void> answered)
      implements Synchronization, SynchronizationVetoable {

    @Override
    public void onComplete(Exchange exchange) {
      answered.complete(null);
    }

    @Override
    public void onFailure(Exchange exchange) {
      answered.complete(null);
    }

    @Override
    public boolean allowHandover() {
      return false;
    }

    @Override
    public void beforeHandover(Exchange target) {
      // kept by the hook's exchange
    }
  }

  /**
   * On disk and pending, unless a write of the same key is queued or running here already.
   *
   * @return true when recorded (this card queues the write); false when another write has the key
   */
  boolean queue(Pending p) {
    if (!writing.add(p.key())) {
      return false;
    }
    try {
      add(p);
    } catch (RuntimeException e) {
      writing.remove(p.key());
      throw e;
    }
    return true;
  }

  /**
   * The writer's first step: waits until the hook that queued this write has answered (at most
   * {@link #ANSWER_WAIT}), so that the write's work (occlusion map, forms, transaction) does not
   * share the cores with the card's last milliseconds; then the result key is released (a later
   * card queues its own write) once this write is done, written or a dead letter.
   */
  public Inferred writing(Inferred inferred, Exchange exchange) {
    awaitAnswer(exchange.getProperty(ANSWERED, CompletableFuture.class));
    releasedWhenDone(inferred.key().value(), exchange);
    return inferred;
  }

  private void releasedWhenDone(String key, Exchange exchange) {
    exchange
        .getExchangeExtension()
        .addOnCompletion(
            new SynchronizationAdapter() {
              @Override
              public void onDone(Exchange done) {
                released(key);
              }
            });
  }

  /** Until the hook has answered, or {@link #ANSWER_WAIT} at most; at once without a hook. */
  static void awaitAnswer(CompletableFuture<?> answered) {
    if (answered == null) {
      return;
    }
    try {
      answered.get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // never failed (completed either way); a hook still running after the bound: write anyway
    }
  }

  /** The write of {@code key} is done (written or a dead letter): a later card queues its own. */
  void released(String key) {
    writing.remove(key);
  }

  /**
   * Pending, then on disk: a rewrite of the file between the two keeps the line (a line written
   * twice is one report).
   */
  void add(Pending p) {
    String line = p.line();
    pending.put(p.id(), line);
    try {
      append(line);
    } catch (RuntimeException e) {
      pending.remove(p.id());
      throw e;
    }
  }

  private void append(String line) {
    lines.append(line);
    if (appended.incrementAndGet() % compactEvery == 0) {
      compact();
    }
  }

  /**
   * Rewrites the file with the reports pending now, atomically (no line is appended meanwhile); a
   * failure leaves the file as it was (logged: the file is whole, only larger).
   */
  void compact() {
    try {
      lines.rewrite(() -> List.copyOf(pending.values()));
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "{}: the pending-report journal was not compacted (it stays whole, only longer) — {}",
          ErrorCode.PENDING_REPORT_NOT_STORED.codeText(),
          e.toString());
    }
  }

  /** The job evaluated as of its own time ({@code asOf}, else when it was requested). */
  static EvaluationJob asOfHook(EvaluationJob j) {
    return j.withAsOf(j.evaluationTime(j.requestedAt()));
  }

  /** After the write-back of a report a card named: written. */
  public Reported written(Reported reported) {
    settle(reported.job().jobId(), reported.key().value());
    return reported;
  }

  /** A replay's body: the job of {@code p} as JSON (for the worker's {@code open}). */
  public String open(Pending p, Exchange exchange) {
    exchange.setProperty(REPLAY_OF, p);
    return p.job().toJson();
  }

  /**
   * A replay answered: its report written or found (settled), or the case no longer evaluable
   * (settled, logged). A replay is a job: it waits for its model ({@code
   * InferenceStep.runToTheEnd}), so it is not answered RUNNING (such an answer would be left to its
   * background write, {@code finish-evaluation}, which settles the same job and key).
   */
  public HookAnswer replayed(HookAnswer answer, Exchange exchange) {
    Pending p = exchange.getProperty(REPLAY_OF, Pending.class);
    if (p == null || answer.status() == EvaluationOutcome.Status.RUNNING) {
      return answer;
    }
    String now = answer.key() == null ? null : answer.key().value();
    if (p.key().equals(now)) {
      LOG.info("a report named before the last stop is written now: key {}", p.key());
    } else {
      LOG.warn(
          "{}: the report a card named before the last stop (key {}) was not written and its case"
              + " has changed since: {} (key {})",
          ErrorCode.PENDING_REPORT_SUPERSEDED.codeText(),
          p.key(),
          answer.status(),
          now);
    }
    settle(p.job().jobId(), p.key());
    return answer;
  }

  void settle(String jobId, String key) {
    if (pending.remove(jobId + " " + key) != null) {
      ObjectNode line = JSON.createObjectNode();
      line.put("written", key);
      line.put("jobId", jobId);
      append(line.toString());
    }
  }

  /** The lines of the file's bytes, without their line ends. */
  private static List<byte[]> lines(byte[] bytes) {
    List<byte[]> lines = new ArrayList<>();
    int from = 0;
    for (int i = 0; i <= bytes.length; i++) {
      if (i == bytes.length || bytes[i] == '\n') {
        int to = i > from && bytes[i - 1] == '\r' ? i - 1 : i;
        if (i < bytes.length || to > from) {
          lines.add(Arrays.copyOfRange(bytes, from, to));
        }
        from = i + 1;
      }
    }
    return lines;
  }

  private List<Pending> readAndCompact() {
    try {
      Files.createDirectories(file.getParent());
      if (!Files.exists(file)) {
        return List.of();
      }
      List<byte[]> all = lines(Files.readAllBytes(file));
      Map<String, Pending> open = new LinkedHashMap<>();
      for (int i = 0; i < all.size(); i++) {
        JsonNode line;
        try {
          // decoded line by line, strictly: a torn last line may end inside a character
          String text =
              StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(all.get(i))).toString();
          if (text.isBlank()) {
            continue;
          }
          line = JSON.readTree(text);
          if (line.has("pending")) {
            Pending p =
                new Pending(
                    line.path("pending").asText(),
                    EvaluationJob.fromJson(line.path("job").toString()));
            open.put(p.id(), p);
          } else if (line.has("written")) {
            open.remove(line.path("jobId").asText() + " " + line.path("written").asText());
          } else {
            throw new IOException("neither pending nor written");
          }
        } catch (IOException | FcdsException e) {
          if (i == all.size() - 1) {
            LOG.warn(
                "{}: the last line of {} is torn (a process stopped while writing it): skipped",
                ErrorCode.PENDING_REPORTS_UNREADABLE.codeText(),
                file);
            continue;
          }
          throw new FcdsException(
              ErrorCode.PENDING_REPORTS_UNREADABLE,
              "pending-report journal " + file + ": line " + (i + 1) + " unreadable — " + e);
        }
      }
      lines.rewrite(() -> open.values().stream().map(Pending::line).toList());
      if (!open.isEmpty()) {
        LOG.warn(
            "{} report(s) named in cards before the last stop were not written: evaluated again",
            open.size());
      }
      return new ArrayList<>(open.values());
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.PENDING_REPORTS_UNREADABLE,
          "pending-report journal " + file + " unusable — " + e.getMessage(),
          e);
    }
  }
}
