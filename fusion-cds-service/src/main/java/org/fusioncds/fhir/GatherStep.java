package org.fusioncds.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.camel.Exchange;
import org.fusioncds.audit.AuditTrail;
import org.fusioncds.audit.AuditingClientInterceptor;
import org.fusioncds.audit.CallAuditPolicy;
import org.fusioncds.error.ErrorCode;
import org.fusioncds.error.FcdsException;
import org.fusioncds.flow.AuditContext;
import org.fusioncds.flow.ClinicalInputs;
import org.fusioncds.flow.EvaluationJob;
import org.fusioncds.flow.FhirAuthorization;
import org.fusioncds.flow.HookRequest;
import org.fusioncds.flow.NotEvaluable;
import org.fusioncds.flow.PatientContext;
import org.fusioncds.flow.StoredKeys;
import org.fusioncds.model.ModelCard;
import org.fusioncds.model.StudySelector;
import org.fusioncds.security.HookTokens;
import org.fusioncds.security.OutboundUrlPolicy;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.ImagingStudy;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Patient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code gather} step, FHIR side: opens the case (FHIR client on the hook's server with its
 * token), reads the patient beside their imaging studies and picks the eligible study the model
 * card asks for; then, in parallel with the images, the Observations with the card's LOINC codes
 * effective around the card's lab window beside the Conditions ({@link SideBySide}). The labs are
 * read only once a study is eligible: a chart without one costs two requests, not four.
 */
public final class GatherStep {

  private static final Logger LOG = LoggerFactory.getLogger(GatherStep.class);

  private final FhirGateway gateway;
  private final FhirContext fhir;
  private final ModelCard card;
  private final StudySelector selector;
  private final String defaultFhirBase;
  private final Outbound outbound;

  /**
   * Where the step may connect and with which credentials: the fhirServer allowlist, the service's
   * own token (client credentials; null when none is configured) and the audit trail; and the pool
   * that makes a hook's two independent reads side by side.
   */
  public record Outbound(
      OutboundUrlPolicy fhirServers,
      Supplier<String> serviceTokens,
      AuditTrail audit,
      SideBySide sideBySide) {}

  public GatherStep(
      FhirGateway gateway,
      FhirContext fhir,
      ModelCard card,
      String defaultFhirBase,
      Outbound outbound) {
    this.gateway = gateway;
    this.fhir = fhir;
    this.card = card;
    this.selector = new StudySelector(card.study());
    this.defaultFhirBase =
        defaultFhirBase == null || defaultFhirBase.isBlank() ? null : defaultFhirBase;
    this.outbound = outbound;
  }

  /**
   * Opens the case: the hook's fhirServer, checked against the allowlist before any connection (the
   * configured fhir.base-url when the hook names none), a client with the hook's token (else the
   * service's own) whose every read is audited; then the patient and studies and the eligible
   * study: a {@link PatientContext}, or {@link NotEvaluable} saying why none (worded from the model
   * card's study section). The card's recency rules apply at the job's "as of" time (exchange
   * property {@link PatientContext#AS_OF}, set for a backfill job) or else now.
   */
  public Object start(HookRequest request, Exchange exchange) {
    Instant requested = Instant.now();
    Instant asOf =
        exchange == null ? null : exchange.getProperty(PatientContext.AS_OF, Instant.class);
    Instant now = asOf == null ? requested : asOf;
    Connection connection = connect(request, exchange);
    String fhirBase = connection.fhirBase();
    AuditingClientInterceptor reads = connection.reads();
    IGenericClient client = connection.client();
    EvaluationJob job =
        EvaluationJob.ofHook(request, card.id(), card.version(), fhirBase, requested);
    FhirGateway.PrefetchView prefetch = new FhirGateway.PrefetchView(fhir, request.prefetch());
    String patientId = request.patientId();
    SideBySide.Pair<Patient, List<ImagingStudy>> patientAndStudies =
        outbound
            .sideBySide()
            .both(
                () -> reads.audited(() -> gateway.patient(client, patientId, prefetch)),
                () ->
                    reads.audited(
                        () -> gateway.studies(client, studiesSearch(patientId, now), prefetch)));
    List<ImagingStudy> studies = studiesWithinAge(patientAndStudies.second(), now);
    ImagingStudy study = selector.select(studies, now).orElse(null);
    if (study == null) {
      return new NotEvaluable(job, card.notEvaluableSummary(), card.notEvaluableDetail());
    }
    return new PatientContext(
        job,
        request,
        now,
        connection.audit(),
        fhirBase,
        client,
        reads::audited,
        patientAndStudies.first(),
        studies,
        patientAndStudies.second(),
        study);
  }

