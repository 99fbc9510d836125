package org.fusioncds.subscription;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.api.CacheControlDirective;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.server.exceptions.ResourceGoneException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.camel.Exchange;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.fhir.GatherStep;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.flow.HookRequest;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns FHIR Subscription notifications into evaluation jobs (R4 Subscriptions Backport IG 1.1.0,
 * §Notifications: a {@code history} Bundle whose first entry is the {@code Parameters}
 * SubscriptionStatus). A {@code handshake} or {@code heartbeat} queues nothing; an {@code
 * event-notification} queues one {@link EvaluationJob} (trigger {@code subscription}) per patient
 * its focus resources (ImagingStudy, Observation) name and per served model that reads the focus
 * ({@link ModelInterest}: a CT study queues the CT model, a lab both models read queues both) — the
 * focus taken from the bundle (full-resource payload) or read from the FHIR server (id-only). The
 * count {@code events-since-subscription-start} is remembered per subscription: a gap (an event
 * number beyond the last seen + 1, or a heartbeat counting more than seen) is caught up by a search
 * of each model's studies and labs changed since that subscription's last notification ({@code
 * _lastUpdated}, with {@code subscription.catch-up-overlap-ms} of overlap), so nothing is missed;
 * the count is remembered only once the notification's jobs are queued. A notification with no
 * content (the classic R4 rest-hook with an empty payload) is caught up the same way. Reads and
 * searches use the module's own token, audited. Logs name no patient.
 */
public final class SubscriptionNotifications {

  /** What a notification did; answered as JSON. */
  public record Handled(
      String type,
      String subscription,
      long eventsSinceSubscriptionStart,
      int jobs,
      boolean caughtUp) {}

  /**
   * What one subscription's notifications said so far: the highest event count, when the last came,
   * how many arrived (a server's redelivery counts again) and the last one's focus references.
   */
  private record Seen(long events, Instant at, long notifications, List<String> foci) {
    Seen then(Seen next) {
      return new Seen(
          Math.max(events, next.events), next.at, notifications + next.notifications, next.foci);
    }
  }

  private static final String CONTENTLESS = "(no content)";
  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(SubscriptionNotifications.class);

  private final FhirContext fhir;
  private final GatherStep gather;
  private final List<ModelInterest> models;
  private final Consumer<EvaluationJob> queue;
  private final Duration overlap;
  private final Instant started = Instant.now();
  private final Map<String, Seen> seen = new ConcurrentHashMap<>();
  private final Map<String, java.util.concurrent.atomic.AtomicLong> queuedByModel =
      new ConcurrentHashMap<>();

  /**
   * @param gather the FHIR server (fhir.base-url) and a client with the module's own token
   * @param models what each served model reads, the primary first
   * @param queue sends a job to the jobs endpoint (the one the hook's jobs take)
   * @param overlap how far before the last notification a catch-up search starts
   */
  public SubscriptionNotifications(
      FhirContext fhir,
      GatherStep gather,
      List<ModelInterest> models,
      Consumer<EvaluationJob> queue,
      Duration overlap) {
    if (models.isEmpty()) {
      throw new IllegalArgumentException("no served model");
    }
    this.fhir = fhir;
    this.gather = gather;
    this.models = List.copyOf(models);
    this.queue = queue;
    this.overlap = overlap;
  }

