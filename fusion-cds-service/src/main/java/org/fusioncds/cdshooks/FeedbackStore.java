package org.fusioncds.cdshooks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.AuditContext;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.report.ReviewProvenance;
import org.fusioncds.report.ReviewWriter;
import org.fusioncds.report.monitor.ModelMonitor;
import org.fusioncds.report.monitor.ModelMonitors;

/**
 * The cards we issued and the feedback on them (CDS Hooks 2.0.1 §Feedback), as data: two
 * append-only JSON-lines files, each line written whole and forced to disk before the answer (group
 * commit: concurrent hooks share one force, {@link LineFile}). A feedback line names the card, the
 * model id and version and the report the card showed, so a model version's acceptance can be
 * measured; it carries no patient data.
 */
public final class FeedbackStore {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(FeedbackStore.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> OUTCOMES = List.of("accepted", "overridden");

  /** The longest {@code overrideReason.userComment} taken. */
  static final int MAX_COMMENT = 500;

  /** Where an issued card's record keeps the reasons it offered ({@code system|code}). */
  private static final String OFFERED = "offeredReasons";

  /** The cards kept for feedback when no number is given ({@code cds.feedback.cards-kept}). */
  public static final int DEFAULT_CARDS_KEPT = 100_000;

  private final LineFile cardsLog;
  private final LineFile feedbackLog;

  /**
   * The issued cards feedback may name, by uuid, as their JSON lines (parsed again only when
   * feedback names one), the oldest dropped first past {@code cardsKept}: every hook answer issues
   * a card, so a map of all of them would grow with every chart opened. Feedback on a dropped card
   * is 404 FCDS-1022, as on a card never issued; its line stays in {@code cards.jsonl}.
   */
  private final Map<String, String> issued;

  private final ModelMonitors monitor;
  private final ReviewWriter reviews;

  public FeedbackStore(Path folder) {
    this(folder, null);
  }

  public FeedbackStore(Path folder, ModelMonitors monitor) {
    this(folder, monitor, null);
  }

  /**
   * @param monitor told of every card issued and feedback stored, and of those in the files at
   *     start (null: none)
   * @param reviews writes each stored feedback item on a result card to the FHIR server as the
   *     clinician's review of the report (null: none)
   */
  public FeedbackStore(Path folder, ModelMonitors monitor, ReviewWriter reviews) {
    this(folder, monitor, reviews, DEFAULT_CARDS_KEPT);
  }

  /**
   * @param cardsKept the most issued cards kept for feedback (the oldest dropped first)
   */
  public FeedbackStore(Path folder, ModelMonitors monitor, ReviewWriter reviews, int cardsKept) {
    if (cardsKept < 1) {
      throw new FcdsException(
          ErrorCode.FEEDBACK_SETTINGS,
          "cds.feedback.cards-kept must be at least 1, got " + cardsKept);
    }
    this.issued = newestFirstOut(cardsKept);
    this.monitor = monitor;
    this.reviews = reviews;
    try {
      Files.createDirectories(folder);
      Path cards = folder.resolve("cards.jsonl");
      Path feedback = folder.resolve("feedback.jsonl");
      this.cardsLog = new LineFile(cards);
      this.feedbackLog = new LineFile(feedback);
      if (Files.exists(cards)) {
        try (var lines =
            Files.lines(cards, StandardCharsets.UTF_8)) { // streamed: the file only grows
          for (String line : (Iterable<String>) lines::iterator) {
            JsonNode n = JSON.readTree(line);
            issued.put(n.path("card").asText(), line);
            if (monitor != null) {
              monitor.issuedLine(n);
            }
          }
        }
      }
      if (monitor != null && Files.exists(feedback)) {
        try (var lines = Files.lines(feedback, StandardCharsets.UTF_8)) {
          lines.forEach(line -> replayFeedback(line));
        }
      }
    } catch (IOException | UncheckedIOException e) { // a line not UTF-8 while streaming
      throw new FcdsException(
          ErrorCode.FEEDBACK_FOLDER,
          "feedback folder unusable — " + folder + ": " + e.getMessage(),
          e);
    }
  }

  private void replayFeedback(String line) {
    try {
      monitor.feedbackLine(JSON.readTree(line));
    } catch (IOException e) {
      monitor.feedbackLine(JSON.createObjectNode()); // counted and logged as skipped
    }
  }

  /**
   * What a card showed, for the model owner's figures: the hook's outcome ({@code reported}, {@code
   * cached}, {@code running}, {@code not-evaluable}), the probability of the first finding (null
   * without a result), the inputs missing (null when not known) and the hook's latency.
   */
  public record Shown(String status, Double probability, List<String> missing, Long latencyMs) {}

  /**
   * Records a card as issued, with the model that produced it, the result key of its inputs (the
   * identifier of the report they give, now or later) and the report it links, if any yet.
   */
  public void issued(
      Card card, String modelId, String modelVersion, ResultKey key, String reportUrl) {
    issued(card, modelId, modelVersion, key, reportUrl, null);
  }

  /** Records a card as issued, with what it showed ({@code shown}, may be null). */
  public void issued(
      Card card,
      String modelId,
      String modelVersion,
      ResultKey key,
      String reportUrl,
      Shown shown) {
    issued(card, modelId, modelVersion, key, reportUrl, shown, null);
  }

  /**
   * Records a card as issued, with what it showed and the hook's {@code userId} ({@code user}, e.g.
   * {@code Practitioner/123}, may be null): the clinician its feedback comes from, since a CDS
   * Hooks feedback call names no user.
   */
  public void issued(
      Card card,
      String modelId,
      String modelVersion,
      ResultKey key,
      String reportUrl,
      Shown shown,
      String user) {
    ObjectNode n = JSON.createObjectNode();
    n.put("card", card.uuid());
    n.put("model", modelId);
    n.put("modelVersion", modelVersion);
    if (key != null) {
      n.put("resultKey", key.value());
    }
    if (reportUrl != null) {
      n.put("report", reportUrl);
    }
    Instant now = Instant.now();
    n.put("issued", now.toString());
    if (user != null) {
      n.put("user", user);
    }
    if (shown != null) {
      n.put("status", shown.status());
      if (shown.probability() != null) {
        n.put("probability", shown.probability());
      }
      if (shown.missing() != null) {
        ArrayNode missing = n.putArray("missing");
        shown.missing().forEach(missing::add);
      }
      if (shown.latencyMs() != null) {
        n.put("latencyMs", shown.latencyMs());
      }
    }
    if (!card.overrideReasons().isEmpty()) {
      ArrayNode offered = n.putArray(OFFERED);
      card.overrideReasons().forEach(r -> offered.add(r.system() + "|" + r.code()));
    }
    String line = n.toString();
    cardsLog.append(line);
    issued.put(card.uuid(), line);
    if (monitor != null) { // the line's own values, not read back from it
      monitor.issued(
          new ModelMonitor.Issued(
              card.uuid(),
              modelId,
              modelVersion,
              now,
              shown == null ? null : shown.status(),
              key == null ? null : key.value(),
              shown == null ? null : shown.probability(),
              shown == null ? null : shown.missing(),
              shown == null ? null : shown.latencyMs()));
    }
  }

  /**
   * {@code POST /cds-services/{id}/feedback} (CDS Hooks 2.0.1 §Feedback), the body already read
   * within the request limits: validates every item (an object; {@code card} a string naming an
   * issued card; {@code outcome} accepted or overridden; {@code outcomeTimestamp} an ISO 8601
   * date-time if given; {@code acceptedSuggestions} an array and {@code overrideReason} an object
   * if given), then stores them all.
   */
  public int record(JsonNode root) {
    return record(root, null, null);
  }

  /**
   * Stores the feedback as {@link #record(JsonNode)} does, then writes each item on a result card
   * to the FHIR server as the clinician's review of its report ({@link ReviewWriter}; a failure
   * there is logged and audited, the feedback stays stored).
   *
   * @param reviewer who gave the feedback (the SMART app's signed-in user); null: the {@code
   *     userId} of the hook that issued the card
   * @param call the audit context of the feedback call (null: no review is written)
   */
  public int record(JsonNode root, ReviewProvenance.Reviewer reviewer, AuditContext call) {
    JsonNode items = root == null || !root.isObject() ? null : root.get("feedback");
    if (items == null || !items.isArray() || items.isEmpty()) {
      throw new CdsHooksException(
          400, ErrorCode.FEEDBACK_EMPTY, "feedback", "feedback must be a non-empty array");
    }
    List<ObjectNode> lines = new ArrayList<>();
    List<CdsHooksException.Issue> issues = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      ObjectNode line = checked(items.get(i), "feedback[" + i + "]", issues);
      if (line != null) {
        lines.add(line);
      }
    }
    if (!issues.isEmpty()) {
      throw new CdsHooksException(
          issues.stream().anyMatch(x -> x.code() == ErrorCode.FEEDBACK_CARD_UNKNOWN) ? 404 : 400,
          issues);
    }
    for (ObjectNode l : lines) {
      if (reviewer != null) {
        l.set("reviewer", JSON.valueToTree(reviewer));
      }
      feedbackLog.append(l.toString());
    }
    if (monitor != null) {
      lines.forEach(monitor::feedbackLine);
    }
    for (ObjectNode l : lines) {
      ReviewWriter.Outcome o =
          reviews == null || call == null ? null : reviews.write(review(l, reviewer), call);
      // the card uuid and what became of its review (a Provenance id or a code): no user, no
      // patient
      LOG.debug("feedback on card {} stored; review: {}", l.path("card").asText(), o);
    }
    return lines.size();
  }

