package org.fusioncds.recall;

import ca.uhn.fhir.context.FhirContext;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.fusioncds.audit.AuditTrail;
import org.fusioncds.audit.CallAuditPolicy;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.fhir.FhirGateway;
import org.fusioncds.fhir.GatherStep;
import org.fusioncds.flow.EvaluationInputs;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.flow.HookRequest;
import org.fusioncds.flow.InputVersions;
import org.fusioncds.flow.ModelInputs;
import org.fusioncds.flow.PatientContext;
import org.fusioncds.flow.Recalled;
import org.fusioncds.flow.ReportRequest;
import org.fusioncds.flow.Reported;
import org.fusioncds.flow.ResultKey;
import org.fusioncds.flow.StoredReport;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.StudySelector;
import org.fusioncds.report.ReportStep;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.DiagnosticReport;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.InstantType;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cached path's freshness check, before any gather. With the FHIR server's {@link ChangeFeed}
 * (the default), a hook whose patient has a remembered result waits for a poll of the server's
 * changes that started after it arrived (shared with every hook waiting then); the poll forgets
 * every result whose inputs or report changed, so a result still remembered after it holds, when
 * the studies within the card's age now are those remembered (a study that started after the case's
 * time was left out of it: a hook more than {@link FhirGateway#WINDOW_WHOLE} after that time, or
 * before it, gathers), the model card still chooses the same study now and what the EHR prefetched
 * is what was remembered. No request of the hook's own reaches the FHIR server.
 *
 * <p>Where the feed is off, its poll failed, or a poll since the result was last proved could not
 * read every change (an overflow: a bulk load): when the index holds a result for this patient on
 * this FHIR server, one FHIR {@code batch} asks for the versions of everything the gather would
 * read (the Patient, the ImagingStudies, the card's Observations and the Conditions by id and meta
 * only; what the EHR prefetched is taken from the prefetch) and reads the remembered report by its
 * id (with every input prefetched, that read is the one request: a plain GET). When every version
 * is the one remembered, the model card still chooses the same study now, and the report is still
 * there in the version remembered, the answer is the cached card: no image, no WADO metadata, no
 * model, one round trip. Anything else (a new lab, a changed patient, a new or changed study, a
 * deleted resource, an amended report, a search with more than one page, an entry that failed)
 * gathers the case in full, as without the index. A batch that read every part from the server
 * (nothing prefetched) after an overflow proves the result for the feed again.
 */
public final class RecallStep {

  private static final Logger LOG = LoggerFactory.getLogger(RecallStep.class);

  /** Statuses of a batch that say the server does not take batches (then none is sent again). */
  private static final Set<Integer> NO_BATCH = Set.of(400, 404, 405, 415, 422, 501);

  private final GatherStep gather;
  private final FhirGateway gateway;
  private final FhirContext fhir;
  private final ModelCard card;
  private final ReportStep reports;
  private final RecentResults recent;
  private final AuditTrail audit;
  private final ChangeFeeds feeds;
  private final Set<String> listening = ConcurrentHashMap.newKeySet();
  private final Set<String> withoutBatch = ConcurrentHashMap.newKeySet();
  private final AtomicLong hits = new AtomicLong();
  private final AtomicLong changed = new AtomicLong();
  private final AtomicLong nothingRemembered = new AtomicLong();

  public RecallStep(
      GatherStep gather,
      FhirGateway gateway,
      FhirContext fhir,
      ModelCard card,
      ReportStep reports,
      RecentResults recent,
      AuditTrail audit,
      ChangeFeeds feeds) {
    this.gather = gather;
    this.gateway = gateway;
    this.fhir = fhir;
    this.card = card;
    this.reports = reports;
    this.recent = recent;
    this.audit = audit;
    this.feeds = feeds;
  }

  /**
   * The exchange property that carries the number of the last feed poll completed before the case
   * was gathered, from {@link #check} to {@link #remember}.
   */
  public static final String GATHERED_AFTER = "fcds.recall.gatheredAfter";

