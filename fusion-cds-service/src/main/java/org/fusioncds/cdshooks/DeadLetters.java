package org.fusioncds.cdshooks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.EvaluationOutcome;
import org.fusioncds.flow.Keyed;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where background work that failed after its retries goes (DESIGN.md: dead letters to a durable
 * place): one JSON line per failure in {@code dead-letters.jsonl}, forced to disk, with the hook
 * instance, the result key, the error code and message — enough to replay the hook, and no patient
 * data. Also logged at ERROR.
 */
public final class DeadLetters {

  private static final Logger LOG = LoggerFactory.getLogger("fusion-cds.dead-letter");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path file;

  public DeadLetters(Path folder) {
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.DEAD_LETTER_FOLDER,
          "dead-letter folder unusable — " + folder + ": " + e.getMessage(),
          e);
    }
    this.file = folder.resolve("dead-letters.jsonl");
  }

  /**
   * Records the failed exchange: for a stage that knows its job and key ({@link Keyed}), the job's
   * id and its JSON form without the patient id, the service and the result key.
   */
  public void record(Exchange exchange) {
    Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
    Object body = exchange.getMessage().getBody();
    ObjectNode line = JSON.createObjectNode();
    line.put("time", Instant.now().toString());
    line.put("route", exchange.getFromRouteId());
    if (body instanceof Keyed k) {
      line.put("hookInstance", k.job().jobId());
      line.put("service", k.job().serviceId());
      line.put("trigger", k.job().trigger());
      line.put("model", k.job().modelId() + "|" + k.job().modelVersion());
      line.put("resultKey", k.key().value());
    }
    FcdsException coded = FcdsException.in(t);
    String code = coded != null ? coded.codeText() : ErrorCode.UNEXPECTED.codeText();
    line.put("code", code);
    if (body instanceof Keyed k) {
      // the job's outcome message, as a queue of outcomes would carry it (no patient id)
      line.set(
          "outcome",
          readTree(
              EvaluationOutcome.of(k.job(), EvaluationOutcome.Status.FAILED, k.key(), null, code)
                  .toJson()));
    }
    // our coded message; of anything else only its class (library messages carry the record)
    line.put(
        "error",
        coded != null ? coded.getMessage() : t == null ? "unknown" : t.getClass().getName());
    LOG.error("background work failed: {}", line);
    append(line.toString() + "\n");
  }

  /**
   * Records a dead evaluation job (the worker's failed path): the job, so that it can be queued
   * again, with its FAILED outcome. The job names the patient by logical id only, so nothing of it
   * is logged here (the worker's own log line carries the code and the job id).
   *
   * @throws FcdsException 9011 when the line cannot be written (the job path then escapes: the
   *     broker offers the job again)
   */
  public void job(String letter) {
    append(letter.endsWith("\n") ? letter : letter + "\n");
  }

  private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new FcdsException(ErrorCode.FLOW_MESSAGE_INVALID, "outcome not readable — " + e);
    }
  }

  /** How many failures are recorded (lines of the file). */
  public synchronized long count() {
    if (!Files.exists(file)) {
      return 0;
    }
    try (java.util.stream.Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.filter(l -> !l.isBlank()).count();
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.DEAD_LETTER_UNREADABLE,
          "dead-letter file unreadable — " + file + ": " + e.getMessage());
    }
  }

  /**
   * Appends one line, whole and forced; a failure escapes with its code and the file, never with
   * the line (a job's line names its patient).
   */
  private synchronized void append(String line) {
    try (FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      ch.force(true);
    } catch (IOException e) {
      throw new FcdsException(
          ErrorCode.DEAD_LETTER_FOLDER, "dead letter not written — " + file + ": " + e, e);
    }
  }
}