  /** A stored feedback line as the review writer takes it. */
  static ReviewProvenance.Feedback review(JsonNode line, ReviewProvenance.Reviewer reviewer) {
    ReviewProvenance.Reviewer who =
        reviewer != null
            ? reviewer
            : line.hasNonNull("user")
                ? ReviewProvenance.Reviewer.of(line.get("user").asText())
                : null;
    JsonNode reason = line.path("overrideReason").path("reason");
    return new ReviewProvenance.Feedback(
        line.path("card").asText(),
        line.path("outcome").asText(),
        line.path("outcomeTimestamp").asText(),
        line.path("resultKey").asText(null),
        line.path("report").asText(null),
        who,
        reason.isObject()
            ? new org.hl7.fhir.r4.model.Coding(
                reason.path("system").asText(null),
                reason.path("code").asText(null),
                reason.path("display").asText(null))
            : null);
  }

  /** The line to store for one item, or null with its issues. */
  private ObjectNode checked(JsonNode item, String where, List<CdsHooksException.Issue> issues) {
    if (!item.isObject()) {
      issues.add(
          new CdsHooksException.Issue(
              ErrorCode.FEEDBACK_ITEM_INVALID,
              where,
              "a feedback item must be an object, not " + HookRequestParser.kind(item)));
      return null;
    }
    int before = issues.size();
    JsonNode cardId = item.get("card");
    ObjectNode card = cardId != null && cardId.isTextual() ? issuedCard(cardId.asText()) : null;
    if (cardId == null || !cardId.isTextual()) {
      issues.add(
          new CdsHooksException.Issue(
              ErrorCode.FEEDBACK_ITEM_INVALID, where + ".card", "card must be a string"));
    } else if (card == null) {
      issues.add(
          new CdsHooksException.Issue(
              ErrorCode.FEEDBACK_CARD_UNKNOWN,
              where + ".card",
              "no card issued with uuid " + HookRequestParser.quote(cardId.asText())));
    }
    JsonNode outcome = item.get("outcome");
    if (outcome == null || !outcome.isTextual() || !OUTCOMES.contains(outcome.asText())) {
      issues.add(
          new CdsHooksException.Issue(
              ErrorCode.FEEDBACK_OUTCOME_INVALID,
              where + ".outcome",
              "outcome must be accepted or overridden — "
                  + (outcome != null && outcome.isTextual()
                      ? HookRequestParser.quote(outcome.asText())
                      : outcome == null ? "missing" : HookRequestParser.kind(outcome))));
    }
    JsonNode timestamp = item.get("outcomeTimestamp");
    if (timestamp != null && !isDateTime(timestamp)) {
      issues.add(
          new CdsHooksException.Issue(
              ErrorCode.FEEDBACK_ITEM_INVALID,
              where + ".outcomeTimestamp",
              "outcomeTimestamp must be an ISO 8601 date-time with a time zone"));
    }
    typed(item, "acceptedSuggestions", JsonNode::isArray, "an array", where, issues);
    typed(item, "overrideReason", JsonNode::isObject, "an object", where, issues);
    if (item.path("overrideReason").isObject()) {
      overrideReason(item, card, where + ".overrideReason", issues);
    }
    if (issues.size() > before) {
      return null;
    }
    ObjectNode line = card; // parsed for this call alone: changed in place
    line.remove(List.of(OFFERED, "probability", "missing", "latencyMs", "status"));
    line.put("outcome", outcome.asText());
    line.put("outcomeTimestamp", timestamp == null ? Instant.now().toString() : timestamp.asText());
    if (item.has("overrideReason")) {
      line.set("overrideReason", item.get("overrideReason"));
    }
    if (item.has("acceptedSuggestions")) {
      line.set("acceptedSuggestions", item.get("acceptedSuggestions"));
    }
    line.put("received", Instant.now().toString());
    return line;
  }