  /** {@link Recalled} when the remembered result still holds; else the request, unchanged. */
  public Object check(HookRequest request, Exchange exchange) {
    String base = gather.fhirBase(request);
    Optional<ChangeFeed> feed = feed(base);
    long pollBefore = 0;
    if (feed.isPresent()) {
      Optional<Object> answer = checkByFeed(feed.get(), base, request, exchange);
      if (answer.isPresent()) {
        return answer.get();
      }
      pollBefore = feed.get().completed();
      exchange.setProperty(GATHERED_AFTER, pollBefore);
    }
    Optional<RecentResults.Entry> remembered = recent.get(base, request.patientId());
    if (remembered.isEmpty() || withoutBatch.contains(base)) {
      nothingRemembered.incrementAndGet();
      return request;
    }
    RecentResults.Entry entry = remembered.get();
    Instant now = Instant.now();
    GatherStep.Connection c = gather.connect(base, request, exchange);
    FhirGateway.PrefetchView prefetch = new FhirGateway.PrefetchView(fhir, request.prefetch());
    List<String> unused = new ArrayList<>();
    Patient patient = prefetch.resource("patient", Patient.class, unused);
    List<ImagingStudy> studies = prefetch.bundle("studies", ImagingStudy.class, unused);
    List<Observation> observations = prefetch.bundle("observations", Observation.class, unused);
    List<Condition> conditions = prefetch.bundle("conditions", Condition.class, unused);
    boolean allFromServer =
        patient == null && studies == null && observations == null && conditions == null;

    String id = request.patientId();
    List<String> urls = new ArrayList<>();
    urls.add(reportRead(entry));
    if (patient == null) {
      urls.add("Patient/" + id);
    }
    Instant asOf = exchange.getProperty(org.fusioncds.flow.PatientContext.AS_OF, Instant.class);
    Instant at = asOf == null ? now : asOf;
    // the gather's searches: the studies the card's age allows now, the lab window around the
    // remembered study (another study is a miss)
    Optional<ImagingStudy> chosen = rememberedStudy(entry);
    if (chosen.isEmpty()) {
      return forget(base, id, request);
    }
    if (studies == null) {
      urls.add(gather.studiesSearch(id, at));
    }
    if (observations == null) {
      urls.add(gather.observationsSearch(id, chosen.get()) + "&_elements=id,meta,effective");
    }
    if (conditions == null) {
      urls.add(FhirGateway.conditionsSearch(id) + "&_elements=id,meta");
    }
    int[] status = {0};
    List<FhirGateway.BatchEntry> answers;
    try {
      answers =
          urls.size() == 1
              ? List.of(
                  gateway.read(
                      c.client(),
                      urls.get(0),
                      DiagnosticReport.class,
                      httpStatus ->
                          audit.record(
                              c.audit(),
                              audit
                                  .events()
                                  .fhirRead(c.audit(), base, "GET", urls.get(0), httpStatus))))
              : gateway.batch(
                  c.client(),
                  urls,
                  (asked, httpStatus) -> {
                    status[0] = httpStatus;
                    audit.record(
                        c.audit(),
                        audit.events().fhirBatchRead(c.audit(), base, asked, httpStatus));
                  });
    } catch (FcdsException e) {
      if (e.errorCode() == ErrorCode.FHIR_HTTP_ERROR
          || e.errorCode() == ErrorCode.FHIR_ANSWER_INVALID) {
        // a server that answers a batch of reads with an error is read as before (the full
        // gather); one that says it takes no batch is not asked again
        if (NO_BATCH.contains(status[0]) && withoutBatch.add(base)) {
          LOG.warn(
              "{}: the FHIR server answered a batch of reads with HTTP {}: results are"
                  + " checked by a full gather from now on",
              e.codeText(),
              status[0]);
        }
        changed.incrementAndGet();
        return request;
      }
      throw e;
    }
    for (FhirGateway.BatchEntry a : answers) {
      if (!a.ok() || a.resource() instanceof Bundle b && b.getLink(Bundle.LINK_NEXT) != null) {
        return forget(base, id, request);
      }
    }
    int i = 0;
    Resource reportAnswer = answers.get(i++).resource();
    if (patient == null) {
      if (!(answers.get(i++).resource() instanceof Patient p)) {
        return forget(base, id, request);
      }
      patient = p;
    }
    if (studies == null) {
      studies = entries(answers.get(i++).resource(), ImagingStudy.class);
    }
    if (observations == null) {
      observations = entries(answers.get(i++).resource(), Observation.class);
    }
    if (conditions == null) {
      conditions = entries(answers.get(i).resource(), Condition.class);
    }
    // what the gather keeps of what it reads, whether searched or prefetched
    studies = gather.studiesWithinAge(studies, at);
    observations = gather.withinLabWindow(observations, chosen.get());
    List<Resource> all = new ArrayList<>();
    all.add(patient);
    all.addAll(studies);
    all.addAll(observations);
    all.addAll(conditions);
    Optional<InputVersions> versions = InputVersions.of(all);
    Optional<ImagingStudy> study = new StudySelector(card.study()).select(studies, at);
    if (versions.isEmpty()
        || !versions.get().equals(entry.versions())
        || study.isEmpty()
        || !versioned(study.get()).equals(entry.studyReference())
        || !sameReport(reportAnswer, entry)) {
      return forget(base, id, request);
    }
    if (feed.isPresent() && allFromServer) {
      // read from the server itself after that poll: the feed may vouch for it again
      recent.proved(base, id, entry, pollBefore);
    }
    EvaluationJob job = EvaluationJob.ofHook(request, card.id(), card.version(), base, now);
    hits.incrementAndGet();
    return new Recalled(job, entry.key(), entry.reportUrl(), entry.report());
  }