  /**
   * The hook's FHIR server with its client: the hook's fhirServer, checked against the allowlist
   * before any connection (the configured fhir.base-url when the hook names none; FCDS-3006 when
   * neither), a client with the hook's token (else the service's own) whose every GET is audited.
   */
  public Connection connect(HookRequest request, Exchange exchange) {
    return connect(fhirBase(request), request, exchange);
  }

  /** As {@link #connect(HookRequest, Exchange)}, to a base {@link #fhirBase} already gave. */
  public Connection connect(String fhirBase, HookRequest request, Exchange exchange) {
    AuditContext audit = CallAuditPolicy.context(exchange);
    AuditingClientInterceptor reads =
        new AuditingClientInterceptor(outbound.audit(), audit, fhirBase);
    IGenericClient client = gateway.client(fhirBase, tokens(request), reads);
    return new Connection(fhirBase, client, reads, audit);
  }

  /**
   * The FHIR server of a hook: its fhirServer once on the allowlist (FCDS-703x), else the
   * configured fhir.base-url, else FCDS-3006. Connects nowhere.
   */
  public String fhirBase(HookRequest request) {
    if (request.fhirServer() != null) {
      return outbound.fhirServers().check(request.fhirServer(), "fhirServer").toString();
    } else if (defaultFhirBase != null) {
      return defaultFhirBase;
    } else {
      List<String> missing =
          FhirGateway.PREFETCH_KEYS.stream().filter(k -> request.prefetched(k) == null).toList();
      throw new HookDataRefused(
          ErrorCode.FHIR_SERVER_MISSING,
          "the hook names no fhirServer and fhir.base-url is not set: "
              + (missing.isEmpty()
                  ? "the report needs a FHIR server to be written to"
                  : "the prefetch lacks " + String.join(", ", missing)));
    }
  }

  /**
   * The hook's fhirAuthorization checked as {@link #connect} checks it (a token about to expire is
   * FCDS-7054), for an answer that makes no FHIR call with it: the same request gets the same
   * answer whether or not a result is remembered.
   */
  public void checkAuthorization(HookRequest request) {
    tokens(request);
  }

  /** One hook's connection to its FHIR server: the base, the client, its audited reads. */
  public record Connection(
      String fhirBase,
      IGenericClient client,
      AuditingClientInterceptor reads,
      AuditContext audit) {}

  /** The hook's fhirAuthorization while it is valid (then the service's own token), or ours. */
  private Supplier<String> tokens(HookRequest request) {
    FhirAuthorization a = request.fhirAuthorization();
    if (a == null) {
      return outbound.serviceTokens();
    }
    return HookTokens.of(
            a.accessToken(),
            a.expiresIn(),
            Instant.now(),
            Clock.systemUTC(),
            outbound.serviceTokens())
        .requireUsable();
  }

  /**
   * Observations (the card's LOINC codes) beside the Conditions: prefetch first, then searches;
   * after the Conditions, the result keys of the patient's stored reports ({@link
   * FhirGateway#storedKeys}), so that the cached-path lookup after the assembly is skipped when no
   * report carries the case's key. Three requests on two paths: the labs' search is the longest,
   * and on a small machine a third request at once would only share the same cores.
   */
  public ClinicalInputs clinical(PatientContext c) {
    FhirGateway.PrefetchView prefetch = new FhirGateway.PrefetchView(fhir, c.request().prefetch());
    String patientId = c.request().patientId();
    SideBySide.Pair<List<Observation>, SideBySide.Pair<List<Condition>, StoredKeys>> read =
        outbound
            .sideBySide()
            .both(
                () ->
                    c.reads()
                        .audited(
                            () ->
                                gateway.observations(
                                    c.fhir(), observationsSearch(patientId, c.study()), prefetch)),
                () ->
                    new SideBySide.Pair<>(
                        c.reads().audited(() -> gateway.conditions(c.fhir(), patientId, prefetch)),
                        storedKeys(c, patientId)));
    List<Condition> conditions =
        c.job().asOf() == null
            ? read.second().first()
            : recordedBy(read.second().first(), c.evaluationTime());
    return new ClinicalInputs(
        c, withinLabWindow(read.first(), c.study()), conditions, read.second().second());
  }