  /** One notification: FCDS-1152/1153 when unreadable, FCDS-1154 for a focus of no patient. */
  public Handled handle(Exchange exchange) {
    Instant now = Instant.now();
    Object body = exchange.getMessage().getBody();
    // an empty form (HAPI's classic rest-hook without payload) arrives as a map
    String text =
        body == null || body instanceof Map<?, ?>
            ? ""
            : body instanceof byte[] b
                ? new String(b, StandardCharsets.UTF_8).strip()
                : String.valueOf(exchange.getMessage().getBody(String.class)).strip();
    String method = exchange.getMessage().getHeader(Exchange.HTTP_METHOD, "POST", String.class);
    if (!"POST".equals(method)) {
      return resource(method, text, exchange, now);
    }
    if (text.isEmpty()) {
      // HAPI's classic rest-hook without payload posts an empty form: something changed
      Jobs patients = new Jobs();
      GatherStep.Connection c = connect(exchange);
      Instant since = since(seen.get(CONTENTLESS));
      catchUp(c, since, patients);
      int jobs = queueAll(patients, now);
      // remembered once its jobs are queued: a notification that failed is caught up again
      seen.merge(CONTENTLESS, new Seen(0, now, 1, List.of()), Seen::then);
      return new Handled(CONTENTLESS, null, 0, jobs, true);
    }
    BackportStatus status = BackportStatus.read(fhir, text);
    Bundle bundle = status.bundle();
    String type = status.type();
    String subscription = status.subscription();
    long total = status.eventsSinceStart();
    Seen before = seen.get(subscription);
    Jobs patients = new Jobs();
    boolean gap;
    switch (type) {
      case "handshake" -> gap = false;
      case "heartbeat", "query-status" -> gap = before != null && total > before.events();
      case "event-notification", "query-event" -> {
        gap = status.firstEventNumber() > (before == null ? 1 : before.events() + 1);
        GatherStep.Connection c = connect(exchange);
        for (String focus : status.foci()) {
          patients.add(focus(focus, bundle, c));
        }
        if (gap) {
          catchUp(c, since(before), patients);
        }
      }
      default ->
          throw new NotificationRefused(
              ErrorCode.SUBSCRIPTION_NOTIFICATION_TYPE,
              "the notification's type is not handshake, heartbeat or event-notification — "
                  + type);
    }
    if (gap && !"event-notification".equals(type) && !"query-event".equals(type)) {
      catchUp(connect(exchange), since(before), patients);
    }
    int jobs = queueAll(patients, now);
    // remembered once its jobs are queued: when the queue refuses one, the server's next delivery
    // (the same notification again, or a later one) still finds the gap and catches it up
    seen.merge(subscription, new Seen(total, now, 1, status.foci()), Seen::then);
    if (gap) {
      LOG.info(
          "subscription {}: events {} after {} seen — caught up, {} jobs",
          subscription,
          total,
          before == null ? 0 : before.events(),
          jobs);
    }
    return new Handled(type, subscription, total, jobs, gap);
  }

  /**
   * The classic R4 rest-hook with a payload: the changed resource PUT under the endpoint (one job
   * for its patient), or DELETEd there (nothing to evaluate).
   */
  private Handled resource(String method, String text, Exchange exchange, Instant now) {
    String path =
        exchange.getMessage().getHeader("resourceType", String.class)
            + "/"
            + exchange.getMessage().getHeader("id", String.class);
    if ("DELETE".equals(method)) {
      return new Handled("deleted", null, 0, 0, false);
    }
    Resource focus;
    try {
      focus = (Resource) fhir.newJsonParser().parseResource(text);
    } catch (ca.uhn.fhir.parser.DataFormatException | ClassCastException e) {
      throw new NotificationRefused(
          ErrorCode.SUBSCRIPTION_NOTIFICATION_INVALID,
          "the notified resource is not FHIR R4 JSON — " + path);
    }
    Bundle alone = new Bundle();
    alone.addEntry().setFullUrl(path).setResource(focus);
    Jobs patients = new Jobs();
    patients.add(focus(path, alone, null));
    return new Handled("resource", null, 0, queueAll(patients, now), false);
  }