  /**
   * The check by the feed: empty when the feed cannot tell (its poll failed or was late, or a poll
   * since the entry was last proved overflowed: the per-hook batch decides). A miss leaves the
   * poll's number on the exchange for {@link #remember}.
   */
  private Optional<Object> checkByFeed(
      ChangeFeed feed, String base, HookRequest request, Exchange exchange) {
    gather.checkAuthorization(request);
    String id = request.patientId();
    if (recent.get(base, id).isEmpty()) {
      nothingRemembered.incrementAndGet();
      exchange.setProperty(GATHERED_AFTER, feed.completed());
      return Optional.of(request);
    }
    Instant now = Instant.now();
    Optional<ChangeFeed.Poll> poll = feed.awaitPoll();
    if (poll.isEmpty()) {
      return Optional.empty();
    }
    // the poll's audit record becomes durable while the hook goes on; it answers after it is
    audit.await(CallAuditPolicy.context(exchange), poll.get().audited());
    exchange.setProperty(GATHERED_AFTER, poll.get().seq());
    Optional<RecentResults.Entry> still = recent.provenByFeed(base, id);
    if (still.isEmpty()) {
      if (recent.get(base, id).isPresent()) {
        return Optional.empty(); // a poll since it was proved overflowed: the per-hook batch
      }
      changed.incrementAndGet();
      return Optional.of(request);
    }
    RecentResults.Entry entry = still.get();
    Instant asOf = exchange.getProperty(PatientContext.AS_OF, Instant.class);
    Instant at = asOf == null ? now : asOf;
    // the studies within age now, as a gather now would keep them: the same set as remembered
    // (none started since the case's time, none grown too old), and the same choice among them
    List<ImagingStudy> within = gather.studiesWithinAge(entry.studies(), at);
    Optional<ImagingStudy> study = new StudySelector(card.study()).select(within, at);
    if (!gather.studiesReadCover(entry.gatheredAt(), at)
        || !within.stream()
            .map(RecallStep::versioned)
            .collect(Collectors.toSet())
            .equals(Set.copyOf(remembered(entry, "ImagingStudy/")))
        || study.isEmpty()
        || !versioned(study.get()).equals(entry.studyReference())
        || !prefetchAgrees(request, entry, study.get(), at)) {
      return Optional.of(forget(base, id, request));
    }
    hits.incrementAndGet();
    EvaluationJob job = EvaluationJob.ofHook(request, card.id(), card.version(), base, now);
    return Optional.of(new Recalled(job, entry.key(), entry.reportUrl(), entry.report()));
  }