  /**
   * For a job evaluated as of a past time (a backfill's, a replay's): the Conditions the problem
   * list held then, as far as the server tells: one recorded after that time ({@code recordedDate})
   * was not known to anyone at it and is left out; one without a recorded date is kept. A live hook
   * keeps all (a recorded date ahead of our clock is a clock, not the future). What cannot be told:
   * a {@code clinicalStatus} changed since without an abatement date is read as it is now.
   */
  public static List<Condition> recordedBy(List<Condition> conditions, Instant asOf) {
    return conditions.stream()
        .filter(
            x ->
                !x.hasRecordedDateElement()
                    || x.getRecordedDate() == null
                    || !x.getRecordedDate().toInstant().isAfter(asOf))
        .toList();
  }

  /**
   * The stored reports' keys, or {@link StoredKeys#UNKNOWN} when the search failed (FCDS-3014 in
   * the log, with the failure's code): the lookup then runs as it would without them.
   */
  private StoredKeys storedKeys(PatientContext c, String patientId) {
    try {
      return c.reads().audited(() -> gateway.storedKeys(c.fhir(), patientId));
    } catch (FcdsException e) {
      LOG.warn(
          "{}: job {} — {}",
          ErrorCode.FHIR_STORED_KEYS_UNREAD.codeText(),
          c.job().jobId(),
          e.getMessage());
      return StoredKeys.UNKNOWN;
    }
  }

  /**
   * The study search at {@code at} (the evaluation time): when the card limits a study's age, the
   * studies started within it ({@code [at − maxAgeHours, at]}, the selector's rule), else all.
   */
  public String studiesSearch(String patientId, Instant at) {
    Double maxAgeHours = card.study().maxAgeHours();
    if (maxAgeHours == null) {
      return FhirGateway.studiesSearch(patientId);
    }
    return FhirGateway.studiesSearch(
        patientId, at.minusMillis(Math.round(maxAgeHours * 3_600_000)), at);
  }

  /**
   * The lab search: the card's LOINC codes effective within its lab window around the study's start
   * (the assembly's anchor).
   */
  public String observationsSearch(String patientId, ImagingStudy study) {
    Instant anchor = study.getStarted().toInstant();
    return FhirGateway.observationsSearch(
        patientId, loincCodes(), card.labWindow().from(anchor), card.labWindow().to(anchor));
  }

  /**
   * Whether the studies a gather as of {@code gatheredAt} read hold every study the card's age
   * allows at {@code at}: without a maximum age always (nothing was left out); with one, when
   * {@code at} is no earlier than {@code gatheredAt} and at most {@link FhirGateway#WINDOW_WHOLE}
   * after it (the search reached that far past its window). A case gathered as of an older time (a
   * backfill job), or long ago, may have missed a study that started after that time.
   */
  public boolean studiesReadCover(Instant gatheredAt, Instant at) {
    return card.study().maxAgeHours() == null
        || (!at.isBefore(gatheredAt) && !at.isAfter(gatheredAt.plus(FhirGateway.WINDOW_WHOLE)));
  }

  /**
   * The studies the card's maximum age allows at {@code at}, exactly: what the gather keeps of the
   * studies read, whether searched (a day wider) or prefetched (all), so that a case remembered
   * from one is the same case when read from the other.
   */
  public List<ImagingStudy> studiesWithinAge(List<ImagingStudy> studies, Instant at) {
    return studies.stream().filter(withinAge(at)).toList();
  }

  /** The rule of {@link #studiesWithinAge}, for one study at a time. */
  public Predicate<ImagingStudy> withinAge(Instant at) {
    return s -> selector.withinAge(s, at);
  }

  /** The observations effective within the card's lab window around the study, exactly. */
  public List<Observation> withinLabWindow(List<Observation> observations, ImagingStudy study) {
    return observations.stream().filter(inLabWindow(study)).toList();
  }

  /** The rule of {@link #withinLabWindow}, for one observation at a time. */
  public Predicate<Observation> inLabWindow(ImagingStudy study) {
    Instant anchor = study.getStarted().toInstant();
    return o -> card.labWindow().contains(anchor, o);
  }

  /** The LOINC codes of the card's observation features, for the search and the prefetch. */
  public List<String> loincCodes() {
    return loincCodes(card);
  }

  /** The LOINC codes of a card's observation features. */
  public static List<String> loincCodes(ModelCard card) {
    return card.features().stream()
        .filter(f -> "observation".equals(f.source()))
        .flatMap(f -> f.codes().stream())
        .filter(code -> code.startsWith("http://loinc.org|"))
        .map(code -> code.substring("http://loinc.org|".length()))
        .distinct()
        .toList();
  }
}