  /**
   * The answer: JSON figures for a plain caller; FHIR for a FHIR client (an {@code Accept} naming a
   * FHIR type, or a classic rest-hook PUT or DELETE), since a server's client parses what it gets
   * and counts an unparsable answer as a failed delivery that it sends again. HAPI FHIR posts a
   * topic notification as a transaction and reads a Bundle back: a {@code batch-response} whose one
   * entry carries the figures in its outcome; a PUT or DELETE reads an OperationOutcome.
   */
  public String answer(Handled h, Exchange exchange) {
    boolean resource = "resource".equals(h.type()) || "deleted".equals(h.type());
    String accept = exchange.getMessage().getHeader("Accept", "", String.class);
    if (resource || accept.contains("fhir")) {
      exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/fhir+json");
      org.hl7.fhir.r4.model.OperationOutcome outcome = new org.hl7.fhir.r4.model.OperationOutcome();
      outcome
          .addIssue()
          .setSeverity(org.hl7.fhir.r4.model.OperationOutcome.IssueSeverity.INFORMATION)
          .setCode(org.hl7.fhir.r4.model.OperationOutcome.IssueType.INFORMATIONAL)
          .setDiagnostics(
              resource
                  ? h.jobs() + " evaluation job(s) queued"
                  : h.type()
                      + " of "
                      + h.subscription()
                      + ": "
                      + h.eventsSinceSubscriptionStart()
                      + " event(s) since its start, "
                      + h.jobs()
                      + " evaluation job(s) queued"
                      + (h.caughtUp() ? ", a gap caught up" : ""));
      if (resource) {
        return fhir.newJsonParser().encodeResourceToString(outcome);
      }
      Bundle answer = new Bundle().setType(Bundle.BundleType.BATCHRESPONSE);
      answer.addEntry().getResponse().setStatus("200 OK").setOutcome(outcome);
      return fhir.newJsonParser().encodeResourceToString(answer);
    }
    exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", h.type());
    m.put("subscription", h.subscription());
    m.put("eventsSinceSubscriptionStart", h.eventsSinceSubscriptionStart());
    m.put("jobs", h.jobs());
    m.put("caughtUp", h.caughtUp());
    try {
      return JSON.writeValueAsString(m);
    } catch (com.fasterxml.jackson.core.JsonProcessingException impossible) {
      throw new IllegalStateException(impossible);
    }
  }

  /**
   * The patient and models of one focus: the resource from the bundle (full-resource), else read by
   * reference; none when it is gone.
   */
  private Jobs focus(String reference, Bundle bundle, GatherStep.Connection c) {
    String relative = relative(reference);
    Resource focus = null;
    for (Bundle.BundleEntryComponent e : bundle.getEntry()) {
      Resource r = e.getResource();
      if (r != null
          && !(r instanceof Parameters)
          && (relative.equals(relative(e.getFullUrl()))
              || relative.equals(r.getIdElement().toUnqualifiedVersionless().getValue()))) {
        focus = r;
      }
    }
    if (focus == null) {
      focus = read(relative, c);
      if (focus == null) {
        return new Jobs(); // deleted since: nothing to evaluate
      }
    }
    Reference subject =
        focus instanceof ImagingStudy s
            ? s.getSubject()
            : focus instanceof Observation o ? o.getSubject() : null;
    if (subject == null
        || !subject.hasReference()
        || !"Patient".equals(subject.getReferenceElement().getResourceType())) {
      throw new NotificationRefused(
          ErrorCode.SUBSCRIPTION_FOCUS_UNUSABLE,
          "the focus is not an ImagingStudy or Observation of a Patient — " + relative);
    }
    Jobs jobs = new Jobs();
    for (ModelInterest m : models) {
      if (m.wants(focus)) {
        jobs.add(subject.getReferenceElement().getIdPart(), m);
      }
    }
    if (jobs.isEmpty()) {
      LOG.info("subscription focus {} is read by no served model: nothing queued", relative);
    }
    return jobs;
  }

  private Resource read(String relative, GatherStep.Connection c) {
    String[] typeAndId = relative.split("/");
    if (typeAndId.length < 2
        || !("ImagingStudy".equals(typeAndId[0]) || "Observation".equals(typeAndId[0]))) {
      throw new NotificationRefused(
          ErrorCode.SUBSCRIPTION_FOCUS_UNUSABLE,
          "the focus is not an ImagingStudy or Observation of a Patient — " + relative);
    }
    Class<? extends Resource> type =
        "ImagingStudy".equals(typeAndId[0]) ? ImagingStudy.class : Observation.class;
    try {
      return c.reads()
          .audited(
              () ->
                  c.client()
                      .read()
                      .resource(type)
                      .withId(typeAndId[1])
                      .cacheControl(new CacheControlDirective().setNoCache(true))
                      .execute());
    } catch (ResourceNotFoundException | ResourceGoneException e) {
      LOG.info("subscription focus {} is gone: nothing queued for it", relative);
      return null;
    }
  }

  private static String relative(String url) {
    if (url == null) {
      return "";
    }
    String u = url;
    int h = u.indexOf("/_history");
    if (h >= 0) {
      u = u.substring(0, h);
    }
    String[] parts = u.split("/");
    return parts.length < 2 ? u : parts[parts.length - 2] + "/" + parts[parts.length - 1];
  }

  private Instant since(Seen before) {
    return (before == null ? started : before.at()).minus(overlap);
  }