  /**
   * Each part the EHR prefetched holds the versions remembered for it: the Patient, the studies,
   * the card's Observations, the Conditions (a part not prefetched is the feed's to prove), and
   * every part the remembered case took from an EHR's prefetch is prefetched again (the feed cannot
   * prove an EHR's copy).
   */
  private boolean prefetchAgrees(
      HookRequest request, RecentResults.Entry entry, ImagingStudy study, Instant at) {
    List<PrefetchVersions> read =
        PrefetchVersions.read(request.prefetch(), studiesKept(at), labsKept(study));
    if (!PrefetchVersions.used(read).containsAll(entry.prefetched())) {
      return false; // gathered from the EHR's copy of a part this hook does not send again
    }
    if (!read.stream().allMatch(PrefetchVersions::clear)) {
      return prefetchAgreesAsParsed(request, entry, study, at);
    }
    for (int i = 0; i < read.size(); i++) {
      List<String> refs = read.get(i).references();
      if (refs != null && !refs.equals(remembered(entry, PrefetchVersions.TYPES.get(i) + "/"))) {
        // the EHR's copy holds more than the gather keeps (studies older than the card allows,
        // labs outside its window: the prefetch templates ask for all), or another version
        return prefetchAgreesAsParsed(request, entry, study, at);
      }
    }
    return true;
  }

  /**
   * Whether the gather keeps a prefetched study at {@code at}, from its JSON {@code started} (read
   * as HAPI reads it): {@link GatherStep#withinAge}.
   */
  private PrefetchVersions.Keep studiesKept(Instant at) {
    Predicate<ImagingStudy> kept = gather.withinAge(at);
    return r -> {
      ImagingStudy s = new ImagingStudy();
      JsonNode started = r.path("started");
      if (!started.isMissingNode()) {
        DateTimeType t = dateTime(started);
        if (t == null) {
          return null;
        }
        s.setStartedElement(t);
      }
      return kept.test(s);
    };
  }

  /**
   * Whether the gather keeps a prefetched observation, from its JSON effective[x] (read as HAPI
   * reads it): {@link GatherStep#inLabWindow} around the remembered study.
   */
  private PrefetchVersions.Keep labsKept(ImagingStudy study) {
    Predicate<Observation> kept = gather.inLabWindow(study);
    return r -> {
      JsonNode dateTime = r.path("effectiveDateTime");
      JsonNode period = r.path("effectivePeriod");
      JsonNode instant = r.path("effectiveInstant");
      int given =
          (dateTime.isMissingNode() ? 0 : 1)
              + (period.isMissingNode() ? 0 : 1)
              + (instant.isMissingNode() ? 0 : 1);
      Observation o = new Observation();
      if (given > 1 || !period.isMissingNode() && !period.isObject()) {
        return null; // a shape the parsed path reads as HAPI does
      } else if (!dateTime.isMissingNode()) {
        DateTimeType t = dateTime(dateTime);
        if (t == null) {
          return null;
        }
        o.setEffective(t);
      } else if (!period.path("start").isMissingNode()) {
        DateTimeType t = dateTime(period.path("start"));
        if (t == null) {
          return null;
        }
        o.setEffective(new Period().setStartElement(t));
      } else if (!instant.isMissingNode()) {
        if (!instant.isTextual()) {
          return null;
        }
        try {
          o.setEffective(new InstantType(instant.textValue()));
        } catch (RuntimeException e) {
          return null;
        }
      }
      return kept.test(o);
    };
  }

  private static DateTimeType dateTime(JsonNode text) {
    if (!text.isTextual()) {
      return null;
    }
    try {
      return new DateTimeType(text.textValue());
    } catch (RuntimeException e) {
      return null;
    }
  }

  private static List<String> remembered(RecentResults.Entry entry, String prefix) {
    return entry.versions().references().stream().filter(r -> r.startsWith(prefix)).toList();
  }