  /** The issued card's line, parsed anew; null when none is kept under that uuid. */
  private ObjectNode issuedCard(String uuid) {
    String line = issued.get(uuid);
    if (line == null) {
      return null;
    }
    try {
      return JSON.readTree(line) instanceof ObjectNode card ? card : null;
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a line this store wrote from a tree
    }
  }

  /** The number of issued cards kept for feedback. */
  int cardsKept() {
    return issued.size();
  }

  /** A synchronized map in insertion order that drops its oldest entry past {@code max}. */
  private static Map<String, String> newestFirstOut(int max) {
    return Collections.synchronizedMap(
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > max;
          }
        });
  }

  /**
   * An override reason (CDS Hooks 2.0.1 §Overridden guidance): only with outcome {@code
   * overridden}; {@code reason} a Coding the card offered; {@code userComment} text of at most
   * {@value #MAX_COMMENT} characters.
   */
  private static void overrideReason(
      JsonNode item, JsonNode card, String where, List<CdsHooksException.Issue> issues) {
    JsonNode o = item.get("overrideReason");
    if (!"overridden".equals(item.path("outcome").asText())) {
      issues.add(
          new CdsHooksException.Issue(
              ErrorCode.FEEDBACK_ITEM_INVALID,
              where,
              "an overrideReason goes with outcome overridden, not "
                  + HookRequestParser.quote(item.path("outcome").asText())));
    }
    JsonNode reason = o.get("reason");
    if (reason != null) {
      String given = reason.path("system").asText("") + "|" + reason.path("code").asText("");
      boolean offered = false;
      for (JsonNode r : card == null ? JSON.createArrayNode() : card.path(OFFERED)) {
        offered |= r.asText().equals(given);
      }
      if (!reason.isObject() || !offered) {
        issues.add(
            new CdsHooksException.Issue(
                ErrorCode.FEEDBACK_ITEM_INVALID,
                where + ".reason",
                "the reason must be one of the card's overrideReasons (system and code) — "
                    + HookRequestParser.quote(given)));
      }
    }
    JsonNode comment = o.get("userComment");
    if (comment != null && (!comment.isTextual() || comment.asText().length() > MAX_COMMENT)) {
      issues.add(
          new CdsHooksException.Issue(
              ErrorCode.FEEDBACK_ITEM_INVALID,
              where + ".userComment",
              "userComment must be text of at most "
                  + MAX_COMMENT
                  + " characters — "
                  + (comment.isTextual()
                      ? comment.asText().length() + " characters"
                      : HookRequestParser.kind(comment))));
    }
  }

  private static boolean isDateTime(JsonNode n) {
    if (!n.isTextual()) {
      return false;
    }
    try {
      java.time.OffsetDateTime.parse(n.asText());
      return true;
    } catch (java.time.DateTimeException e) {
      return false;
    }
  }

  private static void typed(
      JsonNode item,
      String field,
      java.util.function.Predicate<JsonNode> is,
      String expected,
      String where,
      List<CdsHooksException.Issue> issues) {
    JsonNode n = item.get(field);
    if (n != null && !is.test(n)) {
      issues.add(
          new CdsHooksException.Issue(
              ErrorCode.FEEDBACK_ITEM_INVALID,
              where + "." + field,
              field + " must be " + expected + ", not " + HookRequestParser.kind(n)));
    }
  }
}