  /**
   * Each served model's patients with a study of its modalities or a lab of its codes changed
   * since, added to {@code jobs}.
   */
  private void catchUp(GatherStep.Connection c, Instant since, Jobs jobs) {
    String gt = since.truncatedTo(ChronoUnit.MILLIS).toString();
    for (ModelInterest m : models) {
      List<String> searches = new ArrayList<>();
      searches.add(m.studiesSince(gt));
      m.labsSince(gt).ifPresent(searches::add);
      Set<String> patients = new LinkedHashSet<>();
      for (String search : searches) {
        c.reads().audited(() -> collect(c.client(), search, patients));
      }
      patients.forEach(p -> jobs.add(p, m));
    }
  }

  private Void collect(IGenericClient client, String search, Set<String> patients) {
    Bundle page =
        client
            .search()
            .byUrl(search)
            .returnBundle(Bundle.class)
            .cacheControl(new CacheControlDirective().setNoCache(true))
            .execute();
    while (page != null) {
      for (Bundle.BundleEntryComponent e : page.getEntry()) {
        Reference subject =
            e.getResource() instanceof ImagingStudy s
                ? s.getSubject()
                : e.getResource() instanceof Observation o ? o.getSubject() : null;
        if (subject != null && "Patient".equals(subject.getReferenceElement().getResourceType())) {
          patients.add(subject.getReferenceElement().getIdPart());
        }
      }
      page = page.getLink(Bundle.LINK_NEXT) == null ? null : client.loadPage().next(page).execute();
    }
    return null;
  }

  private GatherStep.Connection connect(Exchange exchange) {
    HookRequest none =
        new HookRequest(null, "subscription", null, null, null, null, null, null, Map.of());
    return gather.connect(gather.fhirBase(none), none, exchange);
  }

  /**
   * The {@code events-since-subscription-start} last seen in a notification of this subscription
   * ({@code Subscription/<id>}), empty when none of its notifications arrived since start.
   */
  public java.util.OptionalLong eventsSeen(String subscription) {
    Seen s = seen.get(subscription);
    return s == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(s.events());
  }

  /**
   * How many notifications of this subscription arrived since start: more than its events when the
   * server sent one again (it does when it could not read the answer).
   */
  public long notificationsSeen(String subscription) {
    Seen s = seen.get(subscription);
    return s == null ? 0 : s.notifications();
  }

  /** The focus references of this subscription's last notification (none before the first). */
  public List<String> lastFoci(String subscription) {
    Seen s = seen.get(subscription);
    return s == null ? List.of() : s.foci();
  }

  /** Jobs queued since start (a meter). */
  public long queued() {
    return queuedByModel.values().stream()
        .mapToLong(java.util.concurrent.atomic.AtomicLong::get)
        .sum();
  }

  /** The jobs one notification asks for: per patient, the models that read what changed. */
  private static final class Jobs {
    private final Map<String, Set<ModelInterest>> byPatient = new LinkedHashMap<>();

    void add(String patient, ModelInterest model) {
      byPatient.computeIfAbsent(patient, p -> new LinkedHashSet<>()).add(model);
    }

    void add(Jobs more) {
      more.byPatient.forEach((p, ms) -> ms.forEach(m -> add(p, m)));
    }

    boolean isEmpty() {
      return byPatient.isEmpty();
    }
  }

  /** Jobs of this model queued since start. */
  public long queued(String modelId) {
    java.util.concurrent.atomic.AtomicLong n = queuedByModel.get(modelId);
    return n == null ? 0 : n.get();
  }

  private int queueAll(Jobs jobs, Instant now) {
    String base =
        gather.fhirBase(
            new HookRequest(null, "subscription", null, null, null, null, null, null, Map.of()));
    int n = 0;
    for (Map.Entry<String, Set<ModelInterest>> e : jobs.byPatient.entrySet()) {
      for (ModelInterest m : e.getValue()) {
        queue.accept(
            new EvaluationJob(
                EvaluationJob.VERSION,
                UUID.randomUUID().toString(),
                "subscription",
                null,
                m.modelId(),
                m.modelVersion(),
                e.getKey(),
                base,
                null,
                null,
                now));
        queuedByModel
            .computeIfAbsent(m.modelId(), id -> new java.util.concurrent.atomic.AtomicLong())
            .incrementAndGet();
        n++;
      }
    }
    return n;
  }
}