  /**
   * {@link #prefetchAgrees} for a prefetch of another shape, or one that holds more than the gather
   * keeps: each part parsed and kept as the gather does (the studies the card's age allows at
   * {@code at}, the labs of the window around the remembered study).
   */
  private boolean prefetchAgreesAsParsed(
      HookRequest request, RecentResults.Entry entry, ImagingStudy study, Instant at) {
    FhirGateway.PrefetchView prefetch = new FhirGateway.PrefetchView(fhir, request.prefetch());
    List<String> unused = new ArrayList<>();
    Patient patient = prefetch.resource("patient", Patient.class, unused);
    List<ImagingStudy> studies = prefetch.bundle("studies", ImagingStudy.class, unused);
    List<Observation> observations = prefetch.bundle("observations", Observation.class, unused);
    List<List<? extends Resource>> parts =
        java.util.Arrays.asList(
            patient == null ? null : List.of(patient),
            studies == null ? null : gather.studiesWithinAge(studies, at),
            observations == null ? null : gather.withinLabWindow(observations, study),
            prefetch.bundle("conditions", Condition.class, unused));
    for (int i = 0; i < parts.size(); i++) {
      if (parts.get(i) == null) {
        continue;
      }
      Optional<InputVersions> given = InputVersions.of(parts.get(i));
      if (given.isEmpty()
          || !given
              .get()
              .references()
              .equals(remembered(entry, PrefetchVersions.TYPES.get(i) + "/"))) {
        return false;
      }
    }
    return true;
  }

  /** The base's change feed once this model listens to it; empty when feeds are off. */
  private Optional<ChangeFeed> feed(String base) {
    if (feeds == null) {
      return Optional.empty();
    }
    Optional<ChangeFeed> feed = feeds.of(base);
    feed.filter(f -> listening.add(base))
        .ifPresent(f -> f.listen(changes -> recent.apply(base, changes, this::aboutInputs)));
    return feed.filter(ChangeFeed::usable);
  }

  /**
   * Whether the gather of the change's patient would read it: the Patient, any of their studies or
   * conditions, an Observation with one of the card's LOINC codes (or with no code the feed could
   * read).
   */
  private boolean aboutInputs(ChangeFeed.Change c) {
    return switch (c.type()) {
      case "Patient", "ImagingStudy", "Condition" -> true;
      case "Observation" ->
          c.codes().isEmpty()
              || c.codes().stream()
                  .anyMatch(
                      code ->
                          code.startsWith("http://loinc.org|")
                              && gather
                                  .loincCodes()
                                  .contains(code.substring("http://loinc.org|".length())));
      default -> false;
    };
  }

  /** Remembers a report found for the inputs of a fully gathered case, unless it was withdrawn. */
  public StoredReport remember(StoredReport s, Exchange exchange) {
    DiagnosticReport d = s.report();
    if (d.getStatus() == DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR) {
      return s; // a withdrawn result is never answered from the index
    }
    remember(
        s.inputs(),
        s.reportUrl(),
        d.getIdElement().getIdPart(),
        s.reportVersion(),
        null,
        s,
        gatheredAfter(exchange));
    return s;
  }

  /** Remembers a report the hook has just written. */
  public Reported remember(Reported r, Exchange exchange) {
    String id = r.reportUrl().substring(r.reportUrl().lastIndexOf('/') + 1);
    remember(
        r.inferred().inputs(),
        r.reportUrl(),
        id,
        r.reportVersion(),
        r.report(),
        null,
        gatheredAfter(exchange));
    return r;
  }

  private static Long gatheredAfter(Exchange exchange) {
    return exchange == null ? null : exchange.getProperty(GATHERED_AFTER, Long.class);
  }

  /**
   * Only what the check can prove is remembered: every resource versioned, the image there and
   * named by its study (an image that failed may be there next time; an instance found by a QIDO
   * search is not checked again).
   */
  private void remember(
      EvaluationInputs in,
      String reportUrl,
      String reportId,
      String reportVersion,
      ReportRequest report,
      StoredReport stored,
      Long gatheredAfter) {
    ModelInputs inputs = in.inputs();
    PatientContext c = in.context();
    if (reportVersion == null || inputs.missingNames().contains("image")) {
      return;
    }
    Set<String> listed =
        c.study().getSeries().stream()
            .flatMap(s -> s.getInstance().stream())
            .map(instance -> "urn:oid:" + instance.getUid())
            .collect(Collectors.toSet());
    boolean imageListed =
        inputs.referenceStrings().stream()
            .filter(r -> r.startsWith("urn:oid:"))
            .allMatch(listed::contains);
    Optional<InputVersions> versions = InputVersions.of(in.gathered());
    if (!imageListed || versions.isEmpty()) {
      return;
    }
    RecentResults.Entry entry =
        new RecentResults.Entry(
            versions.get(),
            List.copyOf(c.searchedStudies()),
            c.evaluationTime(),
            versioned(c.study()),
            in.key(),
            reportUrl,
            reportId,
            reportVersion,
            report != null ? report : reports.stored(stored),
            PrefetchVersions.used(PrefetchVersions.read(c.request().prefetch())));
    Optional<ChangeFeed> feed = feed(c.fhirBase());
    if (feed.isEmpty()) {
      recent.put(c.fhirBase(), c.request().patientId(), entry);
    } else if (gatheredAfter != null) {
      // a case gathered before the feed's mark of a change it may have missed is not remembered
      recent.putIfFresh(c.fhirBase(), c.request().patientId(), entry, gatheredAfter);
    }
  }

  /** Hooks answered from the index. */
  public long hits() {
    return hits.get();
  }

  /** Hooks whose remembered result no longer held (or whose batch failed): gathered in full. */
  public long changed() {
    return changed.get();
  }

  /** Hooks for a patient with nothing remembered: gathered in full. */
  public long nothingRemembered() {
    return nothingRemembered.get();
  }

  /** Patients in the index now. */
  public long entries() {
    return recent.size();
  }

  private Object forget(String base, String patientId, HookRequest request) {
    changed.incrementAndGet();
    recent.forget(base, patientId);
    return request;
  }

  /**
   * The read answer is the remembered report, in the remembered version, still carrying the result
   * key, and not entered in error.
   */
  private static boolean sameReport(Resource answer, RecentResults.Entry entry) {
    if (!(answer instanceof DiagnosticReport d)) {
      return false;
    }
    String version =
        d.getIdElement().hasVersionIdPart()
            ? d.getIdElement().getVersionIdPart()
            : d.getMeta().getVersionId();
    boolean keyed =
        d.getIdentifier().stream()
            .anyMatch(
                id ->
                    ResultKey.SYSTEM.equals(id.getSystem())
                        && entry.key().value().equals(id.getValue()));
    return entry.reportId().equals(d.getIdElement().getIdPart())
        && entry.reportVersion().equals(version)
        && keyed
        && d.getStatus() != DiagnosticReport.DiagnosticReportStatus.ENTEREDINERROR;
  }

  /**
   * The remembered report read by its id (a read, not a search: the server stores no search for it,
   * and a deleted report answers 410 in its entry).
   */
  private static String reportRead(RecentResults.Entry entry) {
    return "DiagnosticReport/" + encode(entry.reportId()) + "?_elements=identifier,status";
  }

  /** The study the remembered result was computed for, among the studies remembered with it. */
  private static Optional<ImagingStudy> rememberedStudy(RecentResults.Entry entry) {
    return entry.studies().stream()
        .filter(s -> versioned(s).equals(entry.studyReference()))
        .findFirst();
  }

  private static String versioned(ImagingStudy s) {
    return InputVersions.of(List.of(s)).map(v -> v.references().get(0)).orElse("");
  }

  private static <T extends Resource> List<T> entries(Resource searchset, Class<T> type) {
    if (!(searchset instanceof Bundle b)) {
      return List.of();
    }
    return b.getEntry().stream()
        .map(Bundle.BundleEntryComponent::getResource)
        .filter(type::isInstance)
        .map(type::cast)
        .toList();
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }
}
